//! The PostgreSQL store, for several instances sharing one database.
//!
//! Each request is one `INSERT … ON CONFLICT DO NOTHING` in its own transaction: PostgreSQL
//! makes a second insert with the same idempotency key or request id wait for the first to
//! commit and then do nothing, so two instances given the same request at once store it once.
//! Every session runs with `synchronous_commit = on`, so an insert has reached the disk (the
//! server's WAL) before it returns and the 201 goes out. Losing the server, or a fail-over,
//! fails the request with [`StoreError`] (503 with Retry-After); a connection that failed or
//! hung is closed, and the pool makes new ones as requests come.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod};
use tokio::runtime::Handle;
use tokio::time::timeout;
use tokio_postgres_rustls::MakeRustlsConnect;

use super::sql::{self, Db};
use super::{Backend, Content, Earlier, NewRequest, StoreError, Submitted};

/// Connections per instance. Two instances on a two-core machine keep the server busy with
/// this many; more only queue inside PostgreSQL.
const POOL_SIZE: usize = 16;
/// Connections per instance for the shared counters: one statement each, quickly done.
const COUNTER_POOL_SIZE: usize = 4;
/// How long a request waits for a connection, or for a new one to be made, before it gets 503.
const WAIT: Duration = Duration::from_secs(5);
/// How long one call may take before its connection is given up as hung: a server gone
/// without a word (a pulled cable, a fail-over) must not hold requests until the TCP timeout.
const QUERY_WAIT: Duration = Duration::from_secs(5);

/// Taken while migrating, so instances starting together migrate one at a time.
const MIGRATION_LOCK: i64 = 0x005a_fec0_0001;

