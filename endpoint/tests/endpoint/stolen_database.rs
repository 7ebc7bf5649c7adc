//! What someone who copies the database can do with it, over real HTTP on the database the run
//! uses: with the copy alone, the right passphrase cannot be told from a wrong one, neither by
//! the wrapped key nor by the proof hash, and the authenticator secret is not in it; with the
//! pepper from the environment, both can be checked, as docs/operating.md says. And a member enrolled
//! before the pepper signs in and has their key wrapped again.

use crate::common::*;
use argon2::{Algorithm, Argon2, Params, PasswordHasher, Version};
use reqwest::StatusCode;
use safe_contact_endpoint::args;
use safe_contact_endpoint::staff::accounts;
use safe_contact_seal::rand_core::UnwrapErr;
use safe_contact_staff_keys::passphrase::{derive_older_with, derive_with};
use safe_contact_staff_keys::pepper::{MemberPepper, Pepper};
use safe_contact_staff_keys::{member_key, totp};
use serde_json::json;

const PEPPER_VAR: &str = "SAFE_CONTACT_TEST_STOLEN_PEPPER";
const PEPPER: [u8; 32] = [0x5c; 32];

/// A server whose pepper comes from the environment, as outside a demo.
async fn peppered(dir: &std::path::Path) -> Server {
    std::env::set_var(PEPPER_VAR, "5c".repeat(32));
    serve(dir, &peppered_table()).await
}

fn peppered_table() -> String {
    staff_table(&format!("pepper_env = \"{PEPPER_VAR}\""))
}

