//! Helpers shared by the endpoint's tests.

pub mod load;
pub mod passkey;
pub mod postgres;

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use getrandom::SysRng;
use reqwest::StatusCode;
use safe_contact_callback::CallbackRequest;
use safe_contact_endpoint::config::Database;
use safe_contact_endpoint::keys::KeyFile;
use safe_contact_endpoint::notify::Timing;
use safe_contact_endpoint::store::sql::{self, Db};
use safe_contact_endpoint::store::Store;
use safe_contact_endpoint::{start_with_timing, Config, Running};
use safe_contact_seal::rand_core::UnwrapErr;
use safe_contact_seal::{Envelope, PublicKeyInfo};
use serde_json::{json, Value};

/// Runs the staff tool with `config` and `args` until it exits.
pub fn staff_cli(config: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_safe-contact-staff"))
        .arg("--config")
        .arg(config)
        .args(args)
        .output()
        .unwrap()
}

pub const ORIGIN_LIVIN: &str = "https://www.livin.example";
pub const ORIGIN_STAR: &str = "https://www.star.example";
pub const TOKEN_LIVIN: &str = "test-staff-token-livin";
pub const TOKEN_STAR: &str = "test-staff-token-star";

/// A config with two landlords (one with several areas, one with one), the database the run
/// tests (see [`postgres::test_database`]), and `extra` appended at the top level (before the
/// landlords) for per-test settings. Both
/// take sealed requests (keys `livin-test-1` and `star-test-1`) and plaintext ones, which only
/// a demo may do, hence `demo = true`.
pub fn config_toml(dir: &Path, extra: &str) -> String {
    config_toml_on(&postgres::test_database(dir), extra)
}

/// [`config_toml`] with `database` as the config's database lines.
pub fn config_toml_on(database: &str, extra: &str) -> String {
    format!(
        r#"
{DEMO_LINE}
bind = "127.0.0.1:0"
{database}
{extra}

[[landlord]]
id = "livin"
areas = ["county-durham", "darlington", "hartlepool", "stockton-on-tees"]
origins = ["{ORIGIN_LIVIN}"]
staff_token_sha256 = "{livin}"
seal_key_ids = ["livin-test-1"]
allow_plaintext = true
staff_guidance = ["Call from a withheld number."]

[[landlord]]
id = "star-housing"
areas = ["shropshire"]
origins = ["{ORIGIN_STAR}"]
staff_token_sha256 = "{star}"
seal_key_ids = ["star-test-1"]
allow_plaintext = true
"#,
        livin = sha256_hex(TOKEN_LIVIN),
        star = sha256_hex(TOKEN_STAR),
    )
}

pub const DEMO_LINE: &str = "demo = true";

pub fn sha256_hex(s: &str) -> String {
    safe_contact_endpoint::staff::hex(&safe_contact_endpoint::staff::token_hash(s))
}

pub fn tempdir() -> tempfile::TempDir {
    // Inside target/, on the real disk: /tmp may be RAM, where fsync proves nothing.
    tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap()
}

pub struct Server {
    pub running: Running,
    pub base: String,
    pub config: Config,
    pub db: Database,
}

impl Server {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

pub async fn serve(dir: &Path, extra: &str) -> Server {
    serve_config(Config::from_toml(&config_toml(dir, extra), dir).unwrap()).await
}

/// Starts a server from a config a test may have changed in code.
pub async fn serve_config(config: Config) -> Server {
    serve_timed(config, Timing::default()).await
}

/// As [`serve_config`], with notices timed by `timing`.
pub async fn serve_timed(config: Config, timing: Timing) -> Server {
    let db = config.database.clone();
    let running = start_with_timing(config.clone(), timing).await.unwrap();
    Server {
        base: format!("http://{}", running.addr),
        running,
        config,
        db,
    }
}

static NEXT: AtomicU64 = AtomicU64::new(1);

/// A random-looking, unique request id in UUID form.
pub fn new_uuid() -> String {
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let a = n.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ t;
    let b =
        t.rotate_left(17) ^ n.wrapping_mul(0xbf58_476d_1ce4_e5b9) ^ u64::from(std::process::id());
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        b >> 52,
        b & 0xffff_ffff_ffff
    )
}

/// A valid request for Livin: the shared example, with a request id of its own.
pub fn valid_body() -> Value {
    let mut body = serde_json::to_value(CallbackRequest::example()).unwrap();
    body["request_id"] = new_uuid().into();
    body
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub json: Value,
}