/// The versioned migrations, in order. A database records the ones applied in
/// `schema_migrations`; a new version of the endpoint appends steps and never edits old ones.
/// Version 1 is the schema SQLite reached at its own version 3. `rowid` is an identity
/// column so that statements written once order rows the same way on both databases.
const MIGRATIONS: &[(i32, &str)] = &[
    (
        1,
        "CREATE TABLE requests (
    rowid BIGINT GENERATED ALWAYS AS IDENTITY,
    landlord TEXT NOT NULL,
    request_id TEXT NOT NULL,
    idempotency_key_hash BYTEA NOT NULL UNIQUE,
    body_hash BYTEA NOT NULL,
    request TEXT,
    key_id TEXT,
    enc BYTEA,
    ciphertext BYTEA,
    status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'contacted', 'closed')),
    outcome TEXT CHECK (outcome IN ('spoke_safely', 'could_not_reach', 'withdrew', 'referred_on')),
    received_at BIGINT NOT NULL,
    status_at BIGINT NOT NULL,
    PRIMARY KEY (landlord, request_id),
    CHECK (CASE WHEN request IS NULL
        THEN key_id IS NOT NULL AND enc IS NOT NULL AND ciphertext IS NOT NULL
        ELSE key_id IS NULL AND enc IS NULL AND ciphertext IS NULL END)
);
CREATE INDEX requests_by_status ON requests (landlord, status, received_at);
CREATE TABLE audit (
    rowid BIGINT GENERATED ALWAYS AS IDENTITY,
    at BIGINT NOT NULL,
    landlord TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    request_id TEXT,
    subject TEXT
);
CREATE INDEX audit_by_landlord ON audit (landlord, at);
CREATE TABLE members (
    member_id TEXT PRIMARY KEY,
    landlord TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('officer', 'lead')),
    proof_hash TEXT NOT NULL,
    public_key TEXT NOT NULL,
    wrapped_key TEXT NOT NULL,
    totp_secret BYTEA NOT NULL,
    totp_last_step BIGINT,
    created_at BIGINT NOT NULL
);
CREATE TABLE invites (
    token_sha256 BYTEA PRIMARY KEY,
    landlord TEXT NOT NULL,
    email TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('officer', 'lead')),
    totp_secret BYTEA NOT NULL,
    expires_at BIGINT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE TABLE grants (
    member_id TEXT NOT NULL,
    key_id TEXT NOT NULL,
    \"grant\" TEXT NOT NULL,
    granted_by TEXT NOT NULL,
    granted_at BIGINT NOT NULL,
    PRIMARY KEY (member_id, key_id)
);
CREATE TABLE sessions (
    token_sha256 BYTEA PRIMARY KEY,
    member_id TEXT NOT NULL,
    csrf TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen BIGINT NOT NULL
);",
    ),
    // Version 2: what several instances must share. The landlord and global rate limits are
    // token buckets kept here (the global one under the scope '*'), and each kind of notice
    // records when any instance last sent it. Neither holds anything about a client.
    (
        2,
        "CREATE TABLE rate_buckets (
    scope TEXT PRIMARY KEY,
    tokens DOUBLE PRECISION NOT NULL,
    updated_ms BIGINT NOT NULL
);
CREATE TABLE notices (
    landlord TEXT NOT NULL,
    kind TEXT NOT NULL,
    sent_ms BIGINT NOT NULL,
    PRIMARY KEY (landlord, kind)
);",
    ),
    // Version 3: sign-in that nobody can jam, as SQLite's version 4 (see there). Failed
    // sign-ins are counted here so that every instance counts them together.
    (
        3,
        "CREATE TABLE known_devices (
    token_sha256 BYTEA NOT NULL,
    member_id TEXT NOT NULL,
    first_used BIGINT NOT NULL,
    last_used BIGINT NOT NULL,
    PRIMARY KEY (token_sha256, member_id)
);
CREATE TABLE sign_in_failures (
    scope BYTEA NOT NULL,
    attempt BYTEA NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (scope, attempt)
);",
    ),
    // Version 4: key scheme 2, as SQLite's version 5 (see there): every member enrolled before
    // is listed until their browser re-wraps their key.
    (
        4,
        "CREATE TABLE older_member_keys (member_id TEXT PRIMARY KEY);
INSERT INTO older_member_keys (member_id) SELECT member_id FROM members;",
    ),
    // Version 5: passkeys, as SQLite's version 6 (see there).
    (
        5,
        "CREATE TABLE passkeys (
    passkey_id TEXT PRIMARY KEY,
    member_id TEXT NOT NULL,
    credential_id BYTEA NOT NULL UNIQUE,
    transports BIGINT NOT NULL,
    static_state BYTEA NOT NULL,
    dynamic_state BYTEA NOT NULL,
    binding BYTEA NOT NULL,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT
);
CREATE INDEX passkeys_by_member ON passkeys (member_id);
CREATE TABLE passkey_challenges (
    challenge BYTEA PRIMARY KEY,
    expires_at BIGINT NOT NULL
);
CREATE TABLE landlord_settings (
    landlord TEXT PRIMARY KEY,
    require_passkeys BIGINT NOT NULL DEFAULT 0 CHECK (require_passkeys IN (0, 1)),
    changed_by TEXT NOT NULL,
    changed_at BIGINT NOT NULL
);
ALTER TABLE sessions ADD COLUMN factor TEXT NOT NULL DEFAULT 'totp' CHECK (factor IN ('totp', 'passkey'));",
    ),
    // Version 6: invite and session rows bound to the pepper, as SQLite's version 7 (see
    // there). Rows made before have no binding and go.
    (
        6,
        "ALTER TABLE invites ADD COLUMN binding BYTEA NOT NULL DEFAULT '\\x'::bytea;
ALTER TABLE sessions ADD COLUMN binding BYTEA NOT NULL DEFAULT '\\x'::bytea;
DELETE FROM invites;
DELETE FROM sessions;",
    ),
];

#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
    /// For the shared rate limits and notices only: `synchronous_commit = off`, since losing
    /// the last moment of a counter in a crash costs nothing, and a request's own commit should
    /// not wait behind them.
    counters: Pool,
    runtime: Handle,
    /// Scopes whose bucket row this instance has made sure exists.
    buckets: Arc<Mutex<HashSet<String>>>,
}