/// The operator's `seal-totp-secrets`, run through the staff tool with the server's config and
/// environment; what it printed.
fn operator_seals(dir: &std::path::Path) -> String {
    let config = dir.join("config.toml");
    std::fs::write(&config, config_toml(dir, &peppered_table())).unwrap();
    let o = staff_cli(&config, &["seal-totp-secrets"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

struct Row {
    proof_hash: String,
    wrapped_key: String,
    totp_secret: Vec<u8>,
}

/// The member's row as a copy of the database holds it.
fn stolen_row(s: &Server, email: &str) -> Row {
    let email = email.to_owned();
    db_work(&s.db, move |db| {
        let row = db
            .query_one(
                "SELECT proof_hash, wrapped_key, totp_secret FROM members WHERE email = ?1",
                args![&email],
            )?
            .unwrap();
        Ok(Row {
            proof_hash: row.get(0)?,
            wrapped_key: row.get(1)?,
            totp_secret: row.get(2)?,
        })
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copy_of_the_database_cannot_confirm_the_right_passphrase() {
    let dir = tempdir();
    let s = peppered(dir.path()).await;
    let (_, member) = signed_in(&s, "livin", "officer@livin.example", "officer").await;
    let stolen = stolen_row(&s, &member.email);
    let right = derive_with(
        &TEST_PARAMS,
        &member.passphrase,
        &member.email,
        STAFF_ORIGIN,
    )
    .unwrap();
    assert_eq!(right.proof, member.proof);

    // The copy alone: the right passphrase, with any pepper the thief can guess or none at all,
    // opens nothing, exactly as a wrong one does.
    for guess in [
        Pepper::new([0; 32]),
        Pepper::new(safe_contact_endpoint::config::DEMO_PEPPER),
    ] {
        let key = right.wrap_key(&guess.member(&member.email));
        assert!(member_key::unwrap(&key, &stolen.wrapped_key, &member.email).is_err());
        assert!(!accounts::verify_proof(
            &right.proof,
            &stolen.proof_hash,
            Some(&guess)
        ));
    }
    assert!(!accounts::verify_proof(
        &right.proof,
        &stolen.proof_hash,
        None
    ));
    let older = derive_older_with(&TEST_PARAMS, &member.passphrase, &member.email).unwrap();
    assert!(member_key::unwrap(&older.wrap_key, &stolen.wrapped_key, &member.email).is_err());

    // The authenticator secret is not in the copy.
    assert_ne!(stolen.totp_secret, member.totp_secret);
    assert!(!stolen
        .totp_secret
        .windows(member.totp_secret.len())
        .any(|w| w == member.totp_secret));

    // With the pepper from the environment, the right passphrase is confirmed both ways, and
    // the authenticator secret opens: the environment is what must not leak with the database.
    let pepper = Pepper::new(PEPPER);
    let key = right.wrap_key(&pepper.member(&member.email));
    assert_eq!(
        *member_key::unwrap(&key, &stolen.wrapped_key, &member.email).unwrap(),
        member.private_key
    );
    assert!(accounts::verify_proof(
        &right.proof,
        &stolen.proof_hash,
        Some(&pepper)
    ));
    assert_eq!(
        &pepper
            .totp_key()
            .open(&stolen.totp_secret, &member.email)
            .unwrap()[..],
        &member.totp_secret[..]
    );
}

/// A member's pepper caught from one sign-in answer, with the copy, lets a thief guess at that
/// member's passphrase as before the pepper, at the full Argon2 cost a guess; it is no use
/// against any other member's key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caught_sign_in_answer_opens_that_members_key_and_no_others() {
    let dir = tempdir();
    let s = peppered(dir.path()).await;
    let (_, officer) = signed_in(&s, "livin", "officer@livin.example", "officer").await;
    let (_, lead) = signed_in(&s, "livin", "lead@livin.example", "lead").await;
    let mut inbox = Inbox::new(&s.base);
    forget_totp_step(&s.db, &officer.email);
    let now = safe_contact_endpoint::clock::unix_now();
    let a = inbox
        .sign_in(&officer.email, &officer.proof, &officer.code(now))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.json);
    assert_eq!(a.json["rewrap"], false);
    let caught = MemberPepper::from_b64(a.json["key_pepper"].as_str().unwrap()).unwrap();

    let officer_row = stolen_row(&s, &officer.email);
    let right = derive_with(
        &TEST_PARAMS,
        &officer.passphrase,
        &officer.email,
        STAFF_ORIGIN,
    )
    .unwrap();
    assert!(member_key::unwrap(
        &right.wrap_key(&caught),
        &officer_row.wrapped_key,
        &officer.email
    )
    .is_ok());
    let lead_row = stolen_row(&s, &lead.email);
    let lead_right =
        derive_with(&TEST_PARAMS, &lead.passphrase, &lead.email, STAFF_ORIGIN).unwrap();
    assert!(member_key::unwrap(
        &lead_right.wrap_key(&caught),
        &lead_row.wrapped_key,
        &lead.email
    )
    .is_err());
}

#[test]
fn the_same_passphrase_on_two_deployments_gives_other_proofs_and_keys() {
    let email = "officer@livin.example";
    let pepper = Pepper::new(PEPPER).member(email);
    let here = derive_with(
        &TEST_PARAMS,
        "correct horse battery staple",
        email,
        STAFF_ORIGIN,
    )
    .unwrap();
    let there = derive_with(
        &TEST_PARAMS,
        "correct horse battery staple",
        email,
        "https://inbox.star.example",
    )
    .unwrap();
    assert_ne!(here.proof, there.proof);
    let (private, _) = safe_contact_seal::generate_keypair(&mut UnwrapErr(getrandom::SysRng));
    let wrapped = member_key::wrap(
        &here.wrap_key(&pepper),
        &private,
        email,
        &mut UnwrapErr(getrandom::SysRng),
    );
    assert!(member_key::unwrap(&there.wrap_key(&pepper), &wrapped, email).is_err());
}

/// A proof hash as the version before the pepper made it: Argon2id with no server secret, so
/// anyone can make one for a proof they chose.
fn unpeppered_hash(proof: &str) -> String {
    Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(19_456, 2, 1, Some(32)).unwrap(),
    )
    .hash_password(proof.as_bytes())
    .unwrap()
    .to_string()
}

/// The members row as the version before the pepper wrote it: an unpeppered proof hash, the
/// key wrapped under scheme 1 and the TOTP secret in plain text; the migration lists it.
fn make_older(s: &Server, member: &Member) -> String {
    let older = derive_older_with(&TEST_PARAMS, &member.passphrase, &member.email).unwrap();
    let hash = unpeppered_hash(&older.proof);
    let mut rng = UnwrapErr(getrandom::SysRng);
    let wrapped = member_key::wrap(
        &older.wrap_key,
        &member.private_key,
        &member.email,
        &mut rng,
    );
    let (email, secret) = (member.email.clone(), member.totp_secret.clone());
    db_work(&s.db, move |db| {
        db.execute(
            "UPDATE members SET proof_hash = ?1, wrapped_key = ?2, totp_secret = ?3 WHERE email = ?4",
            args![&hash, &wrapped, &secret, &email],
        )?;
        db.execute(
            "INSERT INTO older_member_keys (member_id) SELECT member_id FROM members WHERE email = ?1",
            args![&email],
        )
    });
    older.proof
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_enrolled_before_the_pepper_signs_in_and_is_wrapped_again() {
    let dir = tempdir();
    let first = peppered(dir.path()).await;
    let (_, member) = signed_in(&first, "livin", "officer@livin.example", "officer").await;
    let older_proof = make_older(&first, &member);
    assert_eq!(
        stolen_row(&first, &member.email).totp_secret,
        member.totp_secret
    );

    // The next start leaves the plain secret as it is, and it signs no one in: the server
    // cannot tell it from one planted by someone who can write to the database.
    let s = serve_config(first.config.clone()).await;
    assert_eq!(
        stolen_row(&s, &member.email).totp_secret,
        member.totp_secret
    );
    forget_totp_step(&s.db, &member.email);
    let now = safe_contact_endpoint::clock::unix_now();
    let a = Inbox::new(&s.base)
        .post(
            "/staff/api/session",
            &json!({ "email": member.email, "proof": member.proof,
                     "older_proof": older_proof, "totp_code": member.code(now) }),
        )
        .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{}", a.json);
    assert!(a.json.get("key_pepper").is_none(), "{}", a.json);

    // The operator, who knows this database is the deployment's own, seals it once.
    let said = operator_seals(dir.path());
    assert!(
        said.contains("sealed the authenticator secrets of 1 members and 0 invites"),
        "{said}"
    );
    let stored = stolen_row(&s, &member.email).totp_secret;
    assert_eq!(stored.len(), 12 + totp::SECRET_LEN + 16);
    assert_ne!(stored, member.totp_secret);
    let said = operator_seals(dir.path());
    assert!(
        said.contains("sealed the authenticator secrets of 0 members and 0 invites"),
        "{said}"
    );
    assert_eq!(stolen_row(&s, &member.email).totp_secret, stored);

    let inbox = Inbox::new(&s.base);
    let scheme = inbox.get("/staff/api/key-scheme").await;
    assert_eq!(
        scheme.json,
        json!({ "older_keys": true, "passkeys": false })
    );

    // The new proof alone does not sign in an older account; with the older one too, it does.
    let mut inbox = Inbox::new(&s.base);
    forget_totp_step(&s.db, &member.email);
    let now = safe_contact_endpoint::clock::unix_now();
    let a = inbox
        .sign_in(&member.email, &member.proof, &member.code(now))
        .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{}", a.json);
    let a = inbox
        .post(
            "/staff/api/session",
            &json!({ "email": member.email, "proof": member.proof,
                     "older_proof": older_proof, "totp_code": member.code(now) }),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.json);
    assert_eq!(a.json["rewrap"], true);
    inbox.cookie = set_cookie(&a.headers, "__Host-safe-contact-staff");
    inbox.csrf = Some(a.json["csrf_token"].as_str().unwrap().to_owned());

    // The browser opens the older key and wraps it again with the pepper from the answer.
    let older = derive_older_with(&TEST_PARAMS, &member.passphrase, &member.email).unwrap();
    let own = member_key::unwrap(
        &older.wrap_key,
        a.json["wrapped_key"].as_str().unwrap(),
        &member.email,
    )
    .unwrap();
    let pepper = MemberPepper::from_b64(a.json["key_pepper"].as_str().unwrap()).unwrap();
    let derived = derive_with(
        &TEST_PARAMS,
        &member.passphrase,
        &member.email,
        STAFF_ORIGIN,
    )
    .unwrap();
    let mut rng = UnwrapErr(getrandom::SysRng);
    let rewrapped = member_key::wrap(&derived.wrap_key(&pepper), &own, &member.email, &mut rng);
    let body = |older_proof: &str| json!({ "older_proof": older_proof, "proof": derived.proof, "wrapped_key": rewrapped });

    // A stolen session alone cannot replace the key: the older proof is asked for again.
    let a = inbox
        .post("/staff/api/session/key", &body(&member.proof))
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.json);
    let mut no_csrf = Inbox::new(&s.base);
    no_csrf.cookie = inbox.cookie.clone();
    let a = no_csrf
        .post("/staff/api/session/key", &body(&older_proof))
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.json);

    let a = inbox
        .post("/staff/api/session/key", &body(&older_proof))
        .await;
    assert_eq!(a.status, StatusCode::NO_CONTENT, "{}", a.json);
    let a = inbox
        .post("/staff/api/session/key", &body(&older_proof))
        .await;
    assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.json);
    let scheme = inbox.get("/staff/api/key-scheme").await;
    assert_eq!(
        scheme.json,
        json!({ "older_keys": false, "passkeys": false })
    );

    // From now on the new proof alone signs in, and the key opens only with the pepper.
    let mut again = Inbox::new(&s.base);
    forget_totp_step(&s.db, &member.email);
    let now = safe_contact_endpoint::clock::unix_now();
    let a = again
        .sign_in(&member.email, &member.proof, &member.code(now))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.json);
    assert_eq!(a.json["rewrap"], false);
    let wrapped = a.json["wrapped_key"].as_str().unwrap();
    assert_eq!(
        *member_key::unwrap(&derived.wrap_key(&pepper), wrapped, &member.email).unwrap(),
        member.private_key
    );
    assert!(member_key::unwrap(&older.wrap_key, wrapped, &member.email).is_err());
    let row = stolen_row(&s, &member.email);
    assert!(!accounts::verify_proof(&older_proof, &row.proof_hash, None));
    assert!(accounts::verify_proof(
        &derived.proof,
        &row.proof_hash,
        Some(&Pepper::new(PEPPER))
    ));
}