impl Answer {
    pub fn fields(&self) -> Vec<String> {
        self.json["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| e["field"].as_str().unwrap_or("").to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }
}

pub async fn post_raw(
    client: &reqwest::Client,
    url: &str,
    body: Vec<u8>,
    key: &str,
    origin: &str,
) -> Answer {
    let r = client
        .post(url)
        .header("content-type", "application/json")
        .header("idempotency-key", key)
        .header("origin", origin)
        .body(body)
        .send()
        .await
        .unwrap();
    answer(r).await
}

pub async fn post(client: &reqwest::Client, server: &Server, body: &Value) -> Answer {
    post_raw(
        client,
        &server.url("/v1/callbacks"),
        body.to_string().into_bytes(),
        &new_uuid(),
        ORIGIN_LIVIN,
    )
    .await
}

pub async fn answer(r: reqwest::Response) -> Answer {
    let status = r.status();
    let headers = r.headers().clone();
    let bytes = r.bytes().await.unwrap();
    let json = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or(Value::Null)
    };
    Answer {
        status,
        headers,
        json,
    }
}

/// A new key pair in a key file in `dir`, as `safe-contact-staff keygen` makes it.
pub fn key_file(dir: &Path, key_id: &str) -> KeyFile {
    KeyFile::create(
        &dir.join(format!("{key_id}.key")),
        Some(key_id.into()),
        "2026-05-01",
    )
    .unwrap()
}

/// Seals a request's JSON as the widget does, to `key`.
pub fn seal(body: &Value, key: &KeyFile) -> Envelope {
    safe_contact_seal::seal(
        body.to_string().as_bytes(),
        body["landlord"].as_str().unwrap(),
        1,
        body["request_id"].as_str().unwrap(),
        &PublicKeyInfo {
            key_id: &key.key_id,
            public_key_b64: &key.public_key,
        },
        &mut UnwrapErr(SysRng),
    )
    .unwrap()
}

pub async fn post_sealed(client: &reqwest::Client, server: &Server, envelope: &Envelope) -> Answer {
    post_raw(
        client,
        &server.url("/v1/callbacks/sealed"),
        serde_json::to_vec(envelope).unwrap(),
        &new_uuid(),
        ORIGIN_LIVIN,
    )
    .await
}

/// Marks a Livin request closed through the staff API at `base`, as staff would.
pub async fn close_request(client: &reqwest::Client, base: &str, request_id: &str) -> StatusCode {
    client
        .post(format!("{base}/v1/staff/requests/{request_id}/status"))
        .bearer_auth(TOKEN_LIVIN)
        .body(r#"{"status":"closed"}"#)
        .send()
        .await
        .unwrap()
        .status()
}

/// Runs database work on the test's database, SQLite or PostgreSQL, from sync or async code.
pub fn db_work<R: Send + 'static>(
    database: &Database,
    work: impl FnOnce(&mut Db<'_>) -> sql::Result<R> + Send + 'static,
) -> R {
    let database = database.clone();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let store = Store::open(&database).await.unwrap();
            store.with_db(work).await.unwrap()
        })
    })
    .join()
    .unwrap()
}

/// A retention sweep as the staff tool runs it, returning how many requests went.
pub fn sweep(db: &Database, config: &Config, now: i64) -> u64 {
    let config = config.clone();
    db_work(db, move |db| {
        safe_contact_endpoint::retention::sweep(db, &config, now)
    })
    .expect("no other instance sweeps the test's database")
}

pub fn count_rows(db: &Database) -> i64 {
    db_work(db, |db| {
        db.query_one("SELECT count(*) FROM requests", &[])?
            .unwrap()
            .get(0)
    })
}

/// The first column of every row `sql` gives, as text.
pub fn texts(db: &Database, sql: &'static str) -> Vec<String> {
    db_work(db, move |db| {
        db.query(sql, &[])?
            .iter()
            .map(|r| r.get::<String>(0))
            .collect()
    })
}

/// Everything the database holds, as bytes to search: on SQLite the file and its WAL, which
/// also hold deleted rows not yet overwritten; on PostgreSQL a dump of every row.
pub fn stored_bytes(db: &Database) -> Vec<u8> {
    match db {
        Database::Sqlite(path) => {
            let mut bytes = std::fs::read(path).unwrap();
            bytes.extend(std::fs::read(path.with_extension("db-wal")).unwrap_or_default());
            bytes
        }
        Database::Postgres(url) => {
            let dump = std::process::Command::new("pg_dump")
                .args(["--data-only", url])
                .output()
                .expect("pg_dump runs");
            assert!(
                dump.status.success(),
                "{}",
                String::from_utf8_lossy(&dump.stderr)
            );
            dump.stdout
        }
    }
}

