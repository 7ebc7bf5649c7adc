//! Passkeys as the second factor, over real HTTP with a soft authenticator
//! (`common::passkey`): adding one, signing in with one, and every way found to get a session
//! from a passkey answer that should not give one.

use crate::common::passkey::Authenticator;
use crate::common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

const REFUSED: &str = "The email, passphrase or code is not right. Check them and try again.";

/// Browsers accept `localhost` as a relying party's id, not an IP address.
const ORIGIN: &str = "http://localhost:8080";

/// Limits high enough for a test that tries many refused sign-ins in a row: here the limits are
/// not what is under test.
async fn passkey_server(dir: &std::path::Path) -> Server {
    serve(
        dir,
        &format!(
            "[staff]\nbase_url = \"{ORIGIN}\"\n[staff.sign_in]\nfailures_per_known_device = 100\nfailures_per_account_and_client = 100\nfailures_per_account = 100\nfailures_per_client = 100\n"
        ),
    )
    .await
}

/// Invites, enrols and signs in a member with an authenticator app code.
async fn member(s: &Server, email: &str, role: &str) -> (Inbox, Member) {
    let mut inbox = Inbox::at(&s.base, ORIGIN);
    let url = invite(&s.config, "livin", email, role);
    let mut m = enrol(&inbox, &url, "correct horse battery staple").await;
    forget_totp_step(&s.db, &m.email);
    m.code_used_at = safe_contact_endpoint::clock::unix_now();
    let a = inbox
        .sign_in(&m.email, &m.proof, &m.code(m.code_used_at))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.json);
    assert_eq!(a.json["second_factor"], "totp");
    (inbox, m)
}

/// Adds a passkey made by `authenticator` for the signed-in member; the answer.
async fn add(inbox: &Inbox, m: &Member, authenticator: &mut Authenticator) -> Answer {
    add_proving(inbox, &m.proof, authenticator).await
}

/// As [`add`], sending `proof` as the passphrase proof.
async fn add_proving(inbox: &Inbox, proof: &str, authenticator: &mut Authenticator) -> Answer {
    let start = inbox
        .post("/staff/api/passkeys/register/start", &json!({}))
        .await;
    assert_eq!(start.status, StatusCode::OK, "{}", start.json);
    let credential = authenticator.create(&start.json["public_key"]);
    inbox
        .post(
            "/staff/api/passkeys/register/finish",
            &json!({
                "state": start.json["state"],
                "name": "Work laptop",
                "proof": proof,
                "credential": credential,
            }),
        )
        .await
}

/// A passkey sign-in's finish body, answered by `authenticator`.
async fn passkey_finish(inbox: &Inbox, m: &Member, authenticator: &mut Authenticator) -> Value {
    let start = inbox
        .post("/staff/api/sign-in/passkey/start", &json!({}))
        .await;
    assert_eq!(start.status, StatusCode::OK, "{}", start.json);
    assert_eq!(start.json["public_key"]["allowCredentials"], json!([]));
    assert_eq!(start.json["public_key"]["userVerification"], "required");
    json!({
        "email": m.email,
        "proof": m.proof,
        "state": start.json["state"],
        "credential": authenticator.get(&start.json["public_key"]),
    })
}

/// Signs in with a finish body, keeping the session on success.
async fn finish(inbox: &mut Inbox, body: &Value) -> Answer {
    let a = inbox.post("/staff/api/sign-in/passkey/finish", body).await;
    if a.status == StatusCode::OK {
        inbox.cookie = set_cookie(&a.headers, "__Host-safe-contact-staff");
        inbox.csrf = Some(a.json["csrf_token"].as_str().unwrap().to_owned());
    }
    a
}

fn audit_rows(db: &safe_contact_endpoint::config::Database) -> Vec<String> {
    texts(
        db,
        "SELECT actor || ' ' || action || ' ' || coalesce(subject, '-') FROM audit ORDER BY rowid",
    )
}

