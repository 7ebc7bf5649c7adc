//! Two endpoint binaries on one PostgreSQL database take requests while one of them is killed
//! with SIGKILL and started again, round after round. Every request that got a 201 must be in
//! the database exactly once, and every request left in doubt must be stored exactly once when
//! its client retries it, with its key, on either instance.

use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::load::*;
use crate::common::postgres::*;
use crate::common::*;

const ROUNDS: u64 = 5;
const CLIENTS: usize = 6;

fn stored_once(url: &str, sent: &[Sent], only_confirmed: bool) {
    let ids: Vec<String> = sent
        .iter()
        .filter(|s| s.confirmed || !only_confirmed)
        .map(|s| s.request_id.clone())
        .collect();
    let counts = db_work(&pg(url), move |db| {
        ids.iter()
            .map(|id| {
                let n: i64 = db
                    .query_one(
                        "SELECT count(*) FROM requests WHERE request_id = ?1",
                        safe_contact_endpoint::args![id],
                    )?
                    .unwrap()
                    .get(0)?;
                Ok((id.clone(), n))
            })
            .collect::<safe_contact_endpoint::store::sql::Result<Vec<_>>>()
    });
    for (id, n) in counts {
        assert_eq!(n, 1, "request {id} is stored {n} times");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: scripts/test.sh runs it with --ignored on a server it starts"]
async fn every_201_survives_sigkill_of_one_of_two_instances_exactly_once() {
    let (url, _server) = new_database().await;
    let dir = tempdir();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, postgres_toml(&url, OPEN_LIMITS)).unwrap();
    let sent: Arc<Mutex<Vec<Sent>>> = Arc::default();
    // B runs throughout; A is killed and started again each round.
    let (mut b, b_base) = spawn_endpoint(&config, Stdio::null()).await;

    for round in 0..ROUNDS {
        let (mut a, a_base) = spawn_endpoint(&config, Stdio::null()).await;
        let stop = Arc::new(AtomicBool::new(false));
        let mut clients = Vec::new();
        for n in 0..CLIENTS {
            let (stop, sent) = (Arc::clone(&stop), Arc::clone(&sent));
            let targets = [
                format!("{a_base}/v1/callbacks"),
                format!("{b_base}/v1/callbacks"),
            ];
            clients.push(tokio::spawn(async move {
                let client = reqwest::Client::builder()
                    .timeout(Duration::from_secs(5))
                    .build()
                    .unwrap();
                let mut a_gone = false;
                let mut turn = n;
                while !stop.load(Ordering::Relaxed) {
                    turn += 1;
                    let to_a = turn % 2 == 0 && !a_gone;
                    let url = &targets[usize::from(!to_a)];
                    let result = send_new(&client, url).await;
                    if result.is_err() {
                        assert!(to_a, "the instance left running failed a request");
                        a_gone = true;
                    }
                    sent.lock().unwrap().push(result.unwrap_or_else(|s| s));
                }
            }));
        }
        // Kill at a different moment each round, somewhere in the middle of the traffic.
        tokio::time::sleep(Duration::from_millis(200 + (round * 97) % 450)).await;
        a.start_kill().unwrap();
        a.wait().await.unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
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
        "too little traffic reached the servers: {confirmed}"
    );
    // Before any retry could put anything back: every 201 is stored once.
    stored_once(&url, &sent, true);

    // Every client now retries what it never heard back about, with its key, on the survivor.
    retry(&b_base, sent.iter().filter(|s| !s.confirmed)).await;
    b.start_kill().unwrap();
    b.wait().await.unwrap();
    stored_once(&url, &sent, false);
    assert_eq!(count_rows(&pg(&url)) as usize, sent.len());
    println!("{ROUNDS} kills of one of two instances: {confirmed} requests confirmed, {in_doubt} in doubt and retried; all stored once");
}