/// The file of a test about SQLite's file, once [`sqlite_only`] has let it run.
pub fn sqlite_path(db: &Database) -> std::path::PathBuf {
    match db {
        Database::Sqlite(path) => path.clone(),
        Database::Postgres(_) => unreachable!("sqlite_only returned first"),
    }
}

/// True, with a note, when the run is on PostgreSQL and the test is about SQLite's file.
pub fn sqlite_only(db: &Database, why: &str) -> bool {
    let skip = matches!(db, Database::Postgres(_));
    if skip {
        eprintln!("skipped on PostgreSQL: {why}");
    }
    skip
}

/// Starts the endpoint binary with `config`, its log going to `log`, and waits for the line
/// that says where it listens. Resolves to the child and its base address.
pub async fn spawn_endpoint(
    config: &Path,
    log: impl Into<std::process::Stdio>,
) -> (tokio::process::Child, String) {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_safe-contact-endpoint"))
        .arg("--config")
        .arg(config)
        .stdout(std::process::Stdio::piped())
        .stderr(log.into())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let line = tokio::time::timeout(std::time::Duration::from_secs(30), lines.next_line())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let base = line
        .rsplit(' ')
        .next()
        .unwrap()
        .trim_end_matches('/')
        .to_owned();
    (child, base)
}

/// What a webhook receiver got: each message's content type and body.
pub type Received = std::sync::Arc<std::sync::Mutex<Vec<(String, Value)>>>;

/// A webhook receiver on loopback that keeps every message POSTed to `/hook`.
pub async fn webhook_sink() -> (std::net::SocketAddr, Received) {
    let received = Received::default();
    let sink = std::sync::Arc::clone(&received);
    let hook = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: axum::http::HeaderMap, body: String| {
            let sink = std::sync::Arc::clone(&sink);
            async move {
                let ct = headers
                    .get("content-type")
                    .map(|v| v.to_str().unwrap().to_owned())
                    .unwrap_or_default();
                sink.lock()
                    .unwrap()
                    .push((ct, serde_json::from_str(&body).unwrap_or(Value::Null)));
                axum::http::StatusCode::NO_CONTENT
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, hook).await.unwrap() });
    (addr, received)
}

/// `config_toml` with Livin's notices going to a webhook at `addr`.
pub fn with_webhook(toml: &str, addr: std::net::SocketAddr) -> String {
    toml.replace(
        "id = \"livin\"",
        &format!(
            "id = \"livin\"\nnotify_webhook = \"http://127.0.0.1:{}/hook\"",
            addr.port()
        ),
    )
}

/// The origin the staff inbox is served from in tests. The server compares `Origin` with it as
/// a string, so it need not be the port the test server really listens on.
pub const STAFF_ORIGIN: &str = "http://127.0.0.1:8080";

/// A `[staff]` table for `serve`'s `extra` (put any top-level keys before it), with `more`
/// lines inside it.
pub fn staff_table(more: &str) -> String {
    format!("[staff]\nbase_url = \"{STAFF_ORIGIN}\"\n{more}\n")
}

/// Passphrase stretching cheap enough for tests; the server cannot tell the difference.
pub const TEST_PARAMS: safe_contact_staff_keys::passphrase::Params =
    safe_contact_staff_keys::passphrase::Params {
        m_kib: 64,
        t: 1,
        p: 1,
    };

/// A browser of the staff inbox: keeps the session cookie, the known-device cookie and the CSRF
/// token, and sends the inbox's own Origin on every POST and DELETE, as a browser on the inbox
/// page would.
pub struct Inbox {
    pub client: reqwest::Client,
    pub base: String,
    /// The `Origin` it sends: the configured `staff.base_url`.
    pub origin: String,
    pub cookie: Option<String>,
    pub csrf: Option<String>,
    /// `name=value` of the known-device cookie, once enrolling or signing in has set one.
    pub device: std::sync::Mutex<Option<String>>,
}

pub const DEVICE_COOKIE: &str = "__Host-safe-contact-device";

/// The `name=value` of the cookie called `name` that an answer sets, if it sets one.
pub fn set_cookie(headers: &reqwest::header::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
        .find(|pair| pair.starts_with(&format!("{name}=")))
}