/// The database's clock in milliseconds: one clock for every instance, however theirs drift.
const DB_NOW_MS: &str = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint";

/// The global bucket's scope; a landlord id is never `*`.
pub const GLOBAL_SCOPE: &str = "*";

/// A shared bucket's level just before a take.
pub struct Level {
    pub global: bool,
    pub tokens: f64,
}

impl PgStore {
    pub async fn open(url: &str) -> Result<PgStore, String> {
        let config: tokio_postgres::Config = url
            .parse()
            .map_err(|_| "the PostgreSQL address cannot be read".to_owned())?;
        // Per session, whatever the server's default: the 201 rests on it.
        let pool = new_pool(config.clone(), "-c synchronous_commit=on", POOL_SIZE)?;
        let counters = new_pool(config, "-c synchronous_commit=off", COUNTER_POOL_SIZE)?;
        let store = PgStore {
            pool,
            counters,
            runtime: Handle::current(),
            buckets: Arc::default(),
        };
        let mut client = store
            .pool
            .get()
            .await
            .map_err(|e| format!("cannot connect to PostgreSQL: {}", pool_error(&e)))?;
        migrate(&mut client)
            .await
            .map_err(|e| {
                format!(
                    "cannot bring the PostgreSQL schema up to date: {}",
                    sql::Error::from(e)
                )
            })?
            .map_err(|version| {
                format!("the database was written by a newer version of the endpoint (schema {version})")
            })?;
        Ok(store)
    }

    /// Takes one token from the landlord's bucket and one from the global bucket, or from
    /// neither, for every instance at once: one statement locks both rows (in the same order
    /// everywhere), refills them for the time gone by and takes only if both have a token.
    /// Returns both levels before the take, and whether it happened.
    async fn take_tokens(
        &self,
        landlord: &str,
        per_landlord: u32,
        global: u32,
    ) -> Result<(bool, Vec<Level>), StoreError> {
        let client = connection(&self.counters).await?;
        let (landlord_cap, global_cap) = (f64::from(per_landlord), f64::from(global));
        let result = timeout(QUERY_WAIT, async {
            let known = self
                .buckets
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .contains(landlord);
            if !known {
                client
                    .execute(
                        &format!(
                            "INSERT INTO rate_buckets (scope, tokens, updated_ms)
                             VALUES ('*', $3, {DB_NOW_MS}), ($1, $2, {DB_NOW_MS}) ON CONFLICT DO NOTHING"
                        ),
                        &[&landlord, &landlord_cap, &global_cap],
                    )
                    .await?;
                self.buckets
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(landlord.to_owned());
            }
            let stmt = client
                .prepare_cached(&format!(
                    "WITH now AS (SELECT {DB_NOW_MS} AS ms),
                     locked AS (
                         SELECT scope, tokens, updated_ms,
                                CASE WHEN scope = '*' THEN $3::float8 ELSE $2::float8 END AS cap
                         FROM rate_buckets WHERE scope IN ('*', $1) ORDER BY scope FOR UPDATE
                     ),
                     levels AS (
                         SELECT scope, LEAST(cap, tokens + GREATEST(0, now.ms - updated_ms) * cap / 3600000.0) AS level
                         FROM locked, now
                     ),
                     verdict AS (SELECT count(*) = 2 AND bool_and(level >= 1) AS ok FROM levels)
                     UPDATE rate_buckets r
                     SET tokens = l.level - CASE WHEN v.ok THEN 1 ELSE 0 END,
                         updated_ms = GREATEST(r.updated_ms, now.ms)
                     FROM levels l, verdict v, now
                     WHERE r.scope = l.scope
                     RETURNING r.scope, l.level, v.ok"
                ))
                .await?;
            client
                .query(&stmt, &[&landlord, &landlord_cap, &global_cap])
                .await
        })
        .await;
        let result = settle(client, result)?;
        if result.len() < 2 {
            // A bucket row is gone (a restore, a hand-made TRUNCATE): made again next time.
            self.buckets
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(landlord);
        }
        let ok = result.len() == 2 && result.iter().all(|r| r.get::<_, bool>(2));
        let levels = result
            .iter()
            .map(|r| Level {
                global: r.get::<_, &str>(0) == GLOBAL_SCOPE,
                tokens: r.get(1),
            })
            .collect();
        Ok((ok, levels))
    }

