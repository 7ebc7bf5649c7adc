//! Sealed requests over real HTTP: sealed here as the widget seals them, stored by the endpoint,
//! opened by the staff tool with the private key. The server checks only the envelope, so a
//! tampered or misaddressed request is stored and then refused by the staff tool.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use crate::common::*;
use reqwest::StatusCode;
use safe_contact_endpoint::clock::{unix_now, DAY};
use safe_contact_endpoint::config::Database;
use safe_contact_endpoint::keys::KeyFile;
use safe_contact_seal::Envelope;
use serde_json::{json, Value};

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

fn staff_with_input(config: &Path, args: &[&str], input: &str) -> Output {
    staff_run(Some(config), args, input)
}

/// The staff tool with `input` on standard input, and `--config` only if `config` is given.
fn staff_run(config: Option<&Path>, args: &[&str], input: &str) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_safe-contact-staff"));
    if let Some(config) = config {
        command.arg("--config").arg(config);
    }
    let mut child = command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn staff(config: &Path, args: &[&str]) -> Output {
    staff_with_input(config, args, "")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A server, its config file (for the staff tool) and Livin's key, in one fresh folder.
async fn setup(extra: &str) -> (tempfile::TempDir, Server, std::path::PathBuf, KeyFile) {
    let dir = tempdir();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, config_toml(dir.path(), extra)).unwrap();
    let s = serve(dir.path(), extra).await;
    let key = key_file(dir.path(), "livin-test-1");
    (dir, s, config, key)
}

/// The envelope with one bit of its ciphertext flipped.
fn tampered(e: &Envelope) -> Envelope {
    let (enc, mut ciphertext) = e.binary_parts().unwrap();
    ciphertext[100] ^= 0x01;
    Envelope::from_parts(&e.landlord, &e.request_id, &e.key_id, &enc, &ciphertext)
}

fn audit_rows(db: &Database) -> usize {
    texts(db, "SELECT action FROM audit").len()
}

