//! Accepted requests per second and p50/p99 latency for `POST /v1/callbacks` with durable
//! writes (a 201 only after commit), over loopback, at a few levels of concurrency: on SQLite
//! (WAL, synchronous=FULL) with one instance, then, given a PostgreSQL server, on PostgreSQL
//! (synchronous_commit=on) with one and with two instances sharing the database. The client and
//! PostgreSQL run on the same machine and share its cores with the server, so the figures are a
//! floor, not a ceiling.
//!
//!   cargo bench -p safe-contact-endpoint            (BENCH_SECONDS=N to change the 5 s per level)
//!   SAFE_CONTACT_TEST_POSTGRES=postgres://postgres@127.0.0.1:55432/postgres cargo bench …
//!                                                   (adds the PostgreSQL runs; each makes and
//!                                                   drops its own database on that server)

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use safe_contact_callback::CallbackRequest;
use safe_contact_endpoint::config::Database;
use safe_contact_endpoint::{start, Config};

const ORIGIN: &str = "http://127.0.0.1:8080";
const POSTGRES_VAR: &str = "SAFE_CONTACT_TEST_POSTGRES";
const SECRET_VAR: &str = "SAFE_CONTACT_BENCH_CLIENT_SECRET";
/// The goal for several instances (on PostgreSQL): accepted requests per second at a p99 of at
/// most this many milliseconds, with no request turned away.
const GOAL_PER_SECOND: f64 = 1000.0;
const GOAL_P99_MS: f64 = 50.0;

/// `database` is the config's lines naming the store.
fn config(dir: &Path, database: &str) -> Config {
    let toml = format!(
        r#"
# Plaintext requests, which only a demo may take: this measures the store, not sealing.
demo = true
bind = "127.0.0.1:0"
{database}
[rate_limit]
per_client_per_hour = 100000000
per_landlord_per_hour = 100000000
global_per_hour = 100000000
[[landlord]]
id = "livin"
areas = ["county-durham", "darlington", "hartlepool", "stockton-on-tees"]
origins = ["{ORIGIN}"]
staff_token_sha256 = "{}"
allow_plaintext = true
"#,
        "0".repeat(64)
    );
    Config::from_toml(&toml, dir).expect("the bench config is valid")
}

fn uuid(n: u64, salt: u64) -> String {
    let a = n.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ salt;
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        n & 0xfff,
        (salt ^ n) & 0xffff_ffff_ffff
    )
}

fn body(request_id: &str) -> String {
    serde_json::to_string(&CallbackRequest {
        request_id: request_id.to_owned(),
        ..CallbackRequest::example()
    })
    .unwrap()
}

struct Row {
    concurrency: usize,
    accepted: usize,
    per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
    /// Answers other than 201, and requests that got no answer, by what happened.
    failures: BTreeMap<String, usize>,
}

impl Row {
    fn failed(&self) -> usize {
        self.failures.values().sum()
    }
}

/// Each client sends its requests to `urls` in turn, so several instances share them evenly.
async fn run_level(urls: Arc<Vec<String>>, concurrency: usize, seconds: u64, salt: u64) -> Row {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        // Longer than the server's own 10 s request timeout: a stuck request is counted, not
        // waited for forever.
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let start = Instant::now();
    let end = start + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for worker in 0..concurrency as u64 {
        let (client, urls) = (client.clone(), Arc::clone(&urls));
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut failures = BTreeMap::<String, usize>::new();
            let mut n = worker << 40;
            while Instant::now() < end {
                n += 1;
                let id = uuid(n, salt);
                let t = Instant::now();
                let answered = async {
                    let r = client
                        .post(&urls[(n % urls.len() as u64) as usize])
                        .header("origin", ORIGIN)
                        .header("content-type", "application/json")
                        .header("idempotency-key", &id)
                        .body(body(&id))
                        .send()
                        .await?;
                    let status = r.status();
                    r.bytes().await?;
                    Ok::<_, reqwest::Error>(status)
                }
                .await;
                match answered {
                    Ok(status) if status == reqwest::StatusCode::CREATED => {
                        latencies.push(t.elapsed())
                    }
                    Ok(status) => *failures.entry(status.to_string()).or_default() += 1,
                    Err(e) => *failures.entry(no_answer(&e)).or_default() += 1,
                }
            }
            (latencies, failures)
        }));
    }
    let (mut latencies, mut failures) = (Vec::new(), BTreeMap::new());
    for t in tasks {
        let (l, f) = t.await.unwrap();
        latencies.extend(l);
        for (why, count) in f {
            *failures.entry(why).or_default() += count;
        }
    }
    let elapsed = start.elapsed();
    latencies.sort();
    Row {
        concurrency,
        accepted: latencies.len(),
        per_second: latencies.len() as f64 / elapsed.as_secs_f64(),
        p50_ms: pct(&latencies, 0.50),
        p99_ms: pct(&latencies, 0.99),
        failures,
    }
}

