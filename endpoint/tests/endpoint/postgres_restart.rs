//! PostgreSQL restarts while requests arrive. The endpoint answers 201 or 503 with Retry-After,
//! nothing else; no 201 is lost; and it takes requests again once the server is back, without
//! being restarted itself. It holds the server alone, because the restart cuts off every test on it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::postgres::*;
use crate::common::*;
use reqwest::StatusCode;
use safe_contact_endpoint::start;

const CLIENTS: usize = 4;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: scripts/test.sh runs it with --ignored on a server it starts"]
async fn a_database_restart_costs_503s_and_no_201() {
    let (url, _server) = new_database_alone().await;
    let pg_dir = std::env::var("SAFE_CONTACT_TEST_POSTGRES_DIR")
        .expect("scripts/test.sh gives the server's folder, so this test can restart it");
    let dir = tempdir();
    let s = start(postgres_config(dir.path(), &url, OPEN_LIMITS))
        .await
        .unwrap();
    let endpoint = format!("http://{}/v1/callbacks", s.addr);
    let stop = Arc::new(AtomicBool::new(false));
    let confirmed: Arc<Mutex<Vec<String>>> = Arc::default();
    let unavailable = Arc::new(Mutex::new(0_usize));
    let mut clients = Vec::new();
    for _ in 0..CLIENTS {
        let (stop, confirmed, unavailable, endpoint) = (
            Arc::clone(&stop),
            Arc::clone(&confirmed),
            Arc::clone(&unavailable),
            endpoint.clone(),
        );
        clients.push(tokio::spawn(async move {
            let client = reqwest::Client::builder()
                .timeout(Duration::from_secs(20))
                .build()
                .unwrap();
            while !stop.load(Ordering::Relaxed) {
                let body = valid_body();
                let request_id = body["request_id"].as_str().unwrap().to_owned();
                let (key, body) = (new_uuid(), body.to_string().into_bytes());
                // As the widget does: on 503, wait as told and send again with the same key.
                loop {
                    let r = client
                        .post(&endpoint)
                        .header("origin", ORIGIN_LIVIN)
                        .header("content-type", "application/json")
                        .header("idempotency-key", &key)
                        .body(body.clone())
                        .send()
                        .await
                        .expect("the endpoint itself stays up");
                    match r.status() {
                        StatusCode::CREATED => break,
                        StatusCode::SERVICE_UNAVAILABLE => {
                            assert!(r.headers().contains_key("retry-after"));
                            *unavailable.lock().unwrap() += 1;
                            tokio::time::sleep(Duration::from_millis(200)).await;
                        }
                        other => panic!("{other} during a database restart"),
                    }
                }
                confirmed.lock().unwrap().push(request_id);
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let restart = tokio::process::Command::new("bash")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../scripts/postgres.sh"
        ))
        .args(["restart", &pg_dir])
        .output()
        .await
        .unwrap();
    assert!(
        restart.status.success(),
        "{}",
        String::from_utf8_lossy(&restart.stderr)
    );
    // Traffic goes on after the server is back, through the same endpoint.
    let before = confirmed.lock().unwrap().len();
    tokio::time::sleep(Duration::from_secs(2)).await;
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.await.unwrap();
    }
    let confirmed = std::mem::take(&mut *confirmed.lock().unwrap());
    let unavailable = *unavailable.lock().unwrap();
    assert!(
        confirmed.len() > before,
        "no request was stored after the restart"
    );
    assert!(unavailable > 0, "the restart never reached a request");
    let ids = confirmed.clone();
    let counts = db_work(&pg(&url), move |db| {
        ids.iter()
            .map(|id| {
                db.query_one(
                    "SELECT count(*) FROM requests WHERE request_id = ?1",
                    safe_contact_endpoint::args![id],
                )?
                .unwrap()
                .get::<i64>(0)
            })
            .collect::<safe_contact_endpoint::store::sql::Result<Vec<_>>>()
    });
    assert!(counts.iter().all(|n| *n == 1), "{counts:?}");
    assert_eq!(count_rows(&pg(&url)) as usize, confirmed.len());
    println!(
        "database restart: {} requests stored once each, {unavailable} answers of 503 on the way",
        confirmed.len()
    );
    s.shutdown().await;
}