fn passkey_rows(db: &safe_contact_endpoint::config::Database) -> i64 {
    texts(db, "SELECT CAST(count(*) AS TEXT) FROM passkeys")[0]
        .parse()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_adds_a_passkey_and_signs_in_with_it_and_the_passphrase() {
    let dir = tempdir();
    let s = passkey_server(dir.path()).await;
    let (inbox, m) = member(&s, "sam@livin.example", "officer").await;
    let scheme = inbox.get("/staff/api/key-scheme").await;
    assert_eq!(scheme.json["passkeys"], true);
    let before = inbox.get("/staff/api/passkeys").await;
    assert_eq!(before.json, json!({ "passkeys": [], "required": false }));

    let mut phone = Authenticator::new("localhost", ORIGIN);
    let a = add(&inbox, &m, &mut phone).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json);
    let listed = inbox.get("/staff/api/passkeys").await;
    assert_eq!(listed.json["passkeys"][0]["name"], "Work laptop");
    assert_eq!(
        listed.json["passkeys"][0]["passkey_id"],
        a.json["passkey_id"]
    );
    assert_eq!(listed.json["passkeys"][0]["last_used_at"], Value::Null);
    // Only the public key is stored: nothing the server holds signs.
    assert_eq!(passkey_rows(&s.db), 1);

    let mut browser = Inbox::at(&s.base, ORIGIN);
    let body = passkey_finish(&browser, &m, &mut phone).await;
    let a = finish(&mut browser, &body).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.json);
    assert_eq!(a.json["second_factor"], "passkey");
    assert_eq!(a.json["email"], "sam@livin.example");
    // The key still comes wrapped under the passphrase: the passkey unlocks nothing.
    assert!(a.json["wrapped_key"]
        .as_str()
        .is_some_and(|k| !k.is_empty()));
    assert!(a.json["key_pepper"].as_str().is_some());
    assert_eq!(
        browser.get("/staff/api/requests").await.status,
        StatusCode::OK
    );
    let rows = audit_rows(&s.db);
    assert!(
        rows.contains(&"sam@livin.example added a passkey -".to_owned()),
        "{rows:?}"
    );
    assert!(
        rows.contains(&"sam@livin.example signed in with a passkey -".to_owned()),
        "{rows:?}"
    );
    let listed = browser.get("/staff/api/passkeys").await;
    assert!(listed.json["passkeys"][0]["last_used_at"].is_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn passkey_sign_ins_that_should_not_work_are_refused_with_the_one_message() {
    let dir = tempdir();
    let s = passkey_server(dir.path()).await;
    let (sam_inbox, sam) = member(&s, "sam@livin.example", "officer").await;
    let (ali_inbox, ali) = member(&s, "ali@livin.example", "officer").await;
    let mut sams = Authenticator::new("localhost", ORIGIN);
    sams.counts = false;
    let mut alis = Authenticator::new("localhost", ORIGIN);
    assert_eq!(
        add(&sam_inbox, &sam, &mut sams).await.status,
        StatusCode::CREATED
    );
    assert_eq!(
        add(&ali_inbox, &ali, &mut alis).await.status,
        StatusCode::CREATED
    );
    let mut browser = Inbox::at(&s.base, ORIGIN);

    // A finish body sent again, as someone who saw it in transit would.
    let body = passkey_finish(&browser, &sam, &mut sams).await;
    assert_eq!(finish(&mut browser, &body).await.status, StatusCode::OK);
    let again = finish(&mut Inbox::at(&s.base, ORIGIN), &body).await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED, "{}", again.json);
    assert_eq!(again.json["error"], REFUSED);

    // Ali's passkey with Sam's email and proof.
    let mut body = passkey_finish(&browser, &sam, &mut alis).await;
    let a = finish(&mut browser, &body).await;
    assert_eq!(
        (a.status, &a.json["error"]),
        (StatusCode::UNAUTHORIZED, &json!(REFUSED))
    );
    // And Ali's passkey answer claiming to be for Sam's user handle changes nothing.
    body["credential"]["response"]["userHandle"] = passkey_finish(&browser, &sam, &mut sams).await
        ["credential"]["response"]["userHandle"]
        .clone();
    let a = finish(&mut browser, &body).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);

    // A bogus signature.
    let mut body = passkey_finish(&browser, &sam, &mut sams).await;
    let sig = body["credential"]["response"]["signature"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut bytes = base64_decode(&sig);
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    body["credential"]["response"]["signature"] = json!(base64_encode(&bytes));
    let a = finish(&mut browser, &body).await;
    assert_eq!(
        (a.status, &a.json["error"]),
        (StatusCode::UNAUTHORIZED, &json!(REFUSED))
    );

    // The right passkey with the wrong passphrase.
    let mut body = passkey_finish(&browser, &sam, &mut sams).await;
    body["proof"] = json!(ali.proof);
    let a = finish(&mut browser, &body).await;
    assert_eq!(
        (a.status, &a.json["error"]),
        (StatusCode::UNAUTHORIZED, &json!(REFUSED))
    );

    // A state changed by one byte, or made for adding a passkey, or by another server.
    let mut body = passkey_finish(&browser, &sam, &mut sams).await;
    let mut state = base64_decode(body["state"].as_str().unwrap());
    state[3] ^= 1;
    body["state"] = json!(base64_encode(&state));
    assert_eq!(
        finish(&mut browser, &body).await.status,
        StatusCode::UNAUTHORIZED
    );
    let mut body = passkey_finish(&browser, &sam, &mut sams).await;
    let register = sam_inbox
        .post("/staff/api/passkeys/register/start", &json!({}))
        .await;
    body["state"] = register.json["state"].clone();
    assert_eq!(
        finish(&mut browser, &body).await.status,
        StatusCode::UNAUTHORIZED
    );
    let other_dir = tempdir();
    let mut config = safe_contact_endpoint::Config::from_toml(
        &config_toml(
            other_dir.path(),
            &format!("[staff]\nbase_url = \"{ORIGIN}\"\n"),
        ),
        other_dir.path(),
    )
    .unwrap();
    config.staff.as_mut().unwrap().pepper = safe_contact_staff_keys::pepper::Pepper::new([9; 32]);
    let other = serve_config(config).await;
    let mut body = passkey_finish(&browser, &sam, &mut sams).await;
    let foreign = Inbox::at(&other.base, ORIGIN)
        .post("/staff/api/sign-in/passkey/start", &json!({}))
        .await;
    body["state"] = foreign.json["state"].clone();
    body["credential"] = sams.get(&foreign.json["public_key"]);
    assert_eq!(
        finish(&mut browser, &body).await.status,
        StatusCode::UNAUTHORIZED
    );

    // After all that, the honest answer still works: the refusals were not counted as uses.
    let body = passkey_finish(&browser, &sam, &mut sams).await;
    assert_eq!(finish(&mut browser, &body).await.status, StatusCode::OK);
}

fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s)
        .unwrap()
}

fn base64_encode(b: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn adding_a_passkey_needs_the_passphrase_and_its_own_fresh_ceremony() {
    let dir = tempdir();
    let s = passkey_server(dir.path()).await;
    let (sam_inbox, sam) = member(&s, "sam@livin.example", "officer").await;
    let (ali_inbox, ali) = member(&s, "ali@livin.example", "officer").await;

    // A session alone (a computer left unlocked) cannot add a passkey.
    let start = sam_inbox
        .post("/staff/api/passkeys/register/start", &json!({}))
        .await;
    let mut key = Authenticator::new("localhost", ORIGIN);
    let credential = key.create(&start.json["public_key"]);
    let mut body = json!({
        "state": start.json["state"],
        "name": "Mine now",
        "proof": ali.proof,
        "credential": credential,
    });
    let a = sam_inbox
        .post("/staff/api/passkeys/register/finish", &body)
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.json);
    assert_eq!(passkey_rows(&s.db), 0);

    // Sam's ceremony finished in Ali's session, with Ali's proof.
    let a = ali_inbox
        .post("/staff/api/passkeys/register/finish", &body)
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.json);
    assert_eq!(passkey_rows(&s.db), 0);

    // A name no one can read back.
    body["proof"] = json!(sam.proof);
    body["name"] = json!("a\u{7}b");
    let a = sam_inbox
        .post("/staff/api/passkeys/register/finish", &body)
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.json);

    body["name"] = json!("Phone");
    let a = sam_inbox
        .post("/staff/api/passkeys/register/finish", &body)
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json);
    // The same answer again is the same passkey: refused, not stored twice.
    let a = sam_inbox
        .post("/staff/api/passkeys/register/finish", &body)
        .await;
    assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.json);
    assert_eq!(passkey_rows(&s.db), 1);
    // Adding again leaves out the authenticator that holds one already.
    let start = sam_inbox
        .post("/staff/api/passkeys/register/start", &json!({}))
        .await;
    assert_eq!(
        start.json["public_key"]["excludeCredentials"][0]["id"],
        base64_encode(&key.credential_id)
    );
    // Without a session, nothing.
    let stranger = Inbox::at(&s.base, ORIGIN);
    let a = stranger
        .post("/staff/api/passkeys/register/start", &json!({}))
        .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removing_a_passkey_loses_no_key_and_the_app_still_signs_in() {
    let dir = tempdir();
    let s = passkey_server(dir.path()).await;
    let (mut inbox, m) = member(&s, "sam@livin.example", "lead").await;
    let mut key = Authenticator::new("localhost", ORIGIN);
    let added = add(&inbox, &m, &mut key).await;
    let id = added.json["passkey_id"].as_str().unwrap().to_owned();
    let wrapped_key = "SELECT wrapped_key FROM members WHERE email = 'sam@livin.example'";
    let wrapped = texts(&s.db, wrapped_key);

    let (other_inbox, ali) = member(&s, "ali@livin.example", "officer").await;
    let a = other_inbox
        .delete(&format!("/staff/api/passkeys/{id}"))
        .await;
    assert_eq!(
        a.status,
        StatusCode::NOT_FOUND,
        "another member's passkey is not found"
    );
    let a = inbox.delete(&format!("/staff/api/passkeys/{id}")).await;
    assert_eq!(a.status, StatusCode::NO_CONTENT, "{}", a.json);
    assert_eq!(passkey_rows(&s.db), 0);
    assert!(audit_rows(&s.db).contains(&"sam@livin.example removed a passkey -".to_owned()));

    let body = passkey_finish(&inbox, &m, &mut key).await;
    assert_eq!(
        finish(&mut inbox, &body).await.status,
        StatusCode::UNAUTHORIZED
    );
    forget_totp_step(&s.db, &m.email);
    let a = inbox
        .sign_in(
            &m.email,
            &m.proof,
            &m.code(safe_contact_endpoint::clock::unix_now()),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.json);
    assert_eq!(texts(&s.db, wrapped_key), wrapped);

    // A revoked member's passkeys go with them.
    let a = add(
        &other_inbox,
        &ali,
        &mut Authenticator::new("localhost", ORIGIN),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED);
    let ali = texts(
        &s.db,
        "SELECT member_id FROM members WHERE email = 'ali@livin.example'",
    );
    assert_eq!(
        inbox
            .delete(&format!("/staff/api/members/{}", ali[0]))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(passkey_rows(&s.db), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_inbox_at_an_ip_address_offers_no_passkeys() {
    let dir = tempdir();
    let s = serve(dir.path(), &staff_table("")).await;
    let inbox = Inbox::new(&s.base);
    assert_eq!(
        inbox.get("/staff/api/key-scheme").await.json["passkeys"],
        false
    );
    let a = inbox
        .post("/staff/api/sign-in/passkey/start", &json!({}))
        .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    let a = inbox
        .post("/staff/api/sign-in/passkey/finish", &json!({}))
        .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lead_requires_passkeys_and_a_code_alone_then_only_adds_one() {
    let dir = tempdir();
    let s = passkey_server(dir.path()).await;
    let (mut lead_inbox, lead) = member(&s, "lead@livin.example", "lead").await;
    let (officer_inbox, officer) = member(&s, "sam@livin.example", "officer").await;
    let on = json!({ "require_passkeys": true });

    // Not while the lead has no passkey of their own, and never by an officer.
    let a = lead_inbox.post("/staff/api/settings", &on).await;
    assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.json);
    let a = officer_inbox.post("/staff/api/settings", &on).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.json);
    let mut lead_key = Authenticator::new("localhost", ORIGIN);
    assert_eq!(
        add(&lead_inbox, &lead, &mut lead_key).await.status,
        StatusCode::CREATED
    );
    // Turned on from the session started with a code, it leaves that session able only to add
    // a passkey, like any other: the lead signs in with the passkey to carry on.
    let a = lead_inbox.post("/staff/api/settings", &on).await;
    assert_eq!((a.status, &a.json), (StatusCode::OK, &on));
    let a = lead_inbox.get("/staff/api/settings").await;
    assert_eq!(a.json["must_add_passkey"], true, "{}", a.json);
    let body = passkey_finish(&lead_inbox, &lead, &mut lead_key).await;
    assert_eq!(finish(&mut lead_inbox, &body).await.status, StatusCode::OK);
    assert_eq!(lead_inbox.get("/staff/api/settings").await.json, on);
    assert!(audit_rows(&s.db).contains(&"lead@livin.example required passkeys -".to_owned()));

    // The officer's session, started with a code, may now only add a passkey.
    let a = officer_inbox.get("/staff/api/requests").await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.json);
    assert_eq!(a.json["must_add_passkey"], true);
    assert_eq!(
        officer_inbox.get("/staff/api/passkeys").await.json["required"],
        true
    );
    // So may a new one: the answer says so.
    let mut fresh = Inbox::at(&s.base, ORIGIN);
    forget_totp_step(&s.db, &officer.email);
    let now = safe_contact_endpoint::clock::unix_now();
    let a = fresh
        .sign_in(&officer.email, &officer.proof, &officer.code(now))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.json);
    assert_eq!(a.json["must_add_passkey"], true);
    // Nothing in that answer opens the officer's key: a passphrase and one code caught by a
    // look-alike page do not give the pepper, the wrapped key or the grants.
    assert_eq!(
        (
            &a.json["key_pepper"],
            &a.json["wrapped_key"],
            &a.json["grants"]
        ),
        (&json!(""), &json!(""), &json!([])),
        "{}",
        a.json
    );
    assert_eq!(
        fresh.get("/staff/api/requests").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        fresh.get("/staff/api/team").await.status,
        StatusCode::FORBIDDEN
    );
    let mut officer_key = Authenticator::new("localhost", ORIGIN);
    assert_eq!(
        add(&fresh, &officer, &mut officer_key).await.status,
        StatusCode::CREATED
    );
    // Adding one does not lift that session: signing in with the passkey does.
    assert_eq!(
        fresh.get("/staff/api/requests").await.status,
        StatusCode::FORBIDDEN
    );
    let mut with_passkey = Inbox::at(&s.base, ORIGIN);
    let body = passkey_finish(&with_passkey, &officer, &mut officer_key).await;
    assert_eq!(
        finish(&mut with_passkey, &body).await.status,
        StatusCode::OK
    );
    assert_eq!(
        with_passkey.get("/staff/api/requests").await.status,
        StatusCode::OK
    );

    // With a passkey, a code no longer signs the lead in, even with the right passphrase.
    forget_totp_step(&s.db, &lead.email);
    let now = safe_contact_endpoint::clock::unix_now();
    let a = Inbox::at(&s.base, ORIGIN)
        .sign_in(&lead.email, &lead.proof, &lead.code(now))
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.json);
    assert!(a.json["error"]
        .as_str()
        .unwrap()
        .contains("Sign in with a passkey"));
    // A wrong code still gets the one refusal: the 403 says nothing until both are right.
    forget_totp_step(&s.db, &lead.email);
    let a = Inbox::at(&s.base, ORIGIN)
        .sign_in(&lead.email, &officer.proof, &lead.code(now))
        .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);

    // The lead cannot remove their only passkey while passkeys are required.
    let body = passkey_finish(&lead_inbox, &lead, &mut lead_key).await;
    assert_eq!(finish(&mut lead_inbox, &body).await.status, StatusCode::OK);
    let listed = lead_inbox.get("/staff/api/passkeys").await;
    let id = listed.json["passkeys"][0]["passkey_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let a = lead_inbox
        .delete(&format!("/staff/api/passkeys/{id}"))
        .await;
    assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.json);

    // A lost device: the lead removes the officer's passkeys, which ends their sessions; the
    // officer is back to a code, and may only add a passkey again.
    let team = lead_inbox.get("/staff/api/team").await;
    let sam = team.json["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == "sam@livin.example")
        .unwrap()
        .clone();
    assert_eq!(sam["passkeys"], 1);
    let sam_id = sam["member_id"].as_str().unwrap();
    let a = officer_inbox
        .delete(&format!("/staff/api/members/{sam_id}/passkeys"))
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "only a lead");
    let a = lead_inbox
        .delete(&format!("/staff/api/members/{sam_id}/passkeys"))
        .await;
    assert_eq!(a.status, StatusCode::NO_CONTENT, "{}", a.json);
    assert!(audit_rows(&s.db)
        .contains(&"lead@livin.example removed passkeys sam@livin.example".to_owned()));
    assert_eq!(
        fresh.get("/staff/api/passkeys").await.status,
        StatusCode::UNAUTHORIZED
    );
    let body = passkey_finish(&fresh, &officer, &mut officer_key).await;
    assert_eq!(
        finish(&mut Inbox::at(&s.base, ORIGIN), &body).await.status,
        StatusCode::UNAUTHORIZED
    );
    forget_totp_step(&s.db, &officer.email);
    let now = safe_contact_endpoint::clock::unix_now();
    let mut again = Inbox::at(&s.base, ORIGIN);
    let a = again
        .sign_in(&officer.email, &officer.proof, &officer.code(now))
        .await;
    assert_eq!(
        (a.status, &a.json["must_add_passkey"]),
        (StatusCode::OK, &json!(true))
    );
    assert_eq!(
        again.get("/staff/api/requests").await.status,
        StatusCode::FORBIDDEN
    );

    // Turned off, a code is enough again.
    let a = lead_inbox
        .post("/staff/api/settings", &json!({ "require_passkeys": false }))
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(
        again.get("/staff/api/requests").await.status,
        StatusCode::OK
    );
}