    /// Claims the sending of a notice of `kind` for `landlord`, unless any instance sent one
    /// within `every`. On a refusal, says how long ago the last one went.
    async fn claim(
        &self,
        landlord: &str,
        kind: &str,
        every: Duration,
    ) -> Result<Result<(), Duration>, StoreError> {
        let client = connection(&self.counters).await?;
        let every_ms = i64::try_from(every.as_millis()).unwrap_or(i64::MAX);
        let row = timeout(QUERY_WAIT, client.query_one(
                &format!(
                    "WITH now AS (SELECT {DB_NOW_MS} AS ms),
                     claimed AS (
                         INSERT INTO notices AS n (landlord, kind, sent_ms)
                         SELECT $1, $2, now.ms FROM now
                         ON CONFLICT (landlord, kind) DO UPDATE SET sent_ms = excluded.sent_ms
                         WHERE n.sent_ms <= excluded.sent_ms - $3
                         RETURNING sent_ms
                     )
                     SELECT (SELECT count(*) FROM claimed),
                            now.ms - COALESCE((SELECT sent_ms FROM notices WHERE landlord = $1 AND kind = $2), now.ms)
                     FROM now"
                ),
                &[&landlord, &kind, &every_ms],
            ))
            .await;
        let row = settle(client, row)?;
        let (claimed, ago): (i64, i64) = (row.get(0), row.get(1));
        Ok(if claimed == 1 {
            Ok(())
        } else {
            Err(Duration::from_millis(ago.max(0) as u64))
        })
    }

    async fn client(&self) -> Result<Object, StoreError> {
        connection(&self.pool).await
    }
}

impl Backend for PgStore {
    async fn take_shared(
        &self,
        landlord: &str,
        per_landlord: u32,
        global: u32,
    ) -> Option<Result<(bool, Vec<Level>), StoreError>> {
        Some(self.take_tokens(landlord, per_landlord, global).await)
    }

    async fn claim_notice(
        &self,
        landlord: &str,
        kind: &str,
        every: Duration,
    ) -> Option<Result<Result<(), Duration>, StoreError>> {
        Some(self.claim(landlord, kind, every).await)
    }

    async fn earlier(&self, key_hash: [u8; 32]) -> Result<Option<Earlier>, StoreError> {
        let client = self.client().await?;
        let row = timeout(QUERY_WAIT, async {
            let stmt = client
                .prepare_cached(
                    "SELECT landlord, request_id, body_hash FROM requests WHERE idempotency_key_hash = $1",
                )
                .await?;
            client.query_opt(&stmt, &[&&key_hash[..]]).await
        })
        .await;
        let row = settle(client, row)?;
        row.map(|row| {
            Ok(Earlier {
                landlord: row.try_get(0).map_err(failed)?,
                request_id: row.try_get(1).map_err(failed)?,
                body_hash: hash(row.try_get(2).map_err(failed)?)?,
            })
        })
        .transpose()
    }

