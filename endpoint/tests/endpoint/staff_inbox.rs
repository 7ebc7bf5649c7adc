//! The staff inbox's API over real HTTP: enrolment, sign-in and its refusals, the inbox's
//! actions, leads' team management, and the hardening (Origin, CSRF, cookie, headers, idle
//! time-out, rate limits) that the browser app relies on.

use crate::common::*;
use reqwest::StatusCode;
use safe_contact_endpoint::clock::unix_now;
use safe_contact_endpoint::config::{Config, Database};
use safe_contact_seal::rand_core::UnwrapErr;
use safe_contact_staff_keys::fingerprint;
use serde_json::{json, Value};

const REFUSED: &str = "The email, passphrase or code is not right. Check them and try again.";

fn audit_rows(db: &Database) -> Vec<String> {
    texts(db, "SELECT actor || ' ' || action || ' ' || coalesce(request_id, '-') || ' ' || coalesce(subject, '-') FROM audit ORDER BY rowid")
}

/// Waits for `n` audit rows equal to `row`: a refused sign-in's row is written after its answer.
async fn wait_for_audit(db: &Database, row: &str, n: usize) {
    for _ in 0..100 {
        if audit_rows(db).iter().filter(|r| *r == row).count() >= n {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no {n} of {row:?} in {:?}", audit_rows(db));
}

fn rng() -> UnwrapErr<getrandom::SysRng> {
    UnwrapErr(getrandom::SysRng)
}

fn set(db: &Database, sql: &str) {
    let sql = sql.to_owned();
    db_work(db, move |db| db.batch(&sql));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lead_enrols_is_granted_and_works_a_request_through() {
    let dir = tempdir();
    let s = serve(dir.path(), &staff_table("")).await;
    let config = dir.path().join("config.toml");
    std::fs::write(&config, config_toml(dir.path(), &staff_table(""))).unwrap();
    let key = key_file(dir.path(), "livin-test-1");

    let o = staff_cli(
        &config,
        &["invite", "livin", " Lead@Livin.Example ", "--role", "lead"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let url = out
        .split_whitespace()
        .find(|w| w.starts_with(STAFF_ORIGIN))
        .unwrap()
        .to_owned();
    assert!(
        url.starts_with(&format!("{STAFF_ORIGIN}/staff/#invite=")),
        "{out}"
    );
    assert!(
        out.contains("lead@livin.example") && out.contains("until 20"),
        "{out}"
    );

    let mut inbox = Inbox::new(&s.base);
    let a = look_up_invite(&inbox, invite_token(&url)).await;
    assert_eq!(a.json["email"], "lead@livin.example");
    assert_eq!(a.json["role"], "lead");
    assert_eq!(a.json["landlord"], "livin");
    let uri = a.json["totp_uri"].as_str().unwrap();
    assert!(uri.starts_with("otpauth://totp/Safe%20Contact:lead%40livin.example?secret="));
    let lead = enrol(&inbox, &url, "a long passphrase for the lead").await;

    let o = staff_cli(
        &config,
        &[
            "grant",
            "livin",
            "lead@livin.example",
            "--key",
            key.path.to_str().unwrap(),
            "--fingerprint",
            &lead.security_number("livin"),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let c = reqwest::Client::new();
    let body = valid_body();
    let request_id = body["request_id"].as_str().unwrap().to_owned();
    let envelope = seal(&body, &key);
    assert_eq!(
        post_sealed(&c, &s, &envelope).await.status,
        StatusCode::CREATED
    );

    // The code used to enrol cannot sign in; the next one can.
    let used = lead.code_used_at;
    let a = inbox
        .sign_in(&lead.email, &lead.proof, &lead.code(used))
        .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{}", a.json);
    wait_for_audit(&s.db, "lead@livin.example sign-in refused - -", 1).await;
    let a = inbox
        .sign_in(&lead.email, &lead.proof, &lead.code(used + 30))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.json);
    let session = &a.json;
    assert_eq!(session["email"], "lead@livin.example");
    assert_eq!(session["role"], "lead");
    assert_eq!(session["landlord"], "livin");
    assert_eq!(session["public_key"], lead.public_key.as_str());
    assert_eq!(session["idle_seconds"], 900);
    assert_eq!(session["guidance"], json!(["Call from a withheld number."]));
    assert_eq!(
        session["areas"],
        json!([
            "county-durham",
            "darlington",
            "hartlepool",
            "stockton-on-tees"
        ])
    );
    assert_eq!(session["grants"][0]["key_id"], "livin-test-1");
    let opened = safe_contact_staff_keys::grant::open_grant(
        session["grants"][0]["grant"].as_str().unwrap(),
        &lead.private_key,
        "livin",
        "livin-test-1",
        &lead.email,
    )
    .unwrap();
    assert_eq!(
        safe_contact_seal::public_key_for(&opened).unwrap(),
        key.public_key,
        "the grant holds the landlord's private key"
    );
    let wrapped = session["wrapped_key"].as_str().unwrap();
    let derived = safe_contact_staff_keys::passphrase::derive_with(
        &TEST_PARAMS,
        &lead.passphrase,
        &lead.email,
        STAFF_ORIGIN,
    )
    .unwrap();
    let pepper = safe_contact_staff_keys::pepper::MemberPepper::from_b64(
        session["key_pepper"].as_str().unwrap(),
    )
    .unwrap();
    let own = safe_contact_staff_keys::member_key::unwrap(
        &derived.wrap_key(&pepper),
        wrapped,
        &lead.email,
    )
    .unwrap();
    assert_eq!(*own, lead.private_key);

    let a = inbox.get("/staff/api/requests").await;
    assert_eq!(a.status, StatusCode::OK);
    let item = &a.json["requests"][0];
    assert_eq!(item["request_id"], request_id.as_str());
    assert_eq!(item["status"], "new");
    assert_eq!(item["key_id"], "livin-test-1");
    assert_eq!(item["sealed"], true);
    assert_eq!(item["outcome"], Value::Null);
    assert!(item["expires_at"].as_str().unwrap() > item["received_at"].as_str().unwrap());

    let a = inbox
        .get(&format!("/staff/api/requests/{request_id}"))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.json);
    assert_eq!(a.json["envelope"], serde_json::to_value(&envelope).unwrap());
    assert_eq!(a.json["status"], "new");
    let sealed: safe_contact_seal::Envelope =
        serde_json::from_value(a.json["envelope"].clone()).unwrap();
    let plain = safe_contact_seal::open(&sealed, &opened, "livin", 1).unwrap();
    assert_eq!(serde_json::from_slice::<Value>(&plain).unwrap(), body);

    let a = inbox
        .post(
            &format!("/staff/api/requests/{request_id}/contacted"),
            &json!({}),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.json);
    assert_eq!(a.json["status"], "contacted");
    let a = inbox
        .post(
            &format!("/staff/api/requests/{request_id}/close"),
            &json!({ "outcome": "free text" }),
        )
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    let a = inbox
        .post(
            &format!("/staff/api/requests/{request_id}/close"),
            &json!({ "outcome": "spoke_safely" }),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.json);
    assert_eq!(
        (&a.json["status"], &a.json["outcome"]),
        (&json!("closed"), &json!("spoke_safely"))
    );
    let listed = inbox.get("/staff/api/requests").await;
    assert_eq!(listed.json["requests"][0]["outcome"], "spoke_safely");
    let a = inbox
        .delete(&format!("/staff/api/requests/{request_id}"))
        .await;
    assert_eq!(a.status, StatusCode::NO_CONTENT);
    assert_eq!(count_rows(&s.db), 0);
    let a = inbox
        .get(&format!("/staff/api/requests/{request_id}"))
        .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);

    let a = inbox.get("/staff/api/audit").await;
    assert_eq!(a.status, StatusCode::OK);
    let actions: Vec<&str> = a.json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "purged",
            "closed (spoke_safely)",
            "contacted",
            "opened",
            "signed in",
            "sign-in refused",
            "granted (livin-test-1)",
            "enrolled",
            "invited (lead)"
        ]
    );
    let granted = &a.json["entries"][6];
    assert_eq!(
        (&granted["who"], &granted["subject"]),
        (&json!("cli"), &json!("lead@livin.example"))
    );
    assert_eq!(a.json["entries"][0]["who"], "lead@livin.example");
    assert_eq!(a.json["entries"][0]["request_id"], request_id.as_str());

    let a = inbox.delete("/staff/api/session").await;
    assert_eq!(a.status, StatusCode::NO_CONTENT);
    assert!(a.headers["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    assert_eq!(
        inbox.get("/staff/api/requests").await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_proof_wrong_code_and_replayed_code_get_one_refusal() {
    let dir = tempdir();
    let s = serve(dir.path(), &staff_table("")).await;
    let (_, member) = signed_in(&s, "livin", "officer@livin.example", "officer").await;
    let mut inbox = Inbox::new(&s.base);
    let now = member.code_used_at;
    let wrong_proof = safe_contact_staff_keys::passphrase::derive_with(
        &TEST_PARAMS,
        "not the passphrase",
        &member.email,
        STAFF_ORIGIN,
    )
    .unwrap()
    .proof;
    let wrong_code = format!(
        "{:06}",
        (member.code(now).parse::<u32>().unwrap() + 1) % 1_000_000
    );
    for (email, proof, code) in [
        (
            member.email.as_str(),
            wrong_proof.as_str(),
            member.code(now + 30),
        ),
        (member.email.as_str(), member.proof.as_str(), wrong_code),
        // The code that signed in a moment ago.
        (
            member.email.as_str(),
            member.proof.as_str(),
            member.code(now),
        ),
        (
            "nobody@livin.example",
            member.proof.as_str(),
            member.code(now + 30),
        ),
        (member.email.as_str(), "", String::new()),
    ] {
        let a = inbox.sign_in(email, proof, &code).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{email} {code}");
        assert_eq!(a.json, json!({ "error": REFUSED }));
        assert!(a.headers.get("set-cookie").is_none());
    }
    wait_for_audit(&s.db, "officer@livin.example sign-in refused - -", 4).await;
    let refused = audit_rows(&s.db)
        .iter()
        .filter(|r| r.ends_with("sign-in refused - -"))
        .count();
    assert_eq!(
        refused,
        4,
        "none for the unknown email: {:?}",
        audit_rows(&s.db)
    );
    // Still allowed: four failures for the account, under its limit of five.
    let a = inbox
        .sign_in(&member.email, &member.proof, &member.code(now + 30))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.json);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invites_expire_work_once_and_want_the_right_code() {
    let dir = tempdir();
    let s = serve(dir.path(), &staff_table("")).await;
    let inbox = Inbox::new(&s.base);

    let url = invite(&s.config, "livin", "new@livin.example", "officer");
    let token = invite_token(&url);
    let a = accept_invite(
        &inbox,
        token,
        json!({
            "proof": "A".repeat(43), "public_key": "A".repeat(43),
            "wrapped_key": "C".repeat(80), "totp_code": "000000x",
        }),
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(
        a.json["error"].as_str().unwrap().contains("code"),
        "{}",
        a.json
    );

    // Made so long ago that it has expired.
    let url = invite_at(&s.config, "livin", "new@livin.example", "officer", 1);
    let token = invite_token(&url);
    let a = look_up_invite(&inbox, token).await;
    assert_eq!(a.status, StatusCode::GONE);
    assert!(a.json["error"].as_str().unwrap().contains("expired"));
    let a = accept_invite(
        &inbox,
        token,
        json!({
            "proof": "A".repeat(43), "public_key": "A".repeat(43),
            "wrapped_key": "C".repeat(80), "totp_code": "000000",
        }),
    )
    .await;
    assert_eq!(a.status, StatusCode::GONE);

    let url = invite(&s.config, "livin", "new@livin.example", "officer");
    // A token in a path, where logs, proxies and history keep it, opens nothing.
    let in_path = format!("/staff/api/invites/{}", invite_token(&url));
    for a in [
        inbox.get(&in_path).await,
        inbox.post(&in_path, &json!({})).await,
    ] {
        assert!(
            [StatusCode::NOT_FOUND, StatusCode::METHOD_NOT_ALLOWED].contains(&a.status),
            "{}",
            a.status
        );
        assert!(!a.json.to_string().contains("new@livin.example"));
    }
    enrol(&inbox, &url, "passphrase one").await;
    let a = look_up_invite(&inbox, invite_token(&url)).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND, "an invite works once");
    assert_eq!(
        look_up_invite(&inbox, "not-a-token").await.status,
        StatusCode::NOT_FOUND
    );

    // An email is one member anywhere, but a lead learns nothing of other landlords' teams:
    // inviting another landlord's member answers as any invite does, and the link is then
    // answered as an unknown one, at lookup and enrolment alike. Inviting one of their own
    // members says so.
    let (lead, _) = signed_in(&s, "star-housing", "lead@star.example", "lead").await;
    let a = lead
        .post(
            "/staff/api/invites",
            &json!({ "email": "new@livin.example", "role": "officer" }),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json);
    let url = a.json["invite_url"].as_str().unwrap().to_owned();
    let own = lead
        .post(
            "/staff/api/invites",
            &json!({ "email": "LEAD@star.example", "role": "officer" }),
        )
        .await;
    assert_eq!(own.status, StatusCode::CONFLICT, "{}", own.json);
    assert!(own.json["error"]
        .as_str()
        .unwrap()
        .contains("already a member of your team"));
    let token = invite_token(&url);
    let unknown = look_up_invite(&lead, &"u".repeat(43)).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.json);
    let a = look_up_invite(&lead, token).await;
    assert_eq!((a.status, &a.json), (unknown.status, &unknown.json));
    let a = accept_invite(
        &lead,
        token,
        json!({ "proof": "A".repeat(43), "public_key": "A".repeat(43), "wrapped_key": "C".repeat(80), "totp_code": "000000" }),
    )
    .await;
    assert_eq!((a.status, &a.json), (unknown.status, &unknown.json));
}

/// With `staff_email_domains`, a lead can invite only their own staff's addresses, so no lead
/// can take another landlord's staff's address before they enrol.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invites_go_only_to_the_landlords_own_domains() {
    let dir = tempdir();
    let config = config_toml(dir.path(), &staff_table("")).replace(
        "id = \"livin\"",
        "id = \"livin\"\nstaff_email_domains = [\"livin.example\"]",
    );
    let s = serve_config(Config::from_toml(&config, dir.path()).unwrap()).await;
    let (lead, _) = signed_in(&s, "livin", "lead@livin.example", "lead").await;
    for (email, status) in [
        ("officer@livin.example", StatusCode::CREATED),
        ("Officer2@LIVIN.example", StatusCode::CREATED),
        ("officer@star.example", StatusCode::BAD_REQUEST),
        ("officer@sub.livin.example", StatusCode::BAD_REQUEST),
        (
            "officer@livin.example.evil.example",
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let a = lead
            .post(
                "/staff/api/invites",
                &json!({ "email": email, "role": "officer" }),
            )
            .await;
        assert_eq!(a.status, status, "{email}: {}", a.json);
        if status == StatusCode::BAD_REQUEST {
            assert_eq!(
                a.json["error"],
                "Invites can only go to addresses at livin.example."
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_need_the_csrf_token_and_the_inbox_origin() {
    let dir = tempdir();
    let s = serve(dir.path(), &staff_table("")).await;
    let (inbox, _) = signed_in(&s, "livin", "officer@livin.example", "officer").await;
    let c = reqwest::Client::new();
    let body = valid_body();
    let id = body["request_id"].as_str().unwrap().to_owned();
    assert_eq!(post(&c, &s, &body).await.status, StatusCode::CREATED);
    let path = format!("/staff/api/requests/{id}/contacted");

    let no_token = inbox
        .client
        .post(format!("{}{path}", inbox.base))
        .header("origin", STAFF_ORIGIN)
        .header("cookie", inbox.cookie.clone().unwrap())
        .send()
        .await
        .unwrap();
    let a = answer(no_token).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert!(a.json["error"].is_string());
    let wrong_token = inbox
        .client
        .delete(format!("{}/staff/api/requests/{id}", inbox.base))
        .header("origin", STAFF_ORIGIN)
        .header("cookie", inbox.cookie.clone().unwrap())
        .header("x-csrf-token", "not-the-token")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_token.status(), StatusCode::FORBIDDEN);
    for origin in [Some("https://evil.example"), None] {
        let mut r = inbox
            .client
            .post(format!("{}{path}", inbox.base))
            .header("cookie", inbox.cookie.clone().unwrap())
            .header("x-csrf-token", inbox.csrf.clone().unwrap());
        if let Some(o) = origin {
            r = r.header("origin", o);
        }
        let a = answer(r.send().await.unwrap()).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{origin:?}");
    }
    let sign_in = inbox
        .client
        .post(format!("{}/staff/api/session", inbox.base))
        .header("origin", "https://evil.example")
        .json(&json!({ "email": "officer@livin.example", "proof": "x", "totp_code": "1" }))
        .send()
        .await
        .unwrap();
    assert_eq!(sign_in.status(), StatusCode::FORBIDDEN);
    let statuses = texts(&s.db, "SELECT status FROM requests");
    assert_eq!(statuses, ["new"], "nothing refused changed anything");
    let a = inbox.post(&path, &json!({})).await;
    assert_eq!(a.status, StatusCode::OK, "with both, it works");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn officers_get_403_on_lead_paths_and_other_landlords_get_404() {
    let dir = tempdir();
    let s = serve(dir.path(), &staff_table("")).await;
    let (officer, officer_member) =
        signed_in(&s, "livin", "officer@livin.example", "officer").await;
    let (lead, _) = signed_in(&s, "livin", "lead@livin.example", "lead").await;
    let (star, _) = signed_in(&s, "star-housing", "lead@star.example", "lead").await;
    let officer_id = lead.get("/staff/api/team").await.json["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == "officer@livin.example")
        .unwrap()["member_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let grant = json!({
        "key_id": "livin-test-1",
        "grant": "A".repeat(107),
        "fingerprint": officer_member.security_number("livin"),
    });

    assert_eq!(
        officer.get("/staff/api/team").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        officer.get("/staff/api/audit").await.status,
        StatusCode::FORBIDDEN
    );
    let a = officer
        .post(
            "/staff/api/invites",
            &json!({ "email": "x@livin.example", "role": "lead" }),
        )
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert!(a.json["error"].as_str().unwrap().contains("team lead"));
    assert_eq!(
        officer
            .post(&format!("/staff/api/members/{officer_id}/grant"), &grant)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        officer
            .delete(&format!("/staff/api/members/{officer_id}"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    let c = reqwest::Client::new();
    let body = valid_body();
    let id = body["request_id"].as_str().unwrap().to_owned();
    assert_eq!(post(&c, &s, &body).await.status, StatusCode::CREATED);
    assert_eq!(
        officer
            .get(&format!("/staff/api/requests/{id}"))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        star.get(&format!("/staff/api/requests/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        star.post(&format!("/staff/api/requests/{id}/contacted"), &json!({}))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        star.delete(&format!("/staff/api/requests/{id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        star.get("/staff/api/requests").await.json,
        json!({ "requests": [] })
    );
    let star_grant = json!({
        "key_id": "star-test-1",
        "grant": "A".repeat(107),
        "fingerprint": officer_member.security_number("livin"),
    });
    assert_eq!(
        star.post(
            &format!("/staff/api/members/{officer_id}/grant"),
            &star_grant
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        star.delete(&format!("/staff/api/members/{officer_id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let team = star.get("/staff/api/team").await.json;
    assert_eq!(team["members"].as_array().unwrap().len(), 1);
    assert_eq!(team["key_ids"], json!(["star-test-1"]));
    assert_eq!(count_rows(&s.db), 1);

    // A lead can grant within their landlord, with their landlord's key ids only.
    assert_eq!(
        lead.post(
            &format!("/staff/api/members/{officer_id}/grant"),
            &star_grant
        )
        .await
        .status,
        StatusCode::BAD_REQUEST
    );
    let a = lead
        .post(&format!("/staff/api/members/{officer_id}/grant"), &grant)
        .await;
    assert_eq!(a.status, StatusCode::NO_CONTENT, "{}", a.json);
    let team = lead.get("/staff/api/team").await.json;
    let listed = team["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["member_id"] == officer_id.as_str())
        .unwrap();
    assert_eq!(listed["granted_key_ids"], json!(["livin-test-1"]));
    assert_eq!(listed["public_key"], officer_member.public_key.as_str());
    let a = lead
        .post(
            "/staff/api/invites",
            &json!({ "email": "third@livin.example", "role": "officer" }),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED);
    assert!(a.json["invite_url"]
        .as_str()
        .unwrap()
        .starts_with(&format!("{STAFF_ORIGIN}/staff/#invite=")));
    assert_eq!(
        lead.get("/staff/api/team").await.json["invites"][0]["email"],
        "third@livin.example"
    );

    // Revoking: the member, their grants and their session are gone.
    let a = lead
        .delete(&format!("/staff/api/members/{officer_id}"))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.json);
    assert_eq!(
        a.json,
        json!({ "rotate_key": true, "requests_on_current_keys": 0 })
    );
    assert_eq!(
        officer.get("/staff/api/requests").await.status,
        StatusCode::UNAUTHORIZED
    );
    let rows = audit_rows(&s.db);
    assert!(
        rows.contains(&"lead@livin.example revoked - officer@livin.example".to_owned()),
        "{rows:?}"
    );
    assert!(rows
        .contains(&"lead@livin.example granted (livin-test-1) - officer@livin.example".to_owned()));
    for table in ["grants", "sessions"] {
        let id = officer_id.clone();
        let left: i64 = db_work(&s.db, move |db| {
            db.query_one(
                &format!("SELECT count(*) FROM {table} WHERE member_id = ?1"),
                safe_contact_endpoint::args![&id],
            )?
            .unwrap()
            .get(0)
        });
        assert_eq!(left, 0, "{table}");
    }
}

fn grants_of(db: &Database, member_id: &str) -> i64 {
    let id = member_id.to_owned();
    db_work(db, move |db| {
        db.query_one(
            "SELECT count(*) FROM grants WHERE member_id = ?1",
            safe_contact_endpoint::args![&id],
        )?
        .unwrap()
        .get(0)
    })
}

fn team_row(team: &Value, email: &str) -> Value {
    team["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == email)
        .unwrap()
        .clone()
}

/// The attack security numbers are for: someone who can write to the database puts their own
/// public key in a member's row before a lead gives that member access.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_swapped_in_the_database_gets_no_grant_and_the_refusal_is_audited() {
    const OFFICER: &str = "officer@livin.example";
    let dir = tempdir();
    let s = serve(dir.path(), &staff_table("")).await;
    let key = key_file(dir.path(), "livin-test-1");
    let (lead, _) = signed_in(&s, "livin", "lead@livin.example", "lead").await;
    let (officer, member) = signed_in(&s, "livin", OFFICER, "officer").await;
    let (star, _) = signed_in(&s, "star-housing", "lead@star.example", "lead").await;
    // What the officer's inbox showed them when they enrolled, and they read out to the lead.
    let read_out = member.security_number("livin");
    let officer_id = team_row(&lead.get("/staff/api/team").await.json, OFFICER)["member_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let grant_path = format!("/staff/api/members/{officer_id}/grant");
    let refused_path = format!("/staff/api/members/{officer_id}/grant-refused");

    let (_, attacker_key) = safe_contact_seal::generate_keypair(&mut rng());
    set(
        &s.db,
        &format!(
            "UPDATE members SET public_key = '{attacker_key}' WHERE member_id = '{officer_id}'"
        ),
    );

    // The lead's browser works out the number of the key it is handed, which is not the one
    // read out, so it seals nothing and records the refusal.
    let handed = team_row(&lead.get("/staff/api/team").await.json, OFFICER)["public_key"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(handed, attacker_key);
    let computed = fingerprint::member("livin", OFFICER, &handed).unwrap();
    assert_ne!(computed.to_string(), read_out);
    let a = lead.post(&refused_path, &json!({})).await;
    assert_eq!(a.status, StatusCode::NO_CONTENT, "{}", a.json);

    // A browser that skipped the check, or a key swapped after it: the server compares the
    // number read out with the key it holds now, and stores nothing.
    let sealed = key.seal_grant("livin", OFFICER, &handed).unwrap();
    let a = lead
        .post(
            &grant_path,
            &json!({ "key_id": "livin-test-1", "grant": sealed, "fingerprint": read_out }),
        )
        .await;
    assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.json);
    assert!(
        a.json["error"]
            .as_str()
            .unwrap()
            .starts_with("The security number does not match this person's key"),
        "{}",
        a.json
    );
    assert_eq!(grants_of(&s.db, &officer_id), 0);
    let refusal = format!("lead@livin.example grant refused - {OFFICER}");
    assert_eq!(
        audit_rows(&s.db).iter().filter(|r| **r == refusal).count(),
        2,
        "{:?}",
        audit_rows(&s.db)
    );
    let trail = lead.get("/staff/api/audit").await.json;
    assert_eq!(
        (
            &trail["entries"][0]["action"],
            &trail["entries"][0]["subject"]
        ),
        (&json!("grant refused"), &json!(OFFICER))
    );

    // A grant without a number, or with one that is not 24 digits, is refused as it stands.
    for number in [None, Some("4821 0937"), Some("4821 0937 551x")] {
        let mut body = json!({ "key_id": "livin-test-1", "grant": sealed });
        if let Some(n) = number {
            body["fingerprint"] = json!(n);
        }
        let a = lead.post(&grant_path, &body).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{number:?}: {}", a.json);
    }
    // Only a lead of the member's own landlord can record a refusal.
    assert_eq!(
        officer.post(&refused_path, &json!({})).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        star.post(&refused_path, &json!({})).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(grants_of(&s.db, &officer_id), 0);

    // With the officer's own key back, the number they read out matches and access is given.
    set(
        &s.db,
        &format!(
            "UPDATE members SET public_key = '{}' WHERE member_id = '{officer_id}'",
            member.public_key
        ),
    );
    let sealed = key
        .seal_grant("livin", OFFICER, &member.public_key)
        .unwrap();
    let a = lead
        .post(
            &grant_path,
            &json!({ "key_id": "livin-test-1", "grant": sealed, "fingerprint": read_out }),
        )
        .await;
    assert_eq!(a.status, StatusCode::NO_CONTENT, "{}", a.json);
    assert_eq!(grants_of(&s.db, &officer_id), 1);
    assert!(audit_rows(&s.db).contains(&format!(
        "lead@livin.example granted (livin-test-1) - {OFFICER}"
    )));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_staff_tool_grants_only_with_the_number_the_member_reads_out() {
    const OFFICER: &str = "officer@livin.example";
    let dir = tempdir();
    let s = serve(dir.path(), &staff_table("")).await;
    let config = dir.path().join("config.toml");
    std::fs::write(&config, config_toml(dir.path(), &staff_table(""))).unwrap();
    let key = key_file(dir.path(), "livin-test-1");
    let inbox = Inbox::new(&s.base);
    let member = enrol(
        &inbox,
        &invite(&s.config, "livin", OFFICER, "officer"),
        "a long passphrase",
    )
    .await;
    let right = member.security_number("livin");
    // Another number: the same digits with the last one changed.
    let last = right.chars().last().unwrap().to_digit(10).unwrap();
    let wrong = format!("{}{}", &right[..right.len() - 1], (last + 1) % 10);
    let grant = |number: Option<&str>| {
        let mut args = vec![
            "grant",
            "livin",
            OFFICER,
            "--key",
            key.path.to_str().unwrap(),
        ];
        if let Some(n) = number {
            args.extend(["--fingerprint", n]);
        }
        staff_cli(&config, &args)
    };
    let stderr = |o: &std::process::Output| String::from_utf8_lossy(&o.stderr).into_owned();

    let o = grant(None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("grant needs --fingerprint"),
        "{}",
        stderr(&o)
    );
    let o = grant(Some("4821 0937"));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("24 digits"), "{}", stderr(&o));
    let o = grant(Some(&wrong));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("is not the number of the key the database holds"),
        "{}",
        stderr(&o)
    );
    let rows = audit_rows(&s.db);
    assert_eq!(
        rows.iter()
            .filter(|r| **r == format!("cli grant refused - {OFFICER}"))
            .count(),
        1,
        "only the wrong number is a refusal worth recording: {rows:?}"
    );
    assert!(!rows.iter().any(|r| r.contains("granted")), "{rows:?}");

    let o = grant(Some(&right.replace(' ', "")));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(audit_rows(&s.db).contains(&format!("cli granted (livin-test-1) - {OFFICER}")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_sign_ins_are_limited_per_account_and_per_client() {
    let dir = tempdir();
    let s = serve(
        dir.path(),
        &staff_table("[staff.sign_in]\nfailures_per_account = 3\nfailures_per_client = 5\nwindow_minutes = 15"),
    )
    .await;
    let (mut known, member) = signed_in(&s, "livin", "officer@livin.example", "officer").await;
    // A browser the member has never signed in on.
    let mut inbox = Inbox::new(&s.base);
    for _ in 0..3 {
        let a = inbox.sign_in(&member.email, "wrong", "000000").await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    }
    // Limited now, even with everything right.
    let a = inbox
        .sign_in(
            &member.email,
            &member.proof,
            &member.code(member.code_used_at + 30),
        )
        .await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = a.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&wait), "{wait}");
    assert!(
        a.json["error"]
            .as_str()
            .unwrap()
            .contains("Wait 15 minutes"),
        "{}",
        a.json
    );
    // The same for an email that has no account: the limit says nothing about who has one.
    for _ in 0..2 {
        let a = inbox
            .sign_in("nobody@livin.example", "wrong", "000000")
            .await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    }
    // Five failures from this client in all: every account is limited from it.
    let a = inbox.sign_in("else@livin.example", "wrong", "000000").await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(a.headers.contains_key("retry-after"));
    // The member's own browser, on the same address, is counted apart and signs in...
    let a = known
        .sign_in(
            &member.email,
            &member.proof,
            &member.code(member.code_used_at + 30),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.json);
    // ...and has five failures of its own before it too must wait.
    for _ in 0..5 {
        let a = known.sign_in(&member.email, "wrong", "000000").await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    }
    let a = known.sign_in(&member.email, "wrong", "000000").await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        a.json["error"],
        "There have been too many tries to sign in on this browser. Wait 15 minutes and try again."
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_sign_ins_cannot_pass_the_limit_together() {
    let dir = tempdir();
    let s = serve(
        dir.path(),
        &staff_table("[staff.sign_in]\nfailures_per_account = 5\nfailures_per_client = 100\nwindow_minutes = 15"),
    )
    .await;
    let (_, member) = signed_in(&s, "livin", "officer@livin.example", "officer").await;
    let tries: Vec<_> = (0..20)
        .map(|_| {
            let (base, email) = (s.base.clone(), member.email.clone());
            tokio::spawn(async move {
                Inbox::new(&base)
                    .sign_in(&email, "wrong", "000000")
                    .await
                    .status
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tries {
        statuses.push(t.await.unwrap());
    }
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let limited = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((refused, limited), (5, 15), "{statuses:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_removed_lead_s_invites_stop_working() {
    let dir = tempdir();
    let s = serve(dir.path(), &staff_table("")).await;
    let (leaving, _) = signed_in(&s, "livin", "leaving@livin.example", "lead").await;
    let (staying, _) = signed_in(&s, "livin", "staying@livin.example", "lead").await;
    let mut links = Vec::new();
    for (lead, email) in [(&leaving, "x@livin.example"), (&staying, "y@livin.example")] {
        let a = lead
            .post(
                "/staff/api/invites",
                &json!({ "email": email, "role": "officer" }),
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.json);
        links.push(a.json["invite_url"].as_str().unwrap().to_owned());
    }
    let inbox = Inbox::new(&s.base);
    assert_eq!(
        look_up_invite(&inbox, invite_token(&links[0])).await.status,
        StatusCode::OK
    );
    let leaving_id = staying.get("/staff/api/team").await.json["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == "leaving@livin.example")
        .unwrap()["member_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let a = staying
        .delete(&format!("/staff/api/members/{leaving_id}"))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.json);
    assert_eq!(
        look_up_invite(&inbox, invite_token(&links[0])).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        look_up_invite(&inbox, invite_token(&links[1])).await.status,
        StatusCode::OK,
        "another lead's invites stay"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_invites_are_swept_and_enrolling_keeps_other_landlords_invites() {
    let dir = tempdir();
    let s = serve(dir.path(), &staff_table("")).await;
    let inbox = Inbox::new(&s.base);
    let star = invite(&s.config, "star-housing", "both@example.org", "officer");
    let livin = invite(&s.config, "livin", "both@example.org", "officer");
    enrol(&inbox, &livin, "passphrase").await;
    let invites = || {
        texts(
            &s.db,
            "SELECT landlord || ' ' || email FROM invites ORDER BY landlord, email",
        )
    };
    assert_eq!(invites(), ["star-housing both@example.org"]);

    invite(&s.config, "livin", "later@livin.example", "officer");
    let now = unix_now();
    let token = safe_contact_endpoint::staff::token_hash(invite_token(&star));
    db_work(&s.db, move |db| {
        db.execute(
            "UPDATE invites SET expires_at = ?1 WHERE token_sha256 = ?2",
            safe_contact_endpoint::args![now, &token],
        )
    });
    sweep(&s.db, &s.config, now);
    assert_eq!(invites(), ["livin later@livin.example"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_session_is_gone() {
    let dir = tempdir();
    let s = serve(dir.path(), &staff_table("idle_seconds = 60")).await;
    let (inbox, _) = signed_in(&s, "livin", "officer@livin.example", "officer").await;
    assert_eq!(
        inbox.get("/staff/api/requests").await.status,
        StatusCode::OK
    );
    set(
        &s.db,
        &format!("UPDATE sessions SET last_seen = {}", unix_now() - 50),
    );
    assert_eq!(
        inbox.get("/staff/api/requests").await.status,
        StatusCode::OK,
        "used in time"
    );
    set(
        &s.db,
        &format!("UPDATE sessions SET last_seen = {}", unix_now() - 60),
    );
    let a = inbox.get("/staff/api/requests").await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert!(a.json["error"].as_str().unwrap().contains("Sign in again"));
    let sessions = texts(&s.db, "SELECT member_id FROM sessions");
    assert!(
        sessions.is_empty(),
        "an idle session is deleted, not just refused"
    );
}

fn assert_staff_headers(a: &Answer, what: &str) {
    assert_eq!(
        a.headers["content-security-policy"],
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; frame-ancestors 'none'",
        "{what}"
    );
    assert_eq!(a.headers["cache-control"], "no-store", "{what}");
    assert_eq!(a.headers["referrer-policy"], "no-referrer", "{what}");
    assert_eq!(a.headers["x-content-type-options"], "nosniff", "{what}");
    assert_eq!(
        a.headers["cross-origin-opener-policy"], "same-origin",
        "{what}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_staff_answer_has_the_csp_and_the_cookie_is_locked_down() {
    let dir = tempdir();
    let app = dir.path().join("static/staff");
    std::fs::create_dir_all(&app).unwrap();
    std::fs::write(
        app.join("index.html"),
        "<!doctype html><title>Inbox</title>",
    )
    .unwrap();
    std::fs::write(app.join("boot.js"), "import init from './x.js'; init();").unwrap();
    let s = serve(
        dir.path(),
        &format!(
            "static_dir = \"{}\"\n{}",
            dir.path().join("static").display(),
            staff_table("")
        ),
    )
    .await;
    let mut inbox = Inbox::new(&s.base);
    let url = invite(&s.config, "livin", "officer@livin.example", "officer");
    let member = enrol(&inbox, &url, "passphrase").await;
    let enrolled_device = inbox.device.lock().unwrap().clone();

    let index = inbox.get("/staff/").await;
    assert_eq!(index.status, StatusCode::OK);
    assert!(index.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let text = inbox
        .client
        .get(format!("{}/staff/", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        text.text().await.unwrap(),
        "<!doctype html><title>Inbox</title>"
    );
    assert_staff_headers(&index, "/staff/");
    assert_staff_headers(&inbox.get("/staff/boot.js").await, "/staff/boot.js");
    assert_staff_headers(&inbox.get("/staff/missing.js").await, "a missing file");
    assert_staff_headers(
        &inbox.get("/staff/api/nothing-here").await,
        "an unknown API path",
    );
    assert_staff_headers(
        &look_up_invite(&inbox, invite_token(&url)).await,
        "used invite",
    );

    let a = inbox
        .sign_in(
            &member.email,
            &member.proof,
            &member.code(member.code_used_at + 30),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.json);
    assert_staff_headers(&a, "sign-in");
    let cookies: Vec<&str> = a
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert_eq!(cookies.len(), 2, "{cookies:?}");
    let (pair, attributes) = cookies[0].split_once("; ").unwrap();
    let (name, token) = pair.split_once('=').unwrap();
    assert_eq!(name, "__Host-safe-contact-staff");
    assert_eq!(token.len(), 43, "32 random bytes in base64url");
    assert_eq!(attributes, "Path=/; HttpOnly; SameSite=Strict; Secure");
    // The browser stays a known device for 180 days, with a fresh token in place of the one
    // enrolling gave it.
    let (pair, attributes) = cookies[1].split_once("; ").unwrap();
    assert!(enrolled_device.is_some_and(|e| e != pair));
    assert_eq!(pair.len(), DEVICE_COOKIE.len() + 1 + 43);
    assert_eq!(
        attributes,
        "Path=/; HttpOnly; SameSite=Strict; Secure; Max-Age=15552000"
    );

    let c = reqwest::Client::new();
    let body = valid_body();
    let id = body["request_id"].as_str().unwrap().to_owned();
    assert_eq!(post(&c, &s, &body).await.status, StatusCode::CREATED);
    for (what, a) in [
        ("list", inbox.get("/staff/api/requests").await),
        (
            "show",
            inbox.get(&format!("/staff/api/requests/{id}")).await,
        ),
        (
            "contacted",
            inbox
                .post(&format!("/staff/api/requests/{id}/contacted"), &json!({}))
                .await,
        ),
        ("lead only", inbox.get("/staff/api/team").await),
        (
            "purge",
            inbox.delete(&format!("/staff/api/requests/{id}")).await,
        ),
        ("sign out", inbox.delete("/staff/api/session").await),
        ("signed out", inbox.get("/staff/api/requests").await),
    ] {
        assert!(a.status.as_u16() < 500, "{what}: {}", a.status);
        assert_staff_headers(&a, what);
    }
    // The rest of the site keeps its own headers.
    let widget = c
        .get(format!("{}/v1/staff/requests", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        widget.headers()["content-security-policy"],
        "default-src 'none'; frame-ancestors 'none'"
    );
    assert!(widget.headers().get("cross-origin-opener-policy").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_proof_code_passphrase_or_key_reaches_the_database_or_the_log() {
    let dir = tempdir();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, config_toml(dir.path(), &staff_table(""))).unwrap();
    let log_path = dir.path().join("server.log");
    let (mut child, base) =
        spawn_endpoint(&config, std::fs::File::create(&log_path).unwrap()).await;
    let parsed = safe_contact_endpoint::Config::load(&config).unwrap();
    let key = key_file(dir.path(), "livin-test-1");
    let mut inbox = Inbox::new(&base);
    let url = invite(&parsed, "livin", "zqx-lead@livin.example", "lead");
    let member = enrol(&inbox, &url, "ZqxPassphraseSecret").await;
    let enrol_code = member.code(member.code_used_at);
    let o = staff_cli(
        &config,
        &[
            "grant",
            "livin",
            &member.email,
            "--key",
            key.path.to_str().unwrap(),
            "--fingerprint",
            &member.security_number("livin"),
        ],
    );
    assert!(o.status.success());
    let sign_in_code = member.code(member.code_used_at + 30);
    let a = inbox
        .sign_in(&member.email, &member.proof, &sign_in_code)
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.json);
    let csrf = inbox.csrf.clone().unwrap();
    let session_token = inbox.cookie.clone().unwrap();
    let session_token = session_token.split_once('=').unwrap().1.to_owned();
    assert_eq!(
        inbox
            .sign_in(&member.email, "ZqxWrongProof", "123456")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        inbox.get("/staff/api/requests").await.status,
        StatusCode::OK
    );

    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    child.start_kill().unwrap();
    child.wait().await.unwrap();
    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(
        log.contains("POST /staff/api/session 200 landlord=livin")
            && log.contains("POST /staff/api/invites/accept 201 landlord=livin"),
        "the capture works:\n{log}"
    );
    let stored = String::from_utf8_lossy(&stored_bytes(&parsed.database)).into_owned();
    assert!(
        stored.contains("zqx-lead@livin.example"),
        "the database capture works"
    );
    for (what, secret) in [
        ("proof", member.proof.as_str()),
        ("passphrase", member.passphrase.as_str()),
        ("wrong proof", "ZqxWrongProof"),
        ("member private key", member.private_key.as_str()),
        ("invite token", invite_token(&url)),
        ("session token", session_token.as_str()),
    ] {
        assert!(!stored.contains(secret), "the database holds the {what}");
        assert!(!log.contains(secret), "the log holds the {what}:\n{log}");
    }
    // The CSRF token is stored, as the spec has it: without the session cookie it is no use.
    assert!(!log.contains(&csrf), "the log holds the CSRF token");
    for code in [&enrol_code, &sign_in_code] {
        assert!(
            !log.contains(code.as_str()),
            "the log holds a TOTP code:\n{log}"
        );
        // Six digits can turn up in a binary file by chance; in text they would sit in quotes.
        assert!(
            !stored.contains(&format!("\"{code}\"")),
            "the database holds a TOTP code"
        );
    }
    assert!(
        !log.to_lowercase().contains("zqx"),
        "the log names the member:\n{log}"
    );
}
