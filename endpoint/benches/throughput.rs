//! Accepted requests per second and p50/p99 latency for `POST /v1/callbacks` with durable
//! writes (WAL, synchronous=FULL, a 201 only after commit), over loopback, at a few levels of
//! concurrency. The client runs in the same process and shares the machine's cores with the
//! server, so the figures are a floor, not a ceiling.
//!
//!   cargo bench -p safe-contact-endpoint            (BENCH_SECONDS=N to change the 5 s per level)

use std::sync::Arc;
use std::time::{Duration, Instant};

use safe_contact_endpoint::{start, Config};

const ORIGIN: &str = "http://127.0.0.1:8080";

fn config(dir: &std::path::Path) -> Config {
    let toml = format!(
        r#"
# Plaintext requests, which only a demo may take: this measures the store, not sealing.
demo = true
bind = "127.0.0.1:0"
database = "{}"
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
        dir.join("bench.db").display(),
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
    serde_json::json!({
        "schema_version": 1,
        "request_id": request_id,
        "landlord": "livin",
        "area": "darlington",
        "contact_method": "call",
        "contact": "07700 900123",
        "safe_days": ["monday", "thursday"],
        "safe_times": ["morning", "evening"],
        "safe_times_note": "not after 3pm",
        "leave_message": false,
        "if_someone_else_answers": "routine_survey",
        "officer_gender": "no_preference",
        "consent": true
    })
    .to_string()
}

struct Level {
    concurrency: usize,
    accepted: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

async fn run_level(url: Arc<String>, concurrency: usize, seconds: u64, salt: u64) -> Level {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()
        .unwrap();
    let start = Instant::now();
    let end = start + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for worker in 0..concurrency as u64 {
        let (client, url) = (client.clone(), Arc::clone(&url));
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut n = worker << 40;
            while Instant::now() < end {
                n += 1;
                let id = uuid(n, salt);
                let t = Instant::now();
                let r = client
                    .post(url.as_str())
                    .header("origin", ORIGIN)
                    .header("content-type", "application/json")
                    .header("idempotency-key", &id)
                    .body(body(&id))
                    .send()
                    .await
                    .expect("the server answers");
                assert_eq!(r.status(), 201, "only accepted requests are timed");
                r.bytes().await.expect("the answer arrives");
                latencies.push(t.elapsed());
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.extend(t.await.unwrap());
    }
    let elapsed = start.elapsed();
    latencies.sort();
    Level {
        concurrency,
        accepted: latencies.len(),
        elapsed,
        latencies,
    }
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1000.0
}

fn main() {
    // `cargo bench` passes --bench; a filter argument is accepted and ignored.
    let seconds: u64 = std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5)
        .clamp(1, 60);
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let config = config(dir.path());
        let safe_contact_endpoint::config::Database::Sqlite(db) = config.database.clone() else {
            unreachable!("the config above names a file")
        };
        let running = start(config).await.expect("the server starts");
        let url = Arc::new(format!("http://{}/v1/callbacks", running.addr));
        let conn = rusqlite::Connection::open(&db).unwrap();
        let journal: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        let sync: i64 = conn.query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap();
        println!("safe-contact-endpoint bench: journal_mode={journal} synchronous={sync} (2 = FULL), {seconds} s per level, database in {}", dir.path().display());
        println!("{:>11}  {:>10}  {:>12}  {:>9}  {:>9}", "concurrency", "accepted", "accepted/s", "p50 ms", "p99 ms");
        // A short warm-up so the first level does not pay for connection set-up and page cache.
        run_level(Arc::clone(&url), 4, 1, 0xfeed).await;
        for (i, concurrency) in [1usize, 8, 32].into_iter().enumerate() {
            let l = run_level(Arc::clone(&url), concurrency, seconds, i as u64 + 1).await;
            println!(
                "{:>11}  {:>10}  {:>12.0}  {:>9.2}  {:>9.2}",
                l.concurrency,
                l.accepted,
                l.accepted as f64 / l.elapsed.as_secs_f64(),
                pct(&l.latencies, 0.50),
                pct(&l.latencies, 0.99)
            );
        }
        running.shutdown().await;
    });
}
