//! For the tests on PostgreSQL, against a real server: `scripts/postgres.sh` starts a
//! throw-away one and `scripts/test.sh` passes its address in `SAFE_CONTACT_TEST_POSTGRES`.
//! Each test makes its own database on it. The tests written for PostgreSQL are `#[ignore]`d,
//! so a run without a server lists them as not run, and `--ignored` runs them. With
//! `SAFE_CONTACT_TEST_STORE=postgres` every other test of the endpoint runs on PostgreSQL too.

use std::path::Path;

use tokio::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use safe_contact_endpoint::config::Database;
use safe_contact_endpoint::Config;

use super::{config_toml_on, new_uuid};

/// Limits high enough that only the behaviour under test can refuse a request.
pub const OPEN_LIMITS: &str = "[rate_limit]\nper_client_per_hour = 1000000\nper_landlord_per_hour = 1000000\nglobal_per_hour = 1000000";

/// Tests that restart the test server, or change how the whole process reaches PostgreSQL,
/// hold this alone; every other test on the server holds it shared. They share one process, so
/// no test meets a server that is going down under it.
static SERVER: RwLock<()> = RwLock::const_new(());

/// A new, empty database on the test server, and a shared hold on the server for as long as
/// the test keeps it. Without a server the test fails: it never passes by doing nothing.
pub async fn new_database() -> (String, RwLockReadGuard<'static, ()>) {
    let hold = SERVER.read().await;
    (
        database_named(&format!("t_{}", new_uuid().replace('-', "_"))),
        hold,
    )
}

/// As [`new_database`], with the server held alone, for a test that restarts it or sets a
/// variable every connection reads.
pub async fn new_database_alone() -> (String, RwLockWriteGuard<'static, ()>) {
    let hold = SERVER.write().await;
    (
        database_named(&format!("t_{}", new_uuid().replace('-', "_"))),
        hold,
    )
}

/// The database `name` on the test server, made if it is not there yet.
fn database_named(name: &str) -> String {
    // The endpoint logs why a database call failed (codes only); the test output shows it.
    let _ = tracing_subscriber::fmt().with_test_writer().try_init();
    let admin = std::env::var("SAFE_CONTACT_TEST_POSTGRES")
        .expect("SAFE_CONTACT_TEST_POSTGRES is not set: scripts/postgres.sh start gives it");
    std::env::set_var(SECRET_VAR, "5a".repeat(32));
    let psql = |sql: &str| {
        let out = std::process::Command::new("psql")
            .args([&admin, "-qtAXc", sql])
            .output()
            .expect("psql runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    if psql(&format!(
        "SELECT 1 FROM pg_database WHERE datname = '{name}'"
    ))
    .is_empty()
    {
        psql(&format!("CREATE DATABASE {name}"));
    }
    let (server, _) = admin
        .rsplit_once('/')
        .expect("the address ends in a database name");
    format!("{server}/{name}")
}

/// The config's database lines for a test: SQLite in `dir`, or, when the run is on
/// PostgreSQL, a database of `dir`'s own, so every config a test writes for one folder (for
/// the server and for the staff tool) names the same one.
pub fn test_database(dir: &Path) -> String {
    match std::env::var("SAFE_CONTACT_TEST_STORE").as_deref() {
        Ok("postgres") => {
            let folder = super::sha256_hex(&dir.display().to_string());
            postgres_lines(&database_named(&format!("t_{}", &folder[..24])))
        }
        _ => format!("database = \"{}\"", dir.join("requests.db").display()),
    }
}

/// Every instance reads the same client key from here.
pub const SECRET_VAR: &str = "SAFE_CONTACT_TEST_CLIENT_SECRET";

fn postgres_lines(url: &str) -> String {
    format!("database = \"{url}\"\nclient_secret_env = \"{SECRET_VAR}\"")
}

pub fn pg(url: &str) -> Database {
    Database::Postgres(url.to_owned())
}

/// The endpoint's config on the PostgreSQL database `url`, as a file's text.
pub fn postgres_toml(url: &str, extra: &str) -> String {
    config_toml_on(&postgres_lines(url), extra)
}

pub fn postgres_config(dir: &Path, url: &str, extra: &str) -> Config {
    let config = Config::from_toml(&postgres_toml(url, extra), dir).unwrap();
    assert_eq!(config.database, pg(url));
    config
}