/// Someone who can write to the database but has not the server's environment makes a member
/// look enrolled before the pepper, with a passphrase and an authenticator secret of their own
/// in plain text, and plants an invite with a plain secret of their own. After a restart
/// neither signs in nor enrols, and no member's pepper is handed out: the server never takes a
/// secret it finds in the database as sealed. The secrets stay as they were written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_writer_cannot_plant_an_authenticator_secret() {
    let dir = tempdir();
    let first = peppered(dir.path()).await;
    let (_, victim) = signed_in(&first, "livin", "lead@livin.example", "lead").await;

    let mut rng = UnwrapErr(getrandom::SysRng);
    let planted = totp::new_secret(&mut rng).to_vec();
    let older =
        derive_older_with(&TEST_PARAMS, "the writer's own passphrase", &victim.email).unwrap();
    let newer = derive_with(
        &TEST_PARAMS,
        "the writer's own passphrase",
        &victim.email,
        STAFF_ORIGIN,
    )
    .unwrap();
    let token = "w".repeat(43);
    let (hash, secret, email) = (
        unpeppered_hash(&older.proof),
        planted.clone(),
        victim.email.clone(),
    );
    let token_sha256 = safe_contact_endpoint::staff::token_hash(&token);
    let expires = safe_contact_endpoint::clock::unix_now() + 3600;
    db_work(&first.db, move |db| {
        db.execute(
            "UPDATE members SET proof_hash = ?1, totp_secret = ?2, totp_last_step = NULL WHERE email = ?3",
            args![&hash, &secret, &email],
        )?;
        db.execute(
            "INSERT INTO older_member_keys (member_id) SELECT member_id FROM members WHERE email = ?1",
            args![&email],
        )?;
        db.execute(
            "INSERT INTO invites (token_sha256, landlord, email, role, totp_secret, expires_at, created_by)
             VALUES (?1, 'livin', 'writer@livin.example', 'lead', ?2, ?3, 'cli')",
            args![&token_sha256, &secret, expires],
        )
    });

    // The next start, of the server binary on the same database, says how many secrets it
    // found from an older version, and nothing about whose.
    let config = dir.path().join("config.toml");
    std::fs::write(&config, config_toml(dir.path(), &peppered_table())).unwrap();
    let log_path = dir.path().join("server.log");
    let (mut child, base) =
        spawn_endpoint(&config, std::fs::File::create(&log_path).unwrap()).await;
    let now = safe_contact_endpoint::clock::unix_now();
    let inbox = Inbox::new(&base);
    let a = inbox
        .post(
            "/staff/api/session",
            &json!({ "email": victim.email, "proof": newer.proof,
                     "older_proof": older.proof, "totp_code": totp::code_at(&planted, now as u64) }),
        )
        .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{}", a.json);
    assert_eq!(
        a.json,
        json!({ "error": "The email, passphrase or code is not right. Check them and try again." })
    );
    assert!(inbox.cookie.is_none());

    let a = look_up_invite(&inbox, &token).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND, "{}", a.json);
    assert!(a.json.get("key_pepper").is_none(), "{}", a.json);

    child.kill().await.unwrap();
    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(
        log.contains("1 members and 1 invites have an authenticator secret from an older version"),
        "{log}"
    );
    assert!(log.contains("seal-totp-secrets"), "{log}");
    assert!(!log.contains("@livin.example"), "{log}");

    let (victim_email, planted_again) = (victim.email.clone(), planted.clone());
    let stored = db_work(&first.db, move |db| {
        let member = db
            .query_one(
                "SELECT totp_secret FROM members WHERE email = ?1",
                args![&victim_email],
            )?
            .unwrap()
            .get::<Vec<u8>>(0)?;
        let invite = db
            .query_one(
                "SELECT totp_secret FROM invites WHERE email = 'writer@livin.example'",
                args![],
            )?
            .unwrap()
            .get::<Vec<u8>>(0)?;
        Ok([member, invite])
    });
    assert_eq!(stored, [planted_again.clone(), planted_again]);
}

