//! For the tests on PostgreSQL, against a real server: `scripts/postgres.sh` starts a
//! throw-away one and `scripts/test.sh` passes its address in `SAFE_CONTACT_TEST_POSTGRES`.
//! Each test makes its own database on it.

use safe_contact_endpoint::config::Database;
use safe_contact_endpoint::store::sql::{self, Db};
use safe_contact_endpoint::store::Store;
use safe_contact_endpoint::Config;

use super::{config_toml, new_uuid};

/// Limits high enough that only the behaviour under test can refuse a request.
pub const OPEN_LIMITS: &str = "[rate_limit]\nper_client_per_hour = 1000000\nper_landlord_per_hour = 1000000\nglobal_per_hour = 1000000";

/// A new, empty database on the test server, or `None` (and a note) when there is no server.
/// `scripts/test.sh` sets `SAFE_CONTACT_REQUIRE_POSTGRES`, so there a missing server fails.
pub fn new_database() -> Option<String> {
    // The endpoint logs why a database call failed (codes only); the test output shows it.
    let _ = tracing_subscriber::fmt().with_test_writer().try_init();
    let Ok(admin) = std::env::var("SAFE_CONTACT_TEST_POSTGRES") else {
        assert!(
            std::env::var_os("SAFE_CONTACT_REQUIRE_POSTGRES").is_none(),
            "SAFE_CONTACT_TEST_POSTGRES is not set: scripts/postgres.sh start gives it"
        );
        eprintln!("no PostgreSQL server given (SAFE_CONTACT_TEST_POSTGRES): skipped");
        return None;
    };
    std::env::set_var(SECRET_VAR, "5a".repeat(32));
    let name = format!("t_{}", new_uuid().replace('-', "_"));
    let made = std::process::Command::new("psql")
        .args([&admin, "-qXc", &format!("CREATE DATABASE {name}")])
        .output()
        .expect("psql runs");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let (server, _) = admin
        .rsplit_once('/')
        .expect("the address ends in a database name");
    Some(format!("{server}/{name}"))
}

/// The endpoint's config on the PostgreSQL database `url`, as a file's text.
pub fn postgres_toml(dir: &std::path::Path, url: &str, extra: &str) -> String {
    let sqlite_line = format!("database = \"{}\"", dir.join("requests.db").display());
    config_toml(dir, extra).replace(
        &sqlite_line,
        &format!("database = \"{url}\"\nclient_secret_env = \"{SECRET_VAR}\""),
    )
}

/// Every instance reads the same client key from here.
pub const SECRET_VAR: &str = "SAFE_CONTACT_TEST_CLIENT_SECRET";

pub fn postgres_config(dir: &std::path::Path, url: &str, extra: &str) -> Config {
    let config = Config::from_toml(&postgres_toml(dir, url, extra), dir).unwrap();
    assert_eq!(config.database, Database::Postgres(url.to_owned()));
    config
}

pub async fn query<R: Send + 'static>(
    url: &str,
    work: impl FnOnce(&mut Db<'_>) -> sql::Result<R> + Send + 'static,
) -> R {
    let store = Store::open(&Database::Postgres(url.to_owned()))
        .await
        .unwrap();
    store.with_db(work).await.unwrap()
}

pub async fn count(url: &str, sql: &'static str) -> i64 {
    query(url, move |db| db.query_one(sql, &[])?.unwrap().get(0)).await
}