/// The member id as the 16 bytes of a passkey's user handle.
fn handle_of(member_id: &str) -> Vec<u8> {
    let hex: String = member_id.chars().filter(|c| *c != '-').collect();
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

/// Someone who can write to the database but has not the server's environment (a stolen
/// backup put back, a database account of its own): they plant a passkey row of theirs on a
/// lead, with a proof hash of their own choosing and the lead listed as a scheme-1 account, so
/// that the proof needs no pepper either. Before passkey rows were bound to their member under
/// a key from the pepper, this signed them in as the lead and gave them the lead's member
/// pepper. The row here is a real one, made by an account the writer holds, binding and all,
/// moved onto the lead.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_writer_without_the_pepper_cannot_plant_a_passkey_that_signs_in() {
    use argon2::{Algorithm, Argon2, Params, PasswordHasher, Version};
    use safe_contact_endpoint::args;
    let dir = tempdir();
    let s = passkey_server(dir.path()).await;
    let (_, lead) = member(&s, "lead@livin.example", "lead").await;
    let (writers_inbox, writer) = member(&s, "x@livin.example", "officer").await;
    let mut writers_key = Authenticator::new("localhost", ORIGIN);
    assert_eq!(
        add(&writers_inbox, &writer, &mut writers_key).await.status,
        StatusCode::CREATED
    );
    let lead_id = texts(
        &s.db,
        "SELECT member_id FROM members WHERE email = 'lead@livin.example'",
    )[0]
    .clone();

    let chosen = "a-proof-the-writer-chose";
    let hash = Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(19_456, 2, 1, Some(32)).unwrap(),
    )
    .hash_password(chosen.as_bytes())
    .unwrap()
    .to_string();
    let id = lead_id.clone();
    db_work(&s.db, move |db| {
        db.execute("UPDATE passkeys SET member_id = ?1", args![&id])?;
        db.execute(
            "UPDATE members SET proof_hash = ?1 WHERE member_id = ?2",
            args![&hash, &id],
        )?;
        db.execute(
            "INSERT INTO older_member_keys (member_id) VALUES (?1)",
            args![&id],
        )
    });
    writers_key.user_handle = handle_of(&lead_id);

    let mut browser = Inbox::at(&s.base, ORIGIN);
    let mut body = passkey_finish(&browser, &lead, &mut writers_key).await;
    body["proof"] = json!("anything");
    body["older_proof"] = json!(chosen);
    let a = finish(&mut browser, &body).await;
    assert_eq!(
        (a.status, &a.json["error"]),
        (StatusCode::UNAUTHORIZED, &json!(REFUSED)),
        "{}",
        a.json
    );
    assert!(a.json.get("key_pepper").is_none());
    assert_eq!(
        browser.get("/staff/api/team").await.status,
        StatusCode::UNAUTHORIZED
    );
}