/// reqwest's own message only says sending failed; the innermost cause says why.
fn no_answer(e: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = e;
    while let Some(inner) = cause.source() {
        cause = inner;
    }
    format!("no answer: {cause}")
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1000.0
}

/// What makes a 201 durable on this database, as the database itself reports it.
fn durability(database: &Database) -> String {
    match database {
        Database::Sqlite(path) => {
            let conn = rusqlite::Connection::open(path).unwrap();
            let journal: String = conn
                .query_row("PRAGMA journal_mode", [], |r| r.get(0))
                .unwrap();
            let sync: i64 = conn
                .query_row("PRAGMA synchronous", [], |r| r.get(0))
                .unwrap();
            format!("journal_mode={journal} synchronous={sync} (2 = FULL)")
        }
        // The server's defaults; the endpoint's request sessions set synchronous_commit=on
        // themselves, but with fsync=off on the server no commit is sure to reach the disk.
        Database::Postgres(url) => {
            let shown = psql(
                url,
                &["-tA", "-c", "SHOW synchronous_commit", "-c", "SHOW fsync"],
            );
            let mut values = shown.lines();
            format!(
                "server synchronous_commit={} fsync={}",
                values.next().unwrap_or("?"),
                values.next().unwrap_or("?")
            )
        }
    }
}