/// Plants an invite row the way someone who can write to the database but has not the
/// server's environment would: for the victim's email, with the victim's own sealed
/// authenticator secret copied from their member row, for a token of the writer's choosing.
fn plant_invite_copying_the_secret(s: &Server, email: &str, token: &str) {
    let token_sha256 = safe_contact_endpoint::staff::token_hash(token);
    let expires = safe_contact_endpoint::clock::unix_now() + 3600;
    let email = email.to_owned();
    db_work(&s.db, move |db| {
        db.execute(
            "INSERT INTO invites (token_sha256, landlord, email, role, totp_secret, expires_at, created_by)
             SELECT ?1, landlord, email, 'lead', totp_secret, ?2, 'cli' FROM members WHERE email = ?3",
            args![&token_sha256, expires, &email],
        )
    });
}

/// The sealed secret on a member's row opens for any row with the same email, so without a
/// binding an invite row copied from it handed out the member's pepper and secret. Now such a
/// row is an unknown link, word for word, at lookup and at enrolment; so is a real invite the
/// writer has changed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_writer_cannot_copy_a_members_sealed_secret_into_an_invite() {
    let dir = tempdir();
    let s = peppered(dir.path()).await;
    let (lead, victim) = signed_in(&s, "livin", "lead@livin.example", "lead").await;
    let token = "w".repeat(43);
    plant_invite_copying_the_secret(&s, &victim.email, &token);

    let inbox = Inbox::new(&s.base);
    let unknown = look_up_invite(&inbox, &"u".repeat(43)).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.json);
    let a = look_up_invite(&inbox, &token).await;
    assert_eq!(
        (a.status, &a.json),
        (unknown.status, &unknown.json),
        "answered as an unknown link"
    );
    let code = totp::code_at(
        &victim.totp_secret,
        safe_contact_endpoint::clock::unix_now() as u64,
    );
    let body = json!({ "proof": "A".repeat(43), "public_key": "A".repeat(43), "wrapped_key": "C".repeat(80), "totp_code": code });
    let a = accept_invite(&inbox, &token, body.clone()).await;
    assert_eq!((a.status, &a.json), (unknown.status, &unknown.json));

    // A real invite, made its lead's role by the writer, is no longer the invite it was.
    let made = lead
        .post(
            "/staff/api/invites",
            &json!({ "email": "new@livin.example", "role": "officer" }),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.json);
    let url = made.json["invite_url"].as_str().unwrap().to_owned();
    let real = invite_token(&url);
    assert_eq!(look_up_invite(&inbox, real).await.status, StatusCode::OK);
    db_work(&s.db, |db| {
        db.execute(
            "UPDATE invites SET role = 'lead' WHERE email = 'new@livin.example'",
            args![],
        )
    });
    let a = look_up_invite(&inbox, real).await;
    assert_eq!((a.status, &a.json), (unknown.status, &unknown.json));
    let a = accept_invite(&inbox, real, body).await;
    assert_eq!((a.status, &a.json), (unknown.status, &unknown.json));
}