    async fn submit(&self, r: NewRequest) -> Result<Submitted, StoreError> {
        let client = self.client().await?;
        let (request, key_id, enc, ciphertext) = match &r.content {
            Content::Plain(json) => (Some(json.as_str()), None, None, None),
            Content::Sealed {
                key_id,
                enc,
                ciphertext,
            } => (
                None,
                Some(key_id.as_str()),
                Some(enc.as_slice()),
                Some(ciphertext.as_slice()),
            ),
        };
        let outcome = timeout(QUERY_WAIT, async {
            let insert = client
                .prepare_cached(
                    "INSERT INTO requests (landlord, request_id, idempotency_key_hash, body_hash, request, key_id, enc, ciphertext, received_at, status_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) ON CONFLICT DO NOTHING",
                )
                .await?;
            let by_key = client
                .prepare_cached("SELECT body_hash FROM requests WHERE idempotency_key_hash = $1")
                .await?;
            let by_id = client
                .prepare_cached(
                    "SELECT body_hash FROM requests WHERE landlord = $1 AND request_id = $2",
                )
                .await?;
            // The row that blocked an insert may be purged before it is read; then the insert
            // is tried again, once.
            for _ in 0..2 {
                let inserted = client
                    .execute(
                        &insert,
                        &[
                            &r.landlord,
                            &r.request_id,
                            &&r.key_hash[..],
                            &&r.body_hash[..],
                            &request,
                            &key_id,
                            &enc,
                            &ciphertext,
                            &r.received_at,
                        ],
                    )
                    .await?;
                if inserted == 1 {
                    return Ok(Some(Submitted::Created));
                }
                if let Some(row) = client.query_opt(&by_key, &[&&r.key_hash[..]]).await? {
                    let stored: &[u8] = row.try_get(0)?;
                    return Ok(Some(if stored == r.body_hash {
                        Submitted::Replayed
                    } else {
                        Submitted::KeyReused
                    }));
                }
                if let Some(row) = client
                    .query_opt(&by_id, &[&r.landlord, &r.request_id])
                    .await?
                {
                    let stored: &[u8] = row.try_get(0)?;
                    return Ok(Some(if stored == r.body_hash {
                        Submitted::Replayed
                    } else {
                        Submitted::RequestIdReused
                    }));
                }
            }
            Ok::<_, tokio_postgres::Error>(None)
        })
        .await;
        settle(client, outcome)?.ok_or_else(|| {
            tracing::error!("a request was neither stored nor found after two tries");
            StoreError
        })
    }

    async fn with_db<R, F>(&self, f: F) -> Result<R, StoreError>
    where
        F: FnOnce(&mut Db<'_>) -> sql::Result<R> + Send + 'static,
        R: Send + 'static,
    {
        let client = Lent(Some(self.client().await?));
        let runtime = self.runtime.clone();
        tokio::task::spawn_blocking(move || {
            let mut client = client;
            let done = f(&mut Db::Postgres {
                client: client.0.as_ref().expect("lent until dropped"),
                runtime,
            });
            done.map_err(|e| {
                if let sql::Error::Postgres(e) = &e {
                    if broken(e) {
                        client.close();
                    }
                }
                tracing::error!(error = %e, "database operation failed");
                StoreError
            })
        })
        .await
        .map_err(|_| StoreError)?
    }
}

/// A connection lent to blocking work. If the work panics, perhaps part-way through a
/// transaction, the connection is closed instead of going back to the pool, where the next
/// request's insert would run inside that transaction.
struct Lent(Option<Object>);

impl Lent {
    fn close(&mut self) {
        if let Some(client) = self.0.take() {
            drop(Object::take(client));
        }
    }
}

impl Drop for Lent {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.close();
        }
    }
}

async fn connection(pool: &Pool) -> Result<Object, StoreError> {
    pool.get().await.map_err(|e| {
        tracing::error!(error = %pool_error(&e), "no PostgreSQL connection");
        StoreError
    })
}

/// The end of a call made within [`QUERY_WAIT`]. A connection that timed out, or failed so as
/// to be useless, is closed rather than put back, so the next request gets a fresh one.
fn settle<T>(
    client: Object,
    outcome: Result<Result<T, tokio_postgres::Error>, tokio::time::error::Elapsed>,
) -> Result<T, StoreError> {
    match outcome {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => {
            if broken(&e) {
                drop(Object::take(client));
            }
            Err(failed(e))
        }
        Err(_) => {
            drop(Object::take(client));
            tracing::error!("PostgreSQL did not answer in time");
            Err(StoreError)
        }
    }
}

/// Closed, gone (SQLSTATE class 08), shutting down (57P) or read-only (25006: after a
/// fail-over, a connection that still reaches the old primary, now a standby).
fn broken(e: &tokio_postgres::Error) -> bool {
    e.is_closed()
        || e.code().is_some_and(|c| {
            let c = c.code();
            c.starts_with("08") || c.starts_with("57P") || c == "25006"
        })
}

