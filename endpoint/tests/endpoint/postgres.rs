//! The endpoint on PostgreSQL, with two instances where it matters: one request per key, the
//! staff API, the staff tool and retention, and the limits and notices they share.

use std::time::Duration;

use crate::common::postgres::*;
use crate::common::*;
use reqwest::StatusCode;
use safe_contact_endpoint::config::Database;
use safe_contact_endpoint::notify::Timing;
use safe_contact_endpoint::store::sql;
use safe_contact_endpoint::store::Store;
use safe_contact_endpoint::{start, start_with_timing, Config, Running};
use serde_json::Value;

fn base(running: &Running) -> String {
    format!("http://{}", running.addr)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: scripts/test.sh runs it with --ignored on a server it starts"]
async fn two_instances_store_each_of_100_pairs_of_identical_requests_once() {
    let (url, _server) = new_database().await;
    let dir = tempdir();
    let config = postgres_config(dir.path(), &url, OPEN_LIMITS);
    // Started together, so their migrations race too; the lock makes them take turns.
    let (a, b) = tokio::join!(start(config.clone()), start(config.clone()));
    let (a, b) = (a.unwrap(), b.unwrap());
    let client = reqwest::Client::new();
    let mut pairs = Vec::new();
    for _ in 0..100 {
        let body = valid_body().to_string().into_bytes();
        let key = new_uuid();
        let (client, ua, ub) = (
            client.clone(),
            format!("{}/v1/callbacks", base(&a)),
            format!("{}/v1/callbacks", base(&b)),
        );
        pairs.push(tokio::spawn(async move {
            let (x, y) = tokio::join!(
                post_raw(&client, &ua, body.clone(), &key, ORIGIN_LIVIN),
                post_raw(&client, &ub, body.clone(), &key, ORIGIN_LIVIN),
            );
            (x.status, y.status)
        }));
    }
    for pair in pairs {
        let (x, y) = pair.await.unwrap();
        assert_eq!((x, y), (StatusCode::CREATED, StatusCode::CREATED));
    }
    assert_eq!(count_rows(&pg(&url)), 100);

    // The same key with another body is refused, whichever instance it reaches.
    let key = new_uuid();
    let first = post_raw(
        &client,
        &format!("{}/v1/callbacks", base(&a)),
        valid_body().to_string().into_bytes(),
        &key,
        ORIGIN_LIVIN,
    )
    .await;
    assert_eq!(first.status, StatusCode::CREATED);
    let other = post_raw(
        &client,
        &format!("{}/v1/callbacks", base(&b)),
        valid_body().to_string().into_bytes(),
        &key,
        ORIGIN_LIVIN,
    )
    .await;
    assert_eq!(
        other.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        other.json
    );
    assert_eq!(count_rows(&pg(&url)), 101);
    a.shutdown().await;
    b.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: scripts/test.sh runs it with --ignored on a server it starts"]
async fn the_staff_api_the_staff_tool_and_retention_work_on_postgres() {
    let (url, _server) = new_database().await;
    let dir = tempdir();
    let config = postgres_config(dir.path(), &url, "");
    let s = start(config.clone()).await.unwrap();
    let client = reqwest::Client::new();
    let body = valid_body();
    let id = body["request_id"].as_str().unwrap().to_owned();
    let sent = post_raw(
        &client,
        &format!("{}/v1/callbacks", base(&s)),
        body.to_string().into_bytes(),
        &new_uuid(),
        ORIGIN_LIVIN,
    )
    .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.json);

    let staff = |method: reqwest::Method, path: &str| {
        client
            .request(method, format!("{}{path}", base(&s)))
            .bearer_auth(TOKEN_LIVIN)
    };
    let list: Value = staff(reqwest::Method::GET, "/v1/staff/requests")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["requests"][0]["request_id"], id.as_str(), "{list}");
    let read = staff(reqwest::Method::GET, &format!("/v1/staff/requests/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), StatusCode::OK);
    let full: Value = read.json().await.unwrap();
    assert_eq!(full["request"]["phone"], body["phone"]);
    // Star's token sees nothing of Livin's.
    let other = client
        .get(format!("{}/v1/staff/requests/{id}", base(&s)))
        .bearer_auth(TOKEN_STAR)
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
    assert_eq!(close_request(&client, &base(&s), &id).await, StatusCode::OK);
    let actions = db_work(&pg(&url), |db| {
        db.query("SELECT action FROM audit ORDER BY rowid", &[])?
            .iter()
            .map(|r| r.get::<String>(0))
            .collect::<sql::Result<Vec<_>>>()
    });
    assert_eq!(actions, ["opened", "closed"]);

    // The staff tool reaches the same database through the config.
    let config_file = dir.path().join("config.toml");
    std::fs::write(&config_file, postgres_toml(&url, "")).unwrap();
    let listed = staff_cli(&config_file, &["list", "livin", "all"]);
    assert!(
        listed.status.success(),
        "{}",
        String::from_utf8_lossy(&listed.stderr)
    );
    assert!(String::from_utf8_lossy(&listed.stdout).contains(&id));

    // Closed requests go after 30 days: the sweep deletes it and then vacuums.
    let now = safe_contact_endpoint::clock::unix_now();
    let swept = db_work(&pg(&url), {
        let config = config.clone();
        move |db| safe_contact_endpoint::retention::sweep(db, &config, now + 31 * 86_400)
    });
    assert_eq!(swept, Some(1));
    assert_eq!(count_rows(&pg(&url)), 0);
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: scripts/test.sh runs it with --ignored on a server it starts"]
async fn a_sweep_runs_on_one_instance_at_a_time() {
    let (url, _server) = new_database().await;
    let dir = tempdir();
    let config = postgres_config(dir.path(), &url, "");
    // Opening the store migrates the new database.
    db_work(&pg(&url), |_| Ok(()));
    // One instance holds the sweep's lock in an open transaction while another sweeps.
    let store = Store::open(&Database::Postgres(url.clone())).await.unwrap();
    let (held_tx, held_rx) = std::sync::mpsc::channel::<()>();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let holder = tokio::spawn({
        let store = store.clone();
        async move {
            store
                .with_db(move |db| {
                    db.transaction(|tx| {
                        tx.execute(
                            "SELECT pg_advisory_xact_lock(?1)",
                            safe_contact_endpoint::args![
                                safe_contact_endpoint::retention::SWEEP_LOCK
                            ],
                        )?;
                        held_tx.send(()).unwrap();
                        release_rx.recv_timeout(Duration::from_secs(30)).unwrap();
                        Ok(())
                    })
                })
                .await
                .unwrap()
        }
    });
    tokio::task::spawn_blocking(move || held_rx.recv().unwrap())
        .await
        .unwrap();
    let now = safe_contact_endpoint::clock::unix_now();
    let skipped = store
        .with_db({
            let config = config.clone();
            move |db| safe_contact_endpoint::retention::sweep(db, &config, now)
        })
        .await
        .unwrap();
    assert_eq!(
        skipped, None,
        "a second sweep at the same time does nothing"
    );
    release_tx.send(()).unwrap();
    holder.await.unwrap();
    let ran = store
        .with_db(move |db| safe_contact_endpoint::retention::sweep(db, &config, now))
        .await
        .unwrap();
    assert_eq!(ran, Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: scripts/test.sh runs it with --ignored on a server it starts"]
async fn an_unreachable_server_stops_the_start_and_says_where() {
    let (_, _server) = new_database().await;
    let dir = tempdir();
    // Port 1 on loopback: nothing listens there.
    let config = postgres_config(
        dir.path(),
        "postgres://safe:secret-password@127.0.0.1:1/nowhere",
        "",
    );
    let e = start(config).await.err().expect("no database, no start");
    let message = e.to_string();
    assert!(message.contains("nowhere on 127.0.0.1 port 1"), "{message}");
    assert!(!message.contains("secret-password"), "{message}");
}

async fn send(client: &reqwest::Client, to: &Running) -> StatusCode {
    post_raw(
        client,
        &format!("{}/v1/callbacks", base(to)),
        valid_body().to_string().into_bytes(),
        &new_uuid(),
        ORIGIN_LIVIN,
    )
    .await
    .status
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: scripts/test.sh runs it with --ignored on a server it starts"]
async fn a_landlords_hourly_limit_holds_across_instances() {
    let (url, _server) = new_database().await;
    let dir = tempdir();
    let limits = "[rate_limit]\nper_client_per_hour = 1000\nper_landlord_per_hour = 3\nglobal_per_hour = 1000";
    let config = postgres_config(dir.path(), &url, limits);
    let (a, b) = (
        start(config.clone()).await.unwrap(),
        start(config).await.unwrap(),
    );
    let client = reqwest::Client::new();
    let mut statuses = Vec::new();
    for to in [&a, &b, &a, &b, &a] {
        statuses.push(send(&client, to).await);
    }
    assert_eq!(
        statuses,
        [
            StatusCode::CREATED,
            StatusCode::CREATED,
            StatusCode::CREATED,
            StatusCode::TOO_MANY_REQUESTS,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
    assert_eq!(count_rows(&pg(&url)), 3);
    a.shutdown().await;
    b.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: scripts/test.sh runs it with --ignored on a server it starts"]
async fn instances_send_one_notice_per_cooldown_between_them() {
    let (url, _server) = new_database().await;
    let dir = tempdir();
    let (hook, received) = webhook_sink().await;
    let toml = with_webhook(&postgres_toml(&url, OPEN_LIMITS), hook);
    let config = Config::from_toml(&toml, dir.path()).unwrap();
    let timing = || Timing {
        cooldown: Duration::from_secs(2),
        ..Timing::default()
    };
    let (a, b) = (
        start_with_timing(config.clone(), timing()).await.unwrap(),
        start_with_timing(config, timing()).await.unwrap(),
    );
    let client = reqwest::Client::new();
    // Each instance alone would send two notices for its own requests (one at once, one when
    // its cooldown ends), three between them. Together they send one at once and one for the
    // requests that came after it.
    for to in [&a, &b, &a] {
        assert_eq!(send(&client, to).await, StatusCode::CREATED);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(received.lock().unwrap().len(), 1, "one notice at once");
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(
        received.lock().unwrap().len(),
        2,
        "one more when the cooldown ended, from one instance"
    );
    a.shutdown().await;
    b.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: scripts/test.sh runs it with --ignored on a server it starts"]
async fn migrations_are_versioned_and_a_newer_database_is_left_alone() {
    let (url, _server) = new_database().await;
    let versions = || {
        texts(
            &pg(&url),
            "SELECT version::text FROM schema_migrations ORDER BY version",
        )
    };
    db_work(&pg(&url), |_| Ok(()));
    assert_eq!(versions(), ["1", "2", "3", "4", "5", "6"]);
    // Opening again applies nothing twice.
    db_work(&pg(&url), |_| Ok(()));
    assert_eq!(versions(), ["1", "2", "3", "4", "5", "6"]);
    db_work(&pg(&url), |db| {
        db.execute("INSERT INTO schema_migrations VALUES (99, 0)", &[])
    });
    let refused = Store::open(&pg(&url))
        .await
        .err()
        .expect("a newer schema is refused");
    assert!(refused.contains("newer version"), "{refused}");
}

/// What the README's "The database role" says: once the owner has migrated, a role with only
/// row rights runs the service, cannot change the schema, and leaves VACUUM to the owner.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: scripts/test.sh runs it with --ignored on a server it starts"]
async fn a_role_with_only_row_rights_runs_the_service() {
    let (url, _server) = new_database().await;
    db_work(&pg(&url), |_| Ok(()));
    let role = format!("svc_{}", &new_uuid()[..8]);
    let owner = std::process::Command::new("psql")
        .args([
            url.as_str(),
            "-qXc",
            &format!(
                "CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
                 GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};"
            ),
        ])
        .output()
        .unwrap();
    assert!(
        owner.status.success(),
        "{}",
        String::from_utf8_lossy(&owner.stderr)
    );
    let service = url.replacen("postgres://postgres@", &format!("postgres://{role}@"), 1);
    assert_ne!(service, url);

    let dir = tempdir();
    let config = postgres_config(dir.path(), &service, "");
    let s = start(config.clone()).await.unwrap();
    assert_eq!(send(&reqwest::Client::new(), &s).await, StatusCode::CREATED);
    s.shutdown().await;
    let now = safe_contact_endpoint::clock::unix_now();
    let swept = db_work(&pg(&service), move |db| {
        safe_contact_endpoint::retention::sweep(db, &config, now + 400 * 86_400)
    });
    assert_eq!(
        swept,
        Some(1),
        "the sweep deletes, and leaves VACUUM to the owner"
    );
    let store = Store::open(&pg(&service)).await.unwrap();
    let ddl = store
        .with_db(|db| db.batch("CREATE TABLE x (i integer)"))
        .await;
    assert!(ddl.is_err(), "the service role cannot change the schema");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: scripts/test.sh runs it with --ignored on a server it starts"]
async fn the_staff_tool_copies_a_sqlite_database_into_an_empty_postgres_one() {
    let (url, _server) = new_database().await;
    let dir = tempdir();
    let sqlite = format!("database = \"{}\"", dir.path().join("old.db").display());
    let toml = config_toml_on(&sqlite, &staff_table(""));
    let config_file = dir.path().join("config.toml");
    std::fs::write(&config_file, &toml).unwrap();
    let config = Config::from_toml(&toml, dir.path()).unwrap();
    let s = serve_config(config.clone()).await;
    let client = reqwest::Client::new();
    let (kept, closed) = (valid_body(), valid_body());
    for body in [&kept, &closed] {
        assert_eq!(post(&client, &s, body).await.status, StatusCode::CREATED);
    }
    let closed_id = closed["request_id"].as_str().unwrap();
    assert_eq!(
        close_request(&client, &s.base, closed_id).await,
        StatusCode::OK
    );
    invite(&config, "livin", "lead@livin.example", "lead");
    s.running.shutdown().await;

    let requests = "SELECT request_id || ' ' || status || ' ' || received_at || ' ' || coalesce(request, '') FROM requests ORDER BY rowid";
    let audit = "SELECT actor || ' ' || action || ' ' || coalesce(request_id, '-') || ' ' || coalesce(subject, '-') FROM audit ORDER BY rowid";
    let invites = "SELECT landlord || ' ' || email || ' ' || role FROM invites";
    let before: Vec<Vec<String>> = [requests, audit, invites]
        .iter()
        .map(|q| texts(&s.db, q))
        .collect();
    assert_eq!(before.iter().map(Vec::len).collect::<Vec<_>>(), [2, 2, 1]);

    let copied = staff_cli(&config_file, &["copy-to", &url]);
    let out = String::from_utf8_lossy(&copied.stdout);
    assert!(
        copied.status.success(),
        "{}",
        String::from_utf8_lossy(&copied.stderr)
    );
    assert!(
        out.contains("requests: 2 rows copied, and counted again in both databases"),
        "{out}"
    );
    let after: Vec<Vec<String>> = [requests, audit, invites]
        .iter()
        .map(|q| texts(&pg(&url), q))
        .collect();
    assert_eq!(after, before);

    // Copying again, or into a database in use, is refused and changes nothing.
    let again = staff_cli(&config_file, &["copy-to", &url]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds"));
    assert_eq!(count_rows(&pg(&url)), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: scripts/test.sh runs it with --ignored on a server it starts"]
async fn the_staff_tool_says_keep_the_old_database_when_the_copy_comes_up_short() {
    let (url, _server) = new_database().await;
    let dir = tempdir();
    let sqlite = format!("database = \"{}\"", dir.path().join("old.db").display());
    let toml = config_toml_on(&sqlite, &staff_table(""));
    let config_file = dir.path().join("config.toml");
    std::fs::write(&config_file, &toml).unwrap();
    let config = Config::from_toml(&toml, dir.path()).unwrap();
    let s = serve_config(config.clone()).await;
    let client = reqwest::Client::new();
    assert_eq!(
        post(&client, &s, &valid_body()).await.status,
        StatusCode::CREATED
    );
    invite(&config, "livin", "lead@livin.example", "lead");
    s.running.shutdown().await;

    // The new database quietly drops audit rows, as a trigger left behind, or a full disk on a
    // server that does not say so, might: every write is acknowledged, and some rows are gone.
    db_work(&pg(&url), |db| {
        db.batch(
            "CREATE FUNCTION drop_row() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NULL; END';
             CREATE TRIGGER lose_audit BEFORE INSERT ON audit FOR EACH ROW EXECUTE FUNCTION drop_row()",
        )
    });
    let copied = staff_cli(&config_file, &["copy-to", &url]);
    let (out, err) = (
        String::from_utf8_lossy(&copied.stdout),
        String::from_utf8_lossy(&copied.stderr),
    );
    assert_eq!(copied.status.code(), Some(2), "{out}{err}");
    assert!(
        err.contains("read: requests 1, audit 1, members 0, invites 1, grants 0")
            && err.contains("now in the new one: requests 1, audit 0,")
            && err.contains("Do not delete the old database"),
        "{err}"
    );
    assert!(!out.contains("delete"), "{out}");
}