/// A proof of the right shape (32 bytes in base64url) that is no one's.
fn wrong_proof(n: u8) -> String {
    base64_encode(&[n; 32])
}

/// A stolen session (its cookie and CSRF token) in a browser that never signed in: it has no
/// known-device cookie.
fn stolen(s: &Server, inbox: &Inbox) -> Inbox {
    let mut thief = Inbox::at(&s.base, ORIGIN);
    thief.cookie = inbox.cookie.clone();
    thief.csrf = inbox.csrf.clone();
    thief
}

async fn sign_in_again(s: &Server, inbox: &mut Inbox, m: &Member) -> StatusCode {
    forget_totp_step(&s.db, &m.email);
    let now = safe_contact_endpoint::clock::unix_now();
    inbox.sign_in(&m.email, &m.proof, &m.code(now)).await.status
}

/// Adding a passkey asks for the passphrase proof again, so a stolen session could use it to
/// guess the passphrase online: a wrong proof used to be refused with 403 and never counted,
/// and a right one with a made-up passkey told itself apart with 400. Now what can be checked
/// without Argon2 is checked first, and each wrong proof counts as a failed sign-in for the
/// member, against the same limits and in the same way: from the member's own browser against
/// that known device, from any other browser against the account and the client.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_proofs_when_adding_a_passkey_count_as_failed_sign_ins() {
    let dir = tempdir();
    let s = serve(
        dir.path(),
        &format!(
            "[staff]\nbase_url = \"{ORIGIN}\"\n[staff.sign_in]\nfailures_per_known_device = 3\nfailures_per_account_and_client = 3\nfailures_per_account = 3\nfailures_per_client = 3\n"
        ),
    )
    .await;
    let (mut sams_browser, sam) = member(&s, "sam@livin.example", "officer").await;

    // A made-up passkey answer is refused before the proof is looked at, whatever the proof,
    // so it neither tells a right proof from a wrong one nor counts.
    for proof in [wrong_proof(1), sam.proof.clone(), "not a proof".to_owned()] {
        let start = sams_browser
            .post("/staff/api/passkeys/register/start", &json!({}))
            .await;
        let a = sams_browser
            .post(
                "/staff/api/passkeys/register/finish",
                &json!({ "state": start.json["state"], "name": "x", "proof": proof, "credential": {} }),
            )
            .await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.json);
    }

    // From Sam's own browser: three wrong proofs, then even the right one is turned away, and
    // so is Sam's sign-in in that browser, as after three failed sign-ins there.
    for n in 0..3 {
        let mut key = Authenticator::new("localhost", ORIGIN);
        let a = add_proving(&sams_browser, &wrong_proof(n), &mut key).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.json);
    }
    let mut key = Authenticator::new("localhost", ORIGIN);
    let a = add_proving(&sams_browser, &sam.proof, &mut key).await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS, "{}", a.json);
    assert_eq!(passkey_rows(&s.db), 0);
    assert_eq!(
        sign_in_again(&s, &mut sams_browser, &sam).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Other browsers were never counted: Sam signs in on another.
    let mut elsewhere = Inbox::at(&s.base, ORIGIN);
    assert_eq!(
        sign_in_again(&s, &mut elsewhere, &sam).await,
        StatusCode::OK
    );

    // Ali's session, stolen without the browser it lives in: three wrong proofs, and Ali's
    // account is limited for every browser it has not signed in on, as after three failed
    // sign-ins from one; Ali's own browser still signs in.
    let (mut alis_browser, ali) = member(&s, "ali@livin.example", "officer").await;
    let thief = stolen(&s, &alis_browser);
    for n in 0..3 {
        let mut key = Authenticator::new("localhost", ORIGIN);
        let a = add_proving(&thief, &wrong_proof(n), &mut key).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.json);
    }
    let mut key = Authenticator::new("localhost", ORIGIN);
    let a = add_proving(&thief, &ali.proof, &mut key).await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS, "{}", a.json);
    assert_eq!(
        sign_in_again(&s, &mut Inbox::at(&s.base, ORIGIN), &ali).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        sign_in_again(&s, &mut alis_browser, &ali).await,
        StatusCode::OK
    );
    // And with the right proof, from the member's own browser, a passkey is added as before.
    let mut key = Authenticator::new("localhost", ORIGIN);
    let a = add(&alis_browser, &ali, &mut key).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json);
}