/// Applies the migrations this database lacks. `Err(version)` if a newer endpoint has taken it
/// past the last one known here: it is left as it is.
async fn migrate(
    client: &mut deadpool_postgres::Object,
) -> Result<Result<(), i32>, tokio_postgres::Error> {
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await?;
    // Only when missing: even IF NOT EXISTS needs the right to create, which a role that only
    // runs the service may lack.
    let exists: bool = tx
        .query_one("SELECT to_regclass('schema_migrations') IS NOT NULL", &[])
        .await?
        .get(0);
    if !exists {
        tx.batch_execute(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)",
        )
        .await?;
    }
    let applied: Option<i32> = tx
        .query_one("SELECT max(version) FROM schema_migrations", &[])
        .await?
        .get(0);
    let applied = applied.unwrap_or(0);
    if MIGRATIONS.iter().all(|(v, _)| *v < applied) {
        return Ok(Err(applied));
    }
    for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > applied) {
        tx.batch_execute(sql).await?;
        tx.execute(
            "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
            &[version, &crate::clock::unix_now()],
        )
        .await?;
    }
    tx.commit().await.map(Ok)
}

fn new_pool(
    mut config: tokio_postgres::Config,
    options: &str,
    size: usize,
) -> Result<Pool, String> {
    config.options(options);
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(WAIT);
    }
    // Unless the address says otherwise, a dead server is noticed within seconds, not the
    // kernel's two hours of keepalive or fifteen minutes of retransmission.
    if config.get_tcp_user_timeout().is_none() {
        config.tcp_user_timeout(Duration::from_secs(10));
    }
    if config.get_keepalives_idle() == Duration::from_secs(2 * 60 * 60) {
        config
            .keepalives_idle(Duration::from_secs(30))
            .keepalives_interval(Duration::from_secs(10))
            .keepalives_retries(3);
    }
    let manager = Manager::from_config(
        config,
        tls()?,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    Pool::builder(manager)
        .max_size(size)
        .wait_timeout(Some(WAIT))
        .create_timeout(Some(WAIT))
        .recycle_timeout(Some(WAIT))
        .runtime(deadpool_postgres::Runtime::Tokio1)
        .build()
        .map_err(|e| format!("cannot set up the PostgreSQL pool: {e}"))
}

/// TLS as `sslmode` in the address asks. rustls always checks the server's certificate and
/// name, so `sslmode=require` here is libpq's `verify-full`. A server with a certificate from a
/// private CA is trusted through `PGSSLROOTCERT`, libpq's own variable for that file.
fn tls() -> Result<MakeRustlsConnect, String> {
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    match std::env::var_os("PGSSLROOTCERT") {
        Some(file) => {
            for cert in rustls::pki_types::CertificateDer::pem_file_iter(&file)
                .map_err(|e| format!("cannot read PGSSLROOTCERT: {e}"))?
            {
                let cert = cert.map_err(|e| format!("cannot read PGSSLROOTCERT: {e}"))?;
                roots.add(cert).map_err(|e| {
                    format!("PGSSLROOTCERT holds a certificate rustls refuses: {e}")
                })?;
            }
        }
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("cannot set up TLS for PostgreSQL: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(MakeRustlsConnect::new(config))
}

fn hash(bytes: &[u8]) -> Result<[u8; 32], StoreError> {
    bytes.try_into().map_err(|_| {
        tracing::error!("a stored hash is not 32 bytes");
        StoreError
    })
}

fn failed(e: tokio_postgres::Error) -> StoreError {
    tracing::error!(error = %sql::Error::from(e), "saving or reading a request failed");
    StoreError
}

fn pool_error(e: &deadpool_postgres::PoolError) -> String {
    match e {
        deadpool_postgres::PoolError::Backend(e) => sql::postgres_error(e),
        deadpool_postgres::PoolError::Timeout(_) => "timed out".into(),
        _ => "the pool is closed".into(),
    }
}
