//! Kills the server binary with SIGKILL while requests are arriving, again and again, then checks
//! that every request that got a 201 is in the database exactly once, and that every request
//! left in doubt by a crash is stored exactly once when the client retries it with its key.

use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::load::*;
use crate::common::*;
use tokio::process::Child;

const ROUNDS: u64 = 8;
const CLIENTS: usize = 6;

async fn launch(config: &std::path::Path) -> (Child, String) {
    crate::common::spawn_endpoint(config, Stdio::null()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_201_survives_sigkill_exactly_once() {
    let dir = tempdir();
    let limits = "[rate_limit]\nper_client_per_hour = 1000000\nper_landlord_per_hour = 1000000\nglobal_per_hour = 1000000";
    let config = dir.path().join("config.toml");
    std::fs::write(&config, config_toml(dir.path(), limits)).unwrap();
    let database = safe_contact_endpoint::Config::load(&config)
        .unwrap()
        .database;
    if sqlite_only(
        &database,
        "SQLite's file; postgres_crash.rs kills instances on PostgreSQL",
    ) {
        return;
    }
    let db = sqlite_path(&database);
    let sent: Arc<Mutex<Vec<Sent>>> = Arc::default();

    for round in 0..ROUNDS {
        let (mut child, base) = launch(&config).await;
        let stop = Arc::new(AtomicBool::new(false));
        let mut clients = Vec::new();
        for _ in 0..CLIENTS {
            let (stop, sent, url) = (
                Arc::clone(&stop),
                Arc::clone(&sent),
                format!("{base}/v1/callbacks"),
            );
            clients.push(tokio::spawn(async move {
                let client = reqwest::Client::builder()
                    .timeout(Duration::from_secs(5))
                    .build()
                    .unwrap();
                while !stop.load(Ordering::Relaxed) {
                    let result = send_new(&client, &url).await;
                    let gone = result.is_err();
                    sent.lock().unwrap().push(result.unwrap_or_else(|s| s));
                    if gone {
                        break;
                    }
                }
            }));
        }
        // Kill at a different moment each round, somewhere in the middle of the traffic.
        tokio::time::sleep(Duration::from_millis(150 + (round * 97) % 450)).await;
        child.start_kill().unwrap();
        child.wait().await.unwrap();
        stop.store(true, Ordering::Relaxed);
        for c in clients {
            c.await.unwrap();
        }
    }

    let sent = std::mem::take(&mut *sent.lock().unwrap());
    let confirmed = sent.iter().filter(|s| s.confirmed).count();
    let in_doubt = sent.len() - confirmed;
    assert!(
        confirmed > 50,
        "too little traffic reached the server: {confirmed}"
    );

    // With the server dead, before any retry could put anything back: every 201 is on disk once.
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let mut per_id = conn
            .prepare("SELECT count(*) FROM requests WHERE request_id = ?1")
            .unwrap();
        for s in sent.iter().filter(|s| s.confirmed) {
            let n: i64 = per_id.query_row([&s.request_id], |r| r.get(0)).unwrap();
            assert_eq!(
                n, 1,
                "confirmed request {} is stored {n} times",
                s.request_id
            );
        }
    }

    // Back up once more; every client now retries what it never heard back about, with its key.
    let (mut child, base) = launch(&config).await;
    retry(&base, &sent).await;
    child.start_kill().unwrap();
    child.wait().await.unwrap();

    let conn = rusqlite::Connection::open(&db).unwrap();
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    let mut per_id = conn
        .prepare("SELECT count(*) FROM requests WHERE request_id = ?1")
        .unwrap();
    for s in &sent {
        let n: i64 = per_id.query_row([&s.request_id], |r| r.get(0)).unwrap();
        assert_eq!(
            n, 1,
            "request {} (confirmed: {}) is stored {n} times",
            s.request_id, s.confirmed
        );
    }
    assert_eq!(count_rows(&database) as usize, sent.len());
    println!("{ROUNDS} kills: {confirmed} requests confirmed before a kill, {in_doubt} in doubt and retried; all stored once");
}