/// A session floods `register/finish` with wrong proofs and passkey answers that check out, so
/// every one reaches the Argon2 check, from a browser that is a known device. It used to take
/// the Argon2 place kept for known devices as well, so a colleague's known browser got 503
/// signing in, on any landlord of the endpoint. Now it waits for the places anyone may take,
/// as sign-in from a new browser does, and the colleague's known browser still signs in. The
/// limits are set out of reach: the kept place is what is under test.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_known_device_signs_in_while_a_session_floods_register_finish() {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::Duration;
    let dir = tempdir();
    let s = serve(
        dir.path(),
        &format!(
            "[staff]\nbase_url = \"{ORIGIN}\"\n[staff.sign_in]\nfailures_per_known_device = 100000\nfailures_per_account_and_client = 100000\nfailures_per_account = 100000\nfailures_per_client = 100000\n"
        ),
    )
    .await;
    let (flooder, _) = member(&s, "sam@livin.example", "officer").await;
    let (mut colleague_browser, colleague) = member(&s, "kim@livin.example", "officer").await;
    let start = flooder
        .post("/staff/api/passkeys/register/start", &json!({}))
        .await;
    let (state, options) = (
        start.json["state"].clone(),
        start.json["public_key"].clone(),
    );
    let flooder = Arc::new(flooder);
    let (stop, busy, sent) = (
        Arc::new(AtomicBool::new(false)),
        Arc::new(AtomicUsize::new(0)),
        Arc::new(AtomicUsize::new(0)),
    );
    let handles: Vec<_> = (0..200)
        .map(|_| {
            let (flooder, stop, busy, sent) = (
                Arc::clone(&flooder),
                Arc::clone(&stop),
                Arc::clone(&busy),
                Arc::clone(&sent),
            );
            let (state, options) = (state.clone(), options.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let credential = Authenticator::new("localhost", ORIGIN).create(&options);
                    let n = sent.fetch_add(1, Ordering::Relaxed);
                    let a = flooder
                        .post(
                            "/staff/api/passkeys/register/finish",
                            &json!({ "state": state, "name": "x", "proof": wrong_proof(n as u8), "credential": credential }),
                        )
                        .await;
                    assert!(
                        [StatusCode::FORBIDDEN, StatusCode::SERVICE_UNAVAILABLE].contains(&a.status),
                        "{}",
                        a.json
                    );
                    if a.status == StatusCode::SERVICE_UNAVAILABLE {
                        busy.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    let started = std::time::Instant::now();
    // The places are all taken once the flood's own requests start to wait out their time.
    while busy.load(Ordering::Relaxed) < 10 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the flood never filled the places ({} sent)",
            sent.load(Ordering::Relaxed)
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut seen = Vec::new();
    for _ in 0..3 {
        seen.push(sign_in_again(&s, &mut colleague_browser, &colleague).await);
    }
    stop.store(true, Ordering::Relaxed);
    for h in handles {
        h.await.unwrap();
    }
    assert_eq!(seen, [StatusCode::OK; 3]);
}

/// While passkeys are required, a session started with a code may only add a passkey. Adding
/// one used to lift that session to a passkey session on the spot, so a passphrase and one
/// code caught by a look-alike page became a full session at once. The session now stays as
/// it was; only a sign-in with the passkey makes a passkey session.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn adding_a_passkey_leaves_a_setup_only_session_setup_only() {
    let dir = tempdir();
    let s = passkey_server(dir.path()).await;
    let (lead_inbox, lead) = member(&s, "lead@livin.example", "lead").await;
    let (_, officer) = member(&s, "sam@livin.example", "officer").await;
    let mut lead_key = Authenticator::new("localhost", ORIGIN);
    assert_eq!(
        add(&lead_inbox, &lead, &mut lead_key).await.status,
        StatusCode::CREATED
    );
    let on = json!({ "require_passkeys": true });
    assert_eq!(
        lead_inbox.post("/staff/api/settings", &on).await.status,
        StatusCode::OK
    );

    let mut code_session = Inbox::at(&s.base, ORIGIN);
    forget_totp_step(&s.db, &officer.email);
    let now = safe_contact_endpoint::clock::unix_now();
    let a = code_session
        .sign_in(&officer.email, &officer.proof, &officer.code(now))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.json);
    assert_eq!(a.json["must_add_passkey"], true);
    let mut key = Authenticator::new("localhost", ORIGIN);
    let a = add(&code_session, &officer, &mut key).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json);
    for path in ["/staff/api/requests", "/staff/api/team", "/staff/api/audit"] {
        let a = code_session.get(path).await;
        assert_eq!(
            (a.status, &a.json["must_add_passkey"]),
            (StatusCode::FORBIDDEN, &json!(true)),
            "{path}: {}",
            a.json
        );
    }
    let factor = texts(
        &s.db,
        "SELECT s.factor FROM sessions s JOIN members m ON m.member_id = s.member_id
         WHERE m.email = 'sam@livin.example'",
    );
    assert!(factor.iter().all(|f| f == "totp"), "{factor:?}");
    // It may still list its passkeys and sign out.
    assert_eq!(
        code_session.get("/staff/api/passkeys").await.status,
        StatusCode::OK
    );

    // Signing in with the passkey is what gives a full session.
    let mut browser = Inbox::at(&s.base, ORIGIN);
    let body = passkey_finish(&browser, &officer, &mut key).await;
    let a = finish(&mut browser, &body).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.json);
    assert_eq!(
        (&a.json["second_factor"], &a.json["must_add_passkey"]),
        (&json!("passkey"), &json!(false))
    );
    assert_eq!(
        browser.get("/staff/api/requests").await.status,
        StatusCode::OK
    );
    assert_eq!(
        code_session.delete("/staff/api/session").await.status,
        StatusCode::NO_CONTENT
    );
}