impl Inbox {
    pub fn new(base: &str) -> Inbox {
        Inbox::at(base, STAFF_ORIGIN)
    }

    /// A browser of an inbox whose `staff.base_url` is `origin`.
    pub fn at(base: &str, origin: &str) -> Inbox {
        Inbox {
            origin: origin.to_owned(),
            client: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(30))
                .build()
                .unwrap(),
            base: base.to_owned(),
            cookie: None,
            csrf: None,
            device: std::sync::Mutex::new(None),
        }
    }

    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let sends = method == reqwest::Method::POST || method == reqwest::Method::DELETE;
        let mut r = self.client.request(method, format!("{}{path}", self.base));
        if sends {
            r = r.header("origin", &self.origin);
            if let Some(csrf) = &self.csrf {
                r = r.header("x-csrf-token", csrf);
            }
        }
        let device = self.device.lock().unwrap().clone();
        let cookies: Vec<String> = self.cookie.iter().cloned().chain(device).collect();
        if !cookies.is_empty() {
            r = r.header("cookie", cookies.join("; "));
        }
        r
    }

    /// Sends a request and keeps the known-device cookie if the answer sets one.
    pub async fn send(&self, r: reqwest::RequestBuilder) -> Answer {
        let a = answer(r.send().await.unwrap()).await;
        if let Some(device) = set_cookie(&a.headers, DEVICE_COOKIE) {
            *self.device.lock().unwrap() = Some(device);
        }
        a
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(self.request(reqwest::Method::GET, path)).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Answer {
        self.send(self.request(reqwest::Method::POST, path).json(body))
            .await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        self.send(self.request(reqwest::Method::DELETE, path)).await
    }

    /// Signs in, keeping the cookie and CSRF token on success.
    pub async fn sign_in(&mut self, email: &str, proof: &str, code: &str) -> Answer {
        let a = self
            .post(
                "/staff/api/session",
                &json!({ "email": email, "proof": proof, "totp_code": code }),
            )
            .await;
        if a.status == StatusCode::OK {
            self.cookie = set_cookie(&a.headers, "__Host-safe-contact-staff");
            self.csrf = Some(a.json["csrf_token"].as_str().unwrap().to_owned());
        }
        a
    }
}

/// A member as their browser holds them after enrolling.
pub struct Member {
    pub email: String,
    pub passphrase: String,
    pub proof: String,
    pub private_key: String,
    pub public_key: String,
    pub totp_secret: Vec<u8>,
    /// When the last code that worked was made: that code's step cannot be used again.
    pub code_used_at: i64,
}

impl Member {
    pub fn code(&self, at: i64) -> String {
        safe_contact_staff_keys::totp::code_at(&self.totp_secret, at as u64)
    }

    /// The security number the member's inbox showed when they enrolled, which they read out
    /// to whoever gives them access.
    pub fn security_number(&self, landlord: &str) -> String {
        safe_contact_staff_keys::fingerprint::member(landlord, &self.email, &self.public_key)
            .unwrap()
            .to_string()
    }
}

/// RFC 4648 base32 without padding, as the invite answer gives the TOTP secret.
pub fn base32_decode(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0);
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'2'..=b'7' => c - b'2' + 26,
            _ => panic!("not base32: {text}"),
        };
        buffer = (buffer << 5) | u32::from(v);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    out
}

/// The token at the end of an invite link.
pub fn invite_token(url: &str) -> &str {
    url.split_once("#invite=").unwrap().1
}

/// What the enrolment page asks for first: the invite a token names.
pub async fn look_up_invite(inbox: &Inbox, token: &str) -> Answer {
    inbox
        .post("/staff/api/invites/lookup", &json!({ "token": token }))
        .await
}

/// Enrols with `token` and the rest of the enrolment in `body`.
pub async fn accept_invite(inbox: &Inbox, token: &str, body: Value) -> Answer {
    let mut body = body;
    body["token"] = json!(token);
    inbox.post("/staff/api/invites/accept", &body).await
}

/// An invite made as the staff tool makes it, straight into the server's database.
pub fn invite(config: &Config, landlord: &str, email: &str, role: &str) -> String {
    invite_at(
        config,
        landlord,
        email,
        role,
        safe_contact_endpoint::clock::unix_now(),
    )
}