/// The rest of the reviewer's chain: with an unpeppered older proof hash of their own on the
/// victim's row, the writer would have signed in as the victim with a code from the secret the
/// planted invite handed out. The invite hands out nothing, so there is no code to send.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_writer_cannot_sign_in_through_a_planted_invite() {
    let dir = tempdir();
    let s = peppered(dir.path()).await;
    let (_, victim) = signed_in(&s, "livin", "lead@livin.example", "lead").await;
    let token = "w".repeat(43);
    plant_invite_copying_the_secret(&s, &victim.email, &token);
    let older =
        derive_older_with(&TEST_PARAMS, "the writer's own passphrase", &victim.email).unwrap();
    let (hash, email) = (unpeppered_hash(&older.proof), victim.email.clone());
    db_work(&s.db, move |db| {
        db.execute(
            "UPDATE members SET proof_hash = ?1, totp_last_step = NULL WHERE email = ?2",
            args![&hash, &email],
        )?;
        db.execute(
            "INSERT INTO older_member_keys (member_id) SELECT member_id FROM members WHERE email = ?1",
            args![&email],
        )
    });

    let inbox = Inbox::new(&s.base);
    let a = look_up_invite(&inbox, &token).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND, "{}", a.json);
    for leaked in ["totp_secret", "totp_uri", "key_pepper"] {
        assert!(a.json.get(leaked).is_none(), "{}", a.json);
    }
}