/// The team's only lead loses the device their passkey is on while the team requires passkeys:
/// their code is refused because they have a passkey, and no other lead can remove it. The
/// operator removes it with the staff tool, which ends their sessions and leaves an audit row,
/// as a lead's removal does; the lead then signs in with their code, able only to add a new
/// passkey.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_staff_tool_removes_a_sole_leads_lost_passkey() {
    let dir = tempdir();
    let s = passkey_server(dir.path()).await;
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        config_toml(dir.path(), &format!("[staff]\nbase_url = \"{ORIGIN}\"\n")),
    )
    .unwrap();
    let (mut lead_inbox, lead) = member(&s, "lead@livin.example", "lead").await;
    let mut lost = Authenticator::new("localhost", ORIGIN);
    assert_eq!(
        add(&lead_inbox, &lead, &mut lost).await.status,
        StatusCode::CREATED
    );
    let body = passkey_finish(&lead_inbox, &lead, &mut lost).await;
    assert_eq!(finish(&mut lead_inbox, &body).await.status, StatusCode::OK);
    let on = json!({ "require_passkeys": true });
    assert_eq!(
        lead_inbox.post("/staff/api/settings", &on).await.status,
        StatusCode::OK
    );
    let mut without_the_device = Inbox::at(&s.base, ORIGIN);
    assert_eq!(
        sign_in_again(&s, &mut without_the_device, &lead).await,
        StatusCode::FORBIDDEN
    );

    // Not for an email that is no member of that landlord.
    for (landlord, email) in [
        ("livin", "nobody@livin.example"),
        ("star-housing", "lead@livin.example"),
    ] {
        let o = staff_cli(&config, &["remove-passkeys", landlord, email]);
        assert_eq!(o.status.code(), Some(2));
        let said = String::from_utf8_lossy(&o.stderr);
        assert!(said.contains("is not an inbox member of"), "{said}");
    }
    assert_eq!(passkey_rows(&s.db), 1);

    let o = staff_cli(
        &config,
        &["remove-passkeys", "livin", " Lead@Livin.Example "],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(
        said.contains("removed 1 passkey of lead@livin.example"),
        "{said}"
    );
    assert_eq!(passkey_rows(&s.db), 0);
    assert!(audit_rows(&s.db).contains(&"cli removed passkeys lead@livin.example".to_owned()));
    // The session on the lost device is over.
    assert_eq!(
        lead_inbox.get("/staff/api/passkeys").await.status,
        StatusCode::UNAUTHORIZED
    );
    forget_totp_step(&s.db, &lead.email);
    let now = safe_contact_endpoint::clock::unix_now();
    let a = without_the_device
        .sign_in(&lead.email, &lead.proof, &lead.code(now))
        .await;
    assert_eq!(
        (a.status, &a.json["must_add_passkey"]),
        (StatusCode::OK, &json!(true)),
        "{}",
        a.json
    );
    let mut new_device = Authenticator::new("localhost", ORIGIN);
    assert_eq!(
        add(&without_the_device, &lead, &mut new_device)
            .await
            .status,
        StatusCode::CREATED
    );
}