/// Each audit row as "actor action request_id", oldest first.
fn audit_actions(db: &Database) -> Vec<String> {
    texts(
        db,
        "SELECT actor || ' ' || action || ' ' || request_id FROM audit ORDER BY rowid",
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sealed_request_is_read_back_by_the_staff_tool_exactly() {
    let dir = tempdir();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, config_toml(dir.path(), "")).unwrap();
    let s = serve(dir.path(), "").await;
    let c = client();

    // keygen writes an owner-only key file and prints what the profile and the config need.
    let key_path = dir.path().join("livin.key");
    let keygen = [
        "keygen",
        "--out",
        path(&key_path),
        "--key-id",
        "livin-test-1",
    ];
    let o = staff(&config, &keygen);
    assert!(o.status.success(), "{}", stderr(&o));
    let key = KeyFile::load(&key_path).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let printed = stdout(&o);
    assert!(
        printed.contains(&format!(
            "\"seal\": {{ \"key_id\": \"livin-test-1\", \"public_key\": \"{}\" }}",
            key.public_key
        )),
        "{printed}"
    );
    assert!(printed.contains("seal_key_ids = [\"livin-test-1\"]"));
    // Its security number, and the same number for a profile that seals to it.
    let number =
        safe_contact_staff_keys::fingerprint::landlord_key("livin-test-1", &key.public_key)
            .unwrap()
            .to_string();
    assert!(
        printed.contains(&format!("security number: {number}\n")),
        "{printed}"
    );
    let mut profile: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../public/profiles/livin.json"),
        )
        .unwrap(),
    )
    .unwrap();
    profile["callback"]["seal"] = json!({ "key_id": "livin-test-1", "public_key": key.public_key });
    let profile_path = dir.path().join("livin.json");
    std::fs::write(&profile_path, profile.to_string()).unwrap();
    let o = staff(&config, &["fingerprint", path(&profile_path)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        format!("key id: livin-test-1\nsecurity number: {number}\n")
    );
    assert!(!printed.contains("private_key"), "{printed}");
    let written = std::fs::read(&key_path).unwrap();
    let o = staff(&config, &keygen);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&key_path).unwrap(), written);

    let mut body = valid_body();
    body["if_someone_else_answers"] = json!("ask_for_name");
    body["name_to_ask_for"] = json!("Sam");
    let id = body["request_id"].as_str().unwrap().to_owned();
    let envelope = seal(&body, &key);
    let raw = serde_json::to_vec(&envelope).unwrap();
    let idempotency_key = new_uuid();
    let url = s.url("/v1/callbacks/sealed");
    for _ in 0..2 {
        let a = post_raw(&c, &url, raw.clone(), &idempotency_key, ORIGIN_LIVIN).await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.json);
        assert_eq!(a.json, json!({ "request_id": id, "status": "received" }));
        assert_eq!(a.headers["access-control-allow-origin"], ORIGIN_LIVIN);
        assert_eq!(a.headers["cache-control"], "no-store");
    }
    assert_eq!(count_rows(&s.db), 1);

    // Only the envelope's parts are stored.
    let (request, key_id, enc, ciphertext): (Option<String>, String, Vec<u8>, Vec<u8>) =
        db_work(&s.db, |db| {
            let r = db
                .query_one("SELECT request, key_id, enc, ciphertext FROM requests", &[])?
                .unwrap();
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        });
    assert_eq!(request, None);
    assert_eq!(key_id, "livin-test-1");
    assert_eq!((enc.len(), ciphertext.len()), (32, 4112));

    let o = staff(&config, &["list", "livin"]);
    assert!(
        stdout(&o).contains(&id) && stdout(&o).contains("(sealed to key livin-test-1)"),
        "{}",
        stdout(&o)
    );
    assert_eq!(
        audit_rows(&s.db),
        0,
        "nothing was opened, so nothing is audited"
    );
    let o = staff(&config, &["list", "livin", "--key", path(&key_path)]);
    assert!(stdout(&o).contains("darlington"), "{}", stdout(&o));
    assert!(!stdout(&o).contains("FAILS"), "{}", stdout(&o));
    assert_eq!(
        audit_actions(&s.db),
        [format!("cli opened in list {id}")],
        "opening it to list it is a read"
    );

    // Without the key, or with only another one, staff are told which key it needs.
    let o = staff(&config, &["show", "livin", &id]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(&format!(
            "request {id} is sealed to key \"livin-test-1\": give that key's file with --key FILE"
        )),
        "{}",
        stderr(&o)
    );
    let other = key_file(dir.path(), "livin-test-2");
    let o = staff(&config, &["show", "livin", &id, "--key", path(&other.path)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no --key file is for that key (they are for livin-test-2)"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        audit_rows(&s.db),
        1,
        "nothing more was read, so nothing more is audited"
    );

    // With it (beside another key, as while rotating): the request exactly as it was sealed.
    let o = staff(
        &config,
        &[
            "show",
            "livin",
            &id,
            "--key",
            path(&other.path),
            "--key",
            path(&key_path),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let shown: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(shown["request"], body);
    assert_eq!(shown["key_id"], "livin-test-1");
    assert_eq!(shown["status"], "new");
    assert!(shown.get("envelope").is_none());
    assert!(shown.get("fails_checks").is_none());
    assert_eq!(audit_rows(&s.db), 2);

    // The staff API hands out the envelope as it was posted; staff open it on their machine.
    let api: Value = c
        .get(s.url(&format!("/v1/staff/requests/{id}")))
        .bearer_auth(TOKEN_LIVIN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(api["envelope"], serde_json::to_value(&envelope).unwrap());
    assert!(api.get("request").is_none());
    let list: Value = c
        .get(s.url("/v1/staff/requests"))
        .bearer_auth(TOKEN_LIVIN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["requests"][0]["sealed"], true);
    assert_eq!(list["requests"][0]["area"], Value::Null);
    for input in [api.to_string(), String::from_utf8(raw).unwrap()] {
        let o = staff_with_input(
            &config,
            &["open", "livin", "--key", path(&key_path)],
            &input,
        );
        assert!(o.status.success(), "{}", stderr(&o));
        let opened: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(opened["request"], body);
        assert_eq!(opened["request_id"], id.as_str());
    }
    let o = staff_with_input(
        &config,
        &["open", "star-housing", "--key", path(&key_path)],
        &api.to_string(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("for another landlord"),
        "{}",
        stderr(&o)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tampered_ciphertext_is_stored_but_the_staff_tool_refuses_it() {
    let (_dir, s, config, key) = setup("").await;
    let c = client();
    let body = valid_body();
    let id = body["request_id"].as_str().unwrap().to_owned();
    let a = post_sealed(&c, &s, &tampered(&seal(&body, &key))).await;
    assert_eq!(a.status, StatusCode::CREATED, "the server cannot tell");
    let o = staff(&config, &["show", "livin", &id, "--key", path(&key.path)]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "request {id} was not opened with key \"livin-test-1\""
        )) && err.contains("it was changed after it was sealed"),
        "{err}"
    );
    assert!(o.stdout.is_empty());
}

/// Anyone with the public key in a profile can seal anything, and the server cannot read what
/// was sealed: the staff tool checks it as the form would, and says so when it fails.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sealed_request_the_form_would_refuse_is_flagged_when_opened() {
    let (_dir, s, config, key) = setup("").await;
    let c = client();
    let mut body = valid_body();
    body["contact"] = json!("12345");
    body["area"] = json!("shropshire");
    let id = body["request_id"].as_str().unwrap().to_owned();
    let envelope = seal(&body, &key);
    assert_eq!(
        post_sealed(&c, &s, &envelope).await.status,
        StatusCode::CREATED
    );
    let good = valid_body();
    assert_eq!(
        post_sealed(&c, &s, &seal(&good, &key)).await.status,
        StatusCode::CREATED
    );

    let o = staff(&config, &["show", "livin", &id, "--key", path(&key.path)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(&format!("WARNING: request {id} fails the form's checks"))
            && err.contains("contact: Enter a UK phone number")
            && err.contains("area: Choose your council area"),
        "{err}"
    );
    let shown: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(shown["request"], body, "shown as it was sealed, not tidied");
    let fields: Vec<&str> = shown["fails_checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["area", "contact"]);

    let o = staff(&config, &["list", "livin", "--key", path(&key.path)]);
    let listed = stdout(&o);
    let line = |rid: &str| {
        listed
            .lines()
            .find(|l| l.starts_with(rid))
            .unwrap()
            .to_owned()
    };
    assert!(line(&id).contains("FAILS THE FORM'S CHECKS"), "{listed}");
    assert!(
        !line(good["request_id"].as_str().unwrap()).contains("FAILS"),
        "{listed}"
    );

    // Opening from standard input checks the area too when it has the config.
    let bare = serde_json::to_string(&envelope).unwrap();
    let o = staff_with_input(&config, &["open", "livin", "--key", path(&key.path)], &bare);
    assert!(o.status.success(), "{}", stderr(&o));
    let opened: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(opened["fails_checks"].as_array().unwrap().len(), 2);
    assert!(
        stderr(&o).contains("fails the form's checks"),
        "{}",
        stderr(&o)
    );
    let o = staff_run(None, &["open", "livin", "--key", path(&key.path)], &bare);
    let opened: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        opened["fails_checks"][0]["field"], "contact",
        "without a config, the area goes unchecked"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_request_id_is_refused_by_the_staff_tool() {
    let (_dir, s, config, key) = setup("").await;
    let c = client();

    // The envelope moved to another request id: the associated data no longer matches.
    let mut moved = seal(&valid_body(), &key);
    let other_id = new_uuid();
    moved.request_id = other_id.clone();
    assert_eq!(
        post_sealed(&c, &s, &moved).await.status,
        StatusCode::CREATED
    );
    let o = staff(
        &config,
        &["show", "livin", &other_id, "--key", path(&key.path)],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("its request id or landlord was altered"),
        "{}",
        stderr(&o)
    );

    // Sealed under one request id with another inside: it opens, but it is not this request.
    let body = valid_body();
    let outer_id = new_uuid();
    let mislabelled = safe_contact_seal::seal(
        body.to_string().as_bytes(),
        "livin",
        1,
        &outer_id,
        &safe_contact_seal::PublicKeyInfo {
            key_id: &key.key_id,
            public_key_b64: &key.public_key,
        },
        &mut safe_contact_seal::rand_core::UnwrapErr(getrandom::SysRng),
    )
    .unwrap();
    assert_eq!(
        post_sealed(&c, &s, &mislabelled).await.status,
        StatusCode::CREATED
    );
    let o = staff(
        &config,
        &["show", "livin", &outer_id, "--key", path(&key.path)],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("names another request or landlord"),
        "{}",
        stderr(&o)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_key_id_is_refused_by_the_server() {
    let (dir, s, _config, _key) = setup("").await;
    let c = client();
    for key_id in ["livin-retired-1", "star-test-1"] {
        let key = key_file(dir.path(), key_id);
        let a = post_sealed(&c, &s, &seal(&valid_body(), &key)).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{key_id}");
        assert_eq!(a.fields(), ["key_id"]);
        assert!(a.json["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Reload the page"));
    }
    assert_eq!(count_rows(&s.db), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn envelope_problems_get_clear_answers() {
    let (_dir, s, _config, key) = setup("[rate_limit]\nper_client_per_hour = 1000").await;
    let c = client();
    let url = s.url("/v1/callbacks/sealed");
    let good = serde_json::to_value(seal(&valid_body(), &key)).unwrap();
    let send = |body: Value, origin: &'static str| {
        let url = url.clone();
        let c = c.clone();
        async move { post_raw(&c, &url, body.to_string().into_bytes(), &new_uuid(), origin).await }
    };

    let a = send(json!({}), ORIGIN_LIVIN).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        a.fields(),
        [
            "envelope_version",
            "landlord",
            "request_id",
            "key_id",
            "enc",
            "ciphertext"
        ]
    );
    let cases: Vec<(&str, Value, &str)> = vec![
        ("envelope_version", json!(2), "envelope_version"),
        ("landlord", json!("Livin"), "landlord"),
        ("request_id", json!("not-a-uuid"), "request_id"),
        ("key_id", json!("key 1"), "key_id"),
        ("enc", json!("AAAA"), "enc"),
        (
            "ciphertext",
            json!(good["ciphertext"].as_str().unwrap()[4..]),
            "ciphertext",
        ),
        ("contact", json!("07700 900123"), "contact"),
    ];
    for (field, value, expected) in cases {
        let mut body = good.clone();
        body[field] = value;
        let a = send(body, ORIGIN_LIVIN).await;
        assert_eq!(
            a.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            a.json
        );
        assert_eq!(a.fields(), [expected], "{field}");
        assert!(
            !a.json.to_string().contains("07700"),
            "messages never repeat values"
        );
    }
    let mut unknown = good.clone();
    unknown["landlord"] = json!("nowhere-homes");
    let a = send(unknown, ORIGIN_LIVIN).await;
    assert_eq!(
        (a.status, a.fields()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["landlord".to_owned()]
        )
    );
    let a = send(good.clone(), ORIGIN_STAR).await;
    assert_eq!(
        (a.status, a.fields()),
        (StatusCode::FORBIDDEN, vec!["Origin".to_owned()])
    );
    let a = post_raw(&c, &url, b"{nope".to_vec(), &new_uuid(), ORIGIN_LIVIN).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    let a = post_raw(&c, &url, vec![b' '; 17 * 1024], &new_uuid(), ORIGIN_LIVIN).await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE);
    let r = c
        .post(&url)
        .header("origin", ORIGIN_LIVIN)
        .header("idempotency-key", new_uuid())
        .header("content-type", "text/plain")
        .body(good.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(count_rows(&s.db), 0);

    // A retry must resend the same envelope: sealing again gives other bytes, so the same key
    // or the same request id with a new seal is another body.
    let body = valid_body();
    let first = serde_json::to_vec(&seal(&body, &key)).unwrap();
    let again = serde_json::to_vec(&seal(&body, &key)).unwrap();
    let k = new_uuid();
    assert_eq!(
        post_raw(&c, &url, first.clone(), &k, ORIGIN_LIVIN)
            .await
            .status,
        StatusCode::CREATED
    );
    let a = post_raw(&c, &url, again.clone(), &k, ORIGIN_LIVIN).await;
    assert_eq!(a.fields(), ["Idempotency-Key"]);
    let a = post_raw(&c, &url, again, &new_uuid(), ORIGIN_LIVIN).await;
    assert_eq!(
        (a.status, a.fields()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["request_id".to_owned()]
        )
    );
    let a = post_raw(&c, &url, first, &new_uuid(), ORIGIN_LIVIN).await;
    assert_eq!(
        a.status,
        StatusCode::CREATED,
        "the same envelope under a new key is a retry"
    );
    assert_eq!(count_rows(&s.db), 1);

    // Preflight from the landlord's page.
    let pre = c
        .request(reqwest::Method::OPTIONS, &url)
        .header("origin", ORIGIN_LIVIN)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type, idempotency-key",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(pre.headers()["access-control-allow-origin"], ORIGIN_LIVIN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plaintext_is_refused_unless_the_config_allows_it() {
    let dir = tempdir();
    let toml = config_toml(dir.path(), "").replace(
        "seal_key_ids = [\"livin-test-1\"]\nallow_plaintext = true\n",
        "seal_key_ids = [\"livin-test-1\"]\n",
    );
    let config = safe_contact_endpoint::Config::from_toml(&toml, dir.path()).unwrap();
    assert!(!config.landlord("livin").unwrap().allow_plaintext);
    let running_config = config.clone();
    let running = safe_contact_endpoint::start(config).await.unwrap();
    let base = format!("http://{}", running.addr);
    let c = client();

    let a = post_raw(
        &c,
        &format!("{base}/v1/callbacks"),
        valid_body().to_string().into_bytes(),
        &new_uuid(),
        ORIGIN_LIVIN,
    )
    .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert_eq!(a.json["errors"][0]["field"], Value::Null);
    assert!(
        a.json["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("takes only sealed requests"),
        "{}",
        a.json
    );
    let db = running_config.database.clone();
    assert_eq!(count_rows(&db), 0);

    // Sealed still works for Livin, and Star may still send plaintext.
    let key = key_file(dir.path(), "livin-test-1");
    let a = post_raw(
        &c,
        &format!("{base}/v1/callbacks/sealed"),
        serde_json::to_vec(&seal(&valid_body(), &key)).unwrap(),
        &new_uuid(),
        ORIGIN_LIVIN,
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json);
    let mut star = valid_body();
    star["landlord"] = json!("star-housing");
    star.as_object_mut().unwrap().remove("area");
    let a = post_raw(
        &c,
        &format!("{base}/v1/callbacks"),
        star.to_string().into_bytes(),
        &new_uuid(),
        ORIGIN_STAR,
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json);
    assert_eq!(count_rows(&db), 2);
}

fn holds(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sealed_requests_are_deleted_for_real() {
    let (_dir, s, config, key) = setup("").await;
    let c = client();
    let (a, b) = (seal(&valid_body(), &key), seal(&valid_body(), &key));
    for e in [&a, &b] {
        assert_eq!(post_sealed(&c, &s, e).await.status, StatusCode::CREATED);
    }
    let sample = |e: &Envelope| e.binary_parts().unwrap().1[1000..1032].to_vec();
    // PostgreSQL has no secure_delete: its README says what deletion does there.
    let file = !sqlite_only(&s.db, "whether deleted bytes leave the file");
    let on_disk = |e: &Envelope| file && holds(&stored_bytes(&s.db), &sample(e));
    assert!(!file || (on_disk(&a) && on_disk(&b)));
    assert_eq!(
        close_request(&c, &s.base, &a.request_id).await,
        StatusCode::OK
    );

    assert_eq!(sweep(&s.db, &s.config, unix_now() + 31 * DAY), 1);
    assert!(!on_disk(&a), "a swept sealed request is still on disk");
    let o = staff(&config, &["purge", "livin", &b.request_id]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(count_rows(&s.db), 0);
    assert!(!on_disk(&b), "a purged sealed request is still on disk");
}

/// A reader part-way through a read keeps older pages, the purged request's among them, in the
/// WAL. The purge tries its checkpoint again until the reader lets go, then empties the WAL.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_purge_empties_the_wal_once_a_reader_lets_go() {
    let (_dir, s, config, key) = setup("").await;
    if sqlite_only(&s.db, "SQLite's WAL") {
        return;
    }
    let file = sqlite_path(&s.db);
    let c = client();
    let envelope = seal(&valid_body(), &key);
    assert_eq!(
        post_sealed(&c, &s, &envelope).await.status,
        StatusCode::CREATED
    );
    let sample = envelope.binary_parts().unwrap().1[1000..1032].to_vec();
    assert!(holds(&stored_bytes(&s.db), &sample));

    let reader = rusqlite::Connection::open(&file).unwrap();
    reader.execute_batch("BEGIN").unwrap();
    let seen: i64 = reader
        .query_row("SELECT count(*) FROM requests", [], |r| r.get(0))
        .unwrap();
    assert_eq!(seen, 1);
    let mut purge = Command::new(env!("CARGO_BIN_EXE_safe-contact-staff"))
        .arg("--config")
        .arg(&config)
        .args(["purge", "livin", &envelope.request_id])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while count_rows(&s.db) != 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(count_rows(&s.db), 0, "the purge committed");
    assert!(
        purge.try_wait().unwrap().is_none(),
        "the purge waits for the reader to empty the WAL"
    );
    let wal = file.with_extension("db-wal");
    assert!(std::fs::metadata(&wal).unwrap().len() > 0);

    reader.execute_batch("COMMIT").unwrap();
    drop(reader);
    let o = purge.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    // Emptied, or gone if every connection has closed.
    let left = std::fs::metadata(&wal).map_or(0, |m| m.len());
    assert_eq!(left, 0, "the WAL was emptied");
    assert!(
        !holds(&stored_bytes(&s.db), &sample),
        "the purged request is still on disk"
    );
}

/// Every string a person could have typed or chosen in `body`, and the phone number as the
/// widget tidies it. The landlord and request id are left out: the envelope carries them in the
/// clear, by design.
fn submitted_values(body: &Value) -> Vec<String> {
    let mut values = Vec::new();
    for (field, value) in body.as_object().unwrap() {
        if field == "landlord" || field == "request_id" {
            continue;
        }
        match value {
            Value::String(s) => values.push(s.clone()),
            Value::Array(items) => {
                values.extend(items.iter().filter_map(|i| i.as_str().map(str::to_owned)))
            }
            _ => {}
        }
    }
    let contact = body["contact"].as_str().unwrap();
    if !contact.contains('@') {
        values.push(contact.replace(' ', ""));
    }
    values
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_submitted_value_reaches_the_database_or_the_log() {
    let dir = tempdir();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        config_toml(dir.path(), "[rate_limit]\nper_client_per_hour = 1000"),
    )
    .unwrap();
    let key = key_file(dir.path(), "livin-test-1");
    let log_path = dir.path().join("server.log");
    let (mut child, base) =
        crate::common::spawn_endpoint(&config, std::fs::File::create(&log_path).unwrap()).await;
    let c = client();

    let mut call = valid_body();
    call["contact"] = json!("07700 900461");
    call["safe_times_note"] = json!("ZqxNoteSecret after four");
    call["if_someone_else_answers"] = json!("ask_for_name");
    call["name_to_ask_for"] = json!("ZqxNameSecret");
    call["interpreter_language"] = json!("ZqxLangSecret");
    call["other_access_needs"] = json!("ZqxNeedsSecret please");
    let mut email = valid_body();
    email["contact_method"] = json!("email");
    email["contact"] = json!("zqx.secret.mail@example.org");
    email["area"] = json!("hartlepool");
    email["safe_days"] = json!(["saturday", "sunday"]);
    email["safe_times"] = json!(["evening"]);
    email["officer_gender"] = json!("no_preference");
    let mut text = valid_body();
    text["contact_method"] = json!("text");
    text["contact"] = json!("+44 7700 900789");
    text["area"] = json!("stockton-on-tees");
    text["if_someone_else_answers"] = json!("hang_up");
    text["safe_times_note"] = json!("Zqx text only on weekdays");
    let bodies = [call, email, text];
    let mut envelopes = Vec::new();
    for body in &bodies {
        let envelope = seal(body, &key);
        let a = post_raw(
            &c,
            &format!("{base}/v1/callbacks/sealed"),
            serde_json::to_vec(&envelope).unwrap(),
            &new_uuid(),
            ORIGIN_LIVIN,
        )
        .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.json);
        envelopes.push(envelope);
    }
    // The notifier writes its line once the request has committed; give it a moment.
    tokio::time::sleep(Duration::from_millis(300)).await;
    child.start_kill().unwrap();
    child.wait().await.unwrap();

    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(
        log.contains("POST /v1/callbacks/sealed 201 landlord=livin"),
        "the capture works:\n{log}"
    );
    let db = safe_contact_endpoint::Config::load(&config)
        .unwrap()
        .database;
    let stored = stored_bytes(&db);
    assert_eq!(count_rows(&db), 3);
    for e in &envelopes {
        let (_, ciphertext) = e.binary_parts().unwrap();
        // A PostgreSQL dump writes bytes as hex.
        let start = match &db {
            Database::Sqlite(_) => ciphertext[..64].to_vec(),
            Database::Postgres(_) => {
                safe_contact_endpoint::staff::hex(&ciphertext[..64]).into_bytes()
            }
        };
        assert!(holds(&stored, &start), "the search reads the stored bytes");
    }
    // A choice such as "call" is looked for as a whole word: as a bare substring it is found in
    // the route's own name, "/v1/callbacks".
    // The schema is stored as text too, and the staff tables have an "email" column: its
    // statements are taken out before looking, so only stored values are searched.
    let mut text = String::from_utf8_lossy(&stored).into_owned();
    let schema = match &db {
        Database::Sqlite(_) => texts(&db, "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL"),
        // The dump's statements name the columns; its data lines hold the values.
        Database::Postgres(_) => text
            .lines()
            .filter(|l| !l.starts_with('\t') && l.contains(|c: char| c.is_ascii_uppercase()))
            .filter(|l| {
                l.starts_with("COPY ")
                    || l.starts_with("SET ")
                    || l.starts_with("SELECT ")
                    || l.starts_with("--")
            })
            .map(str::to_owned)
            .collect(),
    };
    for statement in &schema {
        text = text.replace(statement.as_str(), "");
    }
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .map(str::to_owned)
            .collect()
    };
    let (log_words, stored_words) = (words(&log), words(&text));
    for body in &bodies {
        let values = submitted_values(body);
        assert!(values.len() >= 8, "{values:?}");
        for value in values {
            let is_choice = value
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'_' || b == b'-');
            let (in_log, in_db) = if is_choice {
                (log_words.contains(&value), stored_words.contains(&value))
            } else {
                (log.contains(&value), holds(&stored, value.as_bytes()))
            };
            assert!(!in_log, "the log contains {value:?}:\n{log}");
            assert!(!in_db, "the database contains {value:?}");
        }
    }

    // The values were there to find: the staff tool, with the key, reads them.
    let id = bodies[0]["request_id"].as_str().unwrap();
    let o = staff(&config, &["show", "livin", id, "--key", path(&key.path)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("ZqxNameSecret"));
}