/// A session row the writer made up, for any member and with a CSRF token of their own, is no
/// session: the cookie is answered as a signed-out one, and a made-up lead session cannot make
/// an invite. The member's real session still works.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_writer_cannot_plant_a_session() {
    let dir = tempdir();
    let s = peppered(dir.path()).await;
    let (lead, victim) = signed_in(&s, "livin", "lead@livin.example", "lead").await;
    let token = "s".repeat(43);
    let token_sha256 = safe_contact_endpoint::staff::token_hash(&token);
    let now = safe_contact_endpoint::clock::unix_now();
    let email = victim.email.clone();
    db_work(&s.db, move |db| {
        db.execute(
            "INSERT INTO sessions (token_sha256, member_id, csrf, factor, created_at, last_seen)
             SELECT ?1, member_id, 'writer-csrf', 'passkey', ?2, ?2 FROM members WHERE email = ?3",
            args![&token_sha256, now, &email],
        )
    });

    let mut planted = Inbox::new(&s.base);
    let mut made_up = Inbox::new(&s.base);
    for (inbox, token) in [
        (&mut planted, token.clone()),
        (&mut made_up, "m".repeat(43)),
    ] {
        inbox.cookie = Some(format!("__Host-safe-contact-staff={token}"));
        inbox.csrf = Some("writer-csrf".to_owned());
    }
    let unknown = made_up.get("/staff/api/team").await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED, "{}", unknown.json);
    let a = planted.get("/staff/api/team").await;
    assert_eq!((a.status, &a.json), (unknown.status, &unknown.json));
    let a = planted
        .post(
            "/staff/api/invites",
            &json!({ "email": "new@livin.example", "role": "lead" }),
        )
        .await;
    assert_eq!((a.status, &a.json), (unknown.status, &unknown.json));
    assert!(texts(&s.db, "SELECT email FROM invites").is_empty());

    assert_eq!(lead.get("/staff/api/team").await.status, StatusCode::OK);
}