/// A member cannot remove their only passkey while their team requires passkeys; a lead used
/// to get round that by removing their own through the route for a colleague's lost device.
/// While passkeys are required that route refuses the lead's own account, as the member's own
/// route refuses a last passkey; it works again once they are not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lead_cannot_remove_their_own_passkeys_while_passkeys_are_required() {
    let dir = tempdir();
    let s = passkey_server(dir.path()).await;
    let (mut lead_inbox, lead) = member(&s, "lead@livin.example", "lead").await;
    let mut key = Authenticator::new("localhost", ORIGIN);
    assert_eq!(
        add(&lead_inbox, &lead, &mut key).await.status,
        StatusCode::CREATED
    );
    let body = passkey_finish(&lead_inbox, &lead, &mut key).await;
    let a = finish(&mut lead_inbox, &body).await;
    assert_eq!(a.status, StatusCode::OK);
    let own = a.json["member_id"].as_str().unwrap().to_owned();
    let on = json!({ "require_passkeys": true });
    assert_eq!(
        lead_inbox.post("/staff/api/settings", &on).await.status,
        StatusCode::OK
    );

    let a = lead_inbox
        .delete(&format!("/staff/api/members/{own}/passkeys"))
        .await;
    assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.json);
    assert_eq!(passkey_rows(&s.db), 1);
    assert!(!audit_rows(&s.db)
        .iter()
        .any(|r| r.contains("removed passkeys")));
    assert_eq!(
        lead_inbox.get("/staff/api/requests").await.status,
        StatusCode::OK,
        "the session goes on"
    );

    let off = json!({ "require_passkeys": false });
    assert_eq!(
        lead_inbox.post("/staff/api/settings", &off).await.status,
        StatusCode::OK
    );
    let a = lead_inbox
        .delete(&format!("/staff/api/members/{own}/passkeys"))
        .await;
    assert_eq!(a.status, StatusCode::NO_CONTENT, "{}", a.json);
    assert_eq!(passkey_rows(&s.db), 0);
}