fn psql(url: &str, args: &[&str]) -> String {
    let out = std::process::Command::new("psql")
        .arg(url)
        .arg("-qX")
        .args(args)
        .output()
        .expect("psql runs");
    assert!(
        out.status.success(),
        "psql {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A new, empty database on the server at `admin`: its name and address.
fn new_postgres_database(admin: &str) -> (String, String) {
    let mut random = [0u8; 8];
    getrandom::fill(&mut random).expect("the operating system has a random source");
    let name = format!(
        "bench_{}",
        random
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    psql(admin, &["-c", &format!("CREATE DATABASE {name}")]);
    let (server, _) = admin
        .rsplit_once('/')
        .expect("the address ends in a database name");
    let url = format!("{server}/{name}");
    (name, url)
}

/// Starts `instances` instances on `config`'s database, prints a row per level of concurrency
/// and returns the rows.
async fn run(
    name: &str,
    config: Config,
    instances: usize,
    levels: &[usize],
    seconds: u64,
) -> Vec<Row> {
    let mut running = Vec::new();
    for _ in 0..instances {
        running.push(start(config.clone()).await.expect("the server starts"));
    }
    let urls: Arc<Vec<String>> = Arc::new(
        running
            .iter()
            .map(|r| format!("http://{}/v1/callbacks", r.addr))
            .collect(),
    );
    println!();
    println!(
        "{name}: {}, {}",
        config.database.describe(),
        durability(&config.database)
    );
    println!(
        "{:>11}  {:>10}  {:>12}  {:>9}  {:>9}  {:>8}",
        "concurrency", "accepted", "accepted/s", "p50 ms", "p99 ms", "not 201"
    );
    // A short warm-up so the first level does not pay for connection set-up and page cache.
    run_level(Arc::clone(&urls), 4, 1, 0xfeed).await;
    let mut rows = Vec::new();
    for (i, &concurrency) in levels.iter().enumerate() {
        let row = run_level(Arc::clone(&urls), concurrency, seconds, i as u64 + 1).await;
        println!(
            "{:>11}  {:>10}  {:>12.0}  {:>9.2}  {:>9.2}  {:>8}",
            row.concurrency,
            row.accepted,
            row.per_second,
            row.p50_ms,
            row.p99_ms,
            row.failed()
        );
        for (why, count) in &row.failures {
            println!("{:>13}{count} × {why}", "");
        }
        rows.push(row);
    }
    for r in running {
        r.shutdown().await;
    }
    rows
}

fn summary(name: &str, rows: &[Row]) {
    let best = rows
        .iter()
        .max_by(|a, b| a.per_second.total_cmp(&b.per_second))
        .expect("every run has a level");
    println!(
        "  {name:<24} {:>6.0} accepted/s at concurrency {} (p50 {:.2} ms, p99 {:.2} ms, {} not 201)",
        best.per_second,
        best.concurrency,
        best.p50_ms,
        best.p99_ms,
        best.failed()
    );
}

fn goal(name: &str, rows: &[Row]) {
    let within = rows
        .iter()
        .filter(|r| r.p99_ms <= GOAL_P99_MS && r.failed() == 0)
        .max_by(|a, b| a.per_second.total_cmp(&b.per_second));
    print!(
        "  goal for {name}: ≥ {GOAL_PER_SECOND:.0} accepted/s with p99 ≤ {GOAL_P99_MS:.0} ms \
         and every answer 201; "
    );
    match within {
        Some(r) => println!(
            "best such level {:.0} accepted/s (p99 {:.2} ms) at concurrency {}: {}",
            r.per_second,
            r.p99_ms,
            r.concurrency,
            if r.per_second >= GOAL_PER_SECOND {
                "met"
            } else {
                "not met"
            }
        ),
        None => println!("no level had p99 ≤ {GOAL_P99_MS:.0} ms with every answer 201: not met"),
    }
}

fn main() {
    // `cargo bench` passes --bench; a filter argument is accepted and ignored.
    let seconds: u64 = std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5)
        .clamp(1, 60);
    let admin = std::env::var(POSTGRES_VAR).ok();
    if admin.is_some() {
        // Set before the runtime's threads exist. Any fixed key will do: it only hashes the
        // one client address the bench sends from.
        std::env::set_var(SECRET_VAR, "5a".repeat(32));
    }
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    println!("safe-contact-endpoint bench: {seconds} s per level");
    runtime.block_on(async {
        let sqlite = config(
            dir.path(),
            &format!("database = \"{}\"", dir.path().join("bench.db").display()),
        );
        let name = "SQLite, 1 instance";
        let mut runs = vec![(name, 1, run(name, sqlite, 1, &[1, 8, 32], seconds).await)];
        match &admin {
            None => println!(
                "\nPostgreSQL runs skipped: {POSTGRES_VAR} is not set (the admin address of a \
                 server, e.g. postgres://postgres@127.0.0.1:55432/postgres; \
                 scripts/postgres.sh start gives one)"
            ),
            Some(admin) => {
                for (name, instances) in [
                    ("PostgreSQL, 1 instance", 1),
                    ("PostgreSQL, 2 instances", 2),
                ] {
                    let (db_name, url) = new_postgres_database(admin);
                    let database =
                        format!("database = \"{url}\"\nclient_secret_env = \"{SECRET_VAR}\"");
                    let rows = run(
                        name,
                        config(dir.path(), &database),
                        instances,
                        // 16 as well: PostgreSQL's p99 nears the goal's 50 ms between 8 and 32.
                        &[1, 8, 16, 32],
                        seconds,
                    )
                    .await;
                    // FORCE, since an instance's background tasks may still hold a connection.
                    psql(
                        admin,
                        &["-c", &format!("DROP DATABASE {db_name} WITH (FORCE)")],
                    );
                    runs.push((name, instances, rows));
                }
            }
        }
        println!("\nbest level of each run:");
        for (name, instances, rows) in &runs {
            summary(name, rows);
            if *instances > 1 {
                goal(name, rows);
            }
        }
    });
}