/// An invite made as the staff tool would have made it at `now`: one made long enough ago has
/// expired. A row changed in the database would not check out.
pub fn invite_at(config: &Config, landlord: &str, email: &str, role: &str, now: i64) -> String {
    use safe_contact_endpoint::staff::accounts::{invite_member, Invited, Role};
    let (owned, landlord, email) = (config.clone(), landlord.to_owned(), email.to_owned());
    let role = Role::parse(role).unwrap();
    let made = db_work(&config.database, move |db| {
        invite_member(
            db,
            &owned,
            &landlord,
            &email,
            role,
            &safe_contact_endpoint::staff::Actor::Cli,
            now,
        )
    });
    match made {
        Invited::Link { url, .. } => url,
        _ => panic!("no invite made"),
    }
}

/// Follows an invite link as the enrolment page does: reads the invite, makes the member's key
/// pair and proof, and enrols with the current code.
pub async fn enrol(inbox: &Inbox, url: &str, passphrase: &str) -> Member {
    use safe_contact_staff_keys::pepper::MemberPepper;
    use safe_contact_staff_keys::{member_key, passphrase as pp};
    let token = invite_token(url);
    let a = look_up_invite(inbox, token).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.json);
    let email = a.json["email"].as_str().unwrap().to_owned();
    let totp_secret = base32_decode(a.json["totp_secret"].as_str().unwrap());
    let pepper = MemberPepper::from_b64(a.json["key_pepper"].as_str().unwrap()).unwrap();
    let derived = pp::derive_with(&TEST_PARAMS, passphrase, &email, STAFF_ORIGIN).unwrap();
    let mut rng = UnwrapErr(SysRng);
    let (private_key, public_key) = safe_contact_seal::generate_keypair(&mut rng);
    let wrapped_key = member_key::wrap(&derived.wrap_key(&pepper), &private_key, &email, &mut rng);
    let mut member = Member {
        email,
        passphrase: passphrase.to_owned(),
        proof: derived.proof.clone(),
        private_key,
        public_key,
        totp_secret,
        code_used_at: safe_contact_endpoint::clock::unix_now(),
    };
    let a = accept_invite(
        inbox,
        token,
        json!({
            "proof": member.proof,
            "public_key": member.public_key,
            "wrapped_key": wrapped_key,
            "totp_code": member.code(member.code_used_at),
        }),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json);
    member.code_used_at = safe_contact_endpoint::clock::unix_now().min(member.code_used_at);
    member
}

/// Lets a member sign in again within the same 30 seconds, as if a new code had come round.
pub fn forget_totp_step(db: &Database, email: &str) {
    let email = email.to_owned();
    db_work(db, move |db| {
        db.execute(
            "UPDATE members SET totp_last_step = NULL WHERE email = ?1",
            safe_contact_endpoint::args![&email],
        )
    });
}

/// Invites, enrols and signs in a member; the inbox keeps the session.
pub async fn signed_in(
    server: &Server,
    landlord: &str,
    email: &str,
    role: &str,
) -> (Inbox, Member) {
    let mut inbox = Inbox::new(&server.base);
    let url = invite(&server.config, landlord, email, role);
    let mut member = enrol(&inbox, &url, "correct horse battery staple").await;
    forget_totp_step(&server.db, &member.email);
    member.code_used_at = safe_contact_endpoint::clock::unix_now();
    let a = inbox
        .sign_in(
            &member.email,
            &member.proof,
            &member.code(member.code_used_at),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.json);
    (inbox, member)
}

/// The endpoint's own origin in tests, where the form's frame is served from. The server
/// compares `Origin` with it as a string, so it need not be where the test server listens.
pub const FORM_ORIGIN: &str = "https://contact.example.org";

/// The seed profile `public/profiles/{landlord}.json`, sealing to the test config's key for
/// that landlord instead of the demo's.
pub fn test_profile(landlord: &str) -> String {
    let seed =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../public/profiles/{landlord}.json"));
    let test_key = match landlord {
        "livin" => "livin-test-1",
        "star-housing" => "star-test-1",
        other => panic!("the test config has no landlord {other}"),
    };
    std::fs::read_to_string(seed)
        .unwrap()
        .replace(&format!("{landlord}-demo-1"), test_key)
}

/// `toml` with `profile` written to `dir` as `landlord`'s profile.
pub fn with_profile(toml: &str, dir: &Path, landlord: &str, profile: &str) -> String {
    let path = dir.join(format!("{landlord}.json"));
    std::fs::write(&path, profile).unwrap();
    toml.replace(
        &format!("id = \"{landlord}\"\n"),
        &format!(
            "id = \"{landlord}\"\nprofile = {:?}\n",
            path.display().to_string()
        ),
    )
}
