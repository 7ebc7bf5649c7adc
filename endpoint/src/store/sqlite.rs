//! The SQLite store, the default for one instance: opened for durability, and written by one thread that commits before
//! anyone is told a request was saved.
//!
//! Submissions go to a single writer thread, which takes whatever has queued up and commits it
//! in one transaction: with `synchronous=FULL` every commit waits for the disk, so sharing one
//! commit among concurrent requests keeps throughput up without weakening the promise that a 201
//! means "on disk". One writer also means the idempotency checks and the insert can never race.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use tokio::sync::{mpsc, oneshot};

use super::sql::{self, Db};
use super::{Backend, Content, Earlier, NewRequest, StoreError, Submitted};

/// The schema this code reads and writes, kept in `PRAGMA user_version`.
const VERSION: i64 = 7;

/// A request is either plaintext (`request`, the tidied JSON) or sealed (`key_id`, `enc` and
/// `ciphertext`, exactly as the envelope carried them), never both; the CHECK holds that.
fn requests_table(name: &str) -> String {
    format!(
        "CREATE TABLE {name} (
    landlord TEXT NOT NULL,
    request_id TEXT NOT NULL,
    idempotency_key_hash BLOB NOT NULL UNIQUE,
    body_hash BLOB NOT NULL,
    request TEXT,
    key_id TEXT,
    enc BLOB,
    ciphertext BLOB,
    status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'contacted', 'closed')),
    received_at INTEGER NOT NULL,
    status_at INTEGER NOT NULL,
    PRIMARY KEY (landlord, request_id),
    CHECK (CASE WHEN request IS NULL
        THEN key_id IS NOT NULL AND enc IS NOT NULL AND ciphertext IS NOT NULL
        ELSE key_id IS NULL AND enc IS NULL AND ciphertext IS NULL END)
);"
    )
}

const INDEX: &str = "CREATE INDEX requests_by_status ON requests (landlord, status, received_at);";

const AUDIT: &str = "CREATE TABLE audit (
    at INTEGER NOT NULL,
    landlord TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    request_id TEXT
);";

/// Version 1 held plaintext requests only, with `request` NOT NULL. SQLite cannot relax a
/// column, so the table is rebuilt; `secure_delete` zeroes the old table's pages as it goes.
const FROM_V1: &str = "
INSERT INTO requests_v2 (landlord, request_id, idempotency_key_hash, body_hash, request, status, received_at, status_at)
    SELECT landlord, request_id, idempotency_key_hash, body_hash, request, status, received_at, status_at FROM requests;
DROP TABLE requests;
ALTER TABLE requests_v2 RENAME TO requests;
";

/// Version 3: the staff inbox. Members, one-use invites, grants (a landlord key sealed to a
/// member's public key, which only that member's browser can open) and sessions. Invite and
/// session tokens are stored only as SHA-256, so a copy of the database lets no one in. Audit
/// rows name who acted (`actor`: a member's email, `cli` or `api`) and, for staff changes, whom
/// it was done to (`subject`).
const TO_V3: &str = "
ALTER TABLE requests ADD COLUMN outcome TEXT
    CHECK (outcome IN ('spoke_safely', 'could_not_reach', 'withdrew', 'referred_on'));
ALTER TABLE audit ADD COLUMN subject TEXT;
CREATE TABLE members (
    member_id TEXT PRIMARY KEY,
    landlord TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('officer', 'lead')),
    proof_hash TEXT NOT NULL,
    public_key TEXT NOT NULL,
    wrapped_key TEXT NOT NULL,
    totp_secret BLOB NOT NULL,
    totp_last_step INTEGER,
    created_at INTEGER NOT NULL
);
CREATE TABLE invites (
    token_sha256 BLOB PRIMARY KEY,
    landlord TEXT NOT NULL,
    email TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('officer', 'lead')),
    totp_secret BLOB NOT NULL,
    expires_at INTEGER NOT NULL,
    created_by TEXT NOT NULL
);
CREATE TABLE grants (
    member_id TEXT NOT NULL,
    key_id TEXT NOT NULL,
    grant TEXT NOT NULL,
    granted_by TEXT NOT NULL,
    granted_at INTEGER NOT NULL,
    PRIMARY KEY (member_id, key_id)
);
CREATE TABLE sessions (
    token_sha256 BLOB PRIMARY KEY,
    member_id TEXT NOT NULL,
    csrf TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen INTEGER NOT NULL
);
";

/// Version 4: sign-in that nobody can jam. `known_devices` holds, per member, the SHA-256 of the
/// cookie of each browser that signed in as them, so a copy of the database holds no cookie.
/// `sign_in_failures` has a row for each limit a failed (or still unchecked) sign-in counts
/// against, its `scope` a keyed hash of the account, client or browser, so no email or address
/// is written down; `attempt` ties an attempt's rows together so a success can take them back.
/// The same tables are PostgreSQL's migration 3.
const TO_V4: &str = "
CREATE TABLE known_devices (
    token_sha256 BLOB NOT NULL,
    member_id TEXT NOT NULL,
    first_used INTEGER NOT NULL,
    last_used INTEGER NOT NULL,
    PRIMARY KEY (token_sha256, member_id)
);
CREATE TABLE sign_in_failures (
    scope BLOB NOT NULL,
    attempt BLOB NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (scope, attempt)
);
";

/// Version 5: key scheme 2 (the pepper, and the deployment in the salt). Every member enrolled
/// before has a scheme-1 key, listed here until their browser re-wraps it at their next
/// sign-in. A table of its own, so the members table and every statement on it stay as they
/// were.
const TO_V5: &str = "
CREATE TABLE older_member_keys (member_id TEXT PRIMARY KEY);
INSERT INTO older_member_keys (member_id) SELECT member_id FROM members;
";

/// Version 6: passkeys. A passkey's row holds only its public key and the counters the checks
/// need, none of it secret, and a MAC under a key from the pepper that binds the passkey to its
/// member (`binding`), so that a row written by someone without the pepper signs no one in.
/// `passkey_challenges` holds the challenges of passkey sign-ins
/// already used, until they expire, so a finish cannot be sent twice. `landlord_settings` holds
/// whether a landlord's team must sign in with passkeys. A session says which second factor
/// started it. The same tables are PostgreSQL's migration 5.
const TO_V6: &str = "
CREATE TABLE passkeys (
    passkey_id TEXT PRIMARY KEY,
    member_id TEXT NOT NULL,
    credential_id BLOB NOT NULL UNIQUE,
    transports INTEGER NOT NULL,
    static_state BLOB NOT NULL,
    dynamic_state BLOB NOT NULL,
    binding BLOB NOT NULL,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER
);
CREATE INDEX passkeys_by_member ON passkeys (member_id);
CREATE TABLE passkey_challenges (
    challenge BLOB PRIMARY KEY,
    expires_at INTEGER NOT NULL
);
CREATE TABLE landlord_settings (
    landlord TEXT PRIMARY KEY,
    require_passkeys INTEGER NOT NULL DEFAULT 0 CHECK (require_passkeys IN (0, 1)),
    changed_by TEXT NOT NULL,
    changed_at INTEGER NOT NULL
);
ALTER TABLE sessions ADD COLUMN factor TEXT NOT NULL DEFAULT 'totp' CHECK (factor IN ('totp', 'passkey'));
";

/// Version 7: invite and session rows are bound to the pepper as passkey rows are (`binding`,
/// a MAC under a key from the pepper over what makes the row what it is), so that a row written
/// by someone without the pepper neither hands out a member's pepper nor acts as a member. Rows
/// made before have none and would never check out, so they go: members sign in again and
/// leads send their pending invites again. The same change is PostgreSQL's migration 6.
const TO_V7: &str = "
ALTER TABLE invites ADD COLUMN binding BLOB NOT NULL DEFAULT x'';
ALTER TABLE sessions ADD COLUMN binding BLOB NOT NULL DEFAULT x'';
DELETE FROM invites;
DELETE FROM sessions;
";

/// How long a connection waits for a lock held by another before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Most requests that one commit will carry; bounds the wait of the last one in a batch.
const MAX_BATCH: usize = 64;

/// Opens (creating if needed) the database with the settings the endpoint's promises rest on,
/// and checks they took effect rather than trusting that they did.
pub fn open(path: &Path) -> rusqlite::Result<Connection> {
    let mut conn = Connection::open(path)?;
    restrict_permissions(path);
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // auto_vacuum only takes effect before the first table exists; with it, freed pages leave the
    // file instead of lingering on a free list.
    run_pragma(&conn, "PRAGMA auto_vacuum = FULL")?;
    run_pragma(&conn, "PRAGMA journal_mode = WAL")?;
    // WAL with NORMAL can lose the last commits on power loss; FULL syncs the WAL on each commit.
    run_pragma(&conn, "PRAGMA synchronous = FULL")?;
    // Deleted rows are overwritten with zeros, so a purged request cannot be read back from the file.
    run_pragma(&conn, "PRAGMA secure_delete = ON")?;
    // Sorts and temporary tables stay in memory, so no request is ever copied to a temporary file.
    run_pragma(&conn, "PRAGMA temp_store = MEMORY")?;
    // SQLite reuses a WAL file rather than emptying it, so old pages, deleted requests among
    // them, would stay in it until overwritten; with a limit of 0 it is cut to nothing each time
    // it starts over.
    run_pragma(&conn, "PRAGMA journal_size_limit = 0")?;
    migrate(&mut conn)?;

    let journal: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
    let synchronous: i64 = conn.query_row("PRAGMA synchronous", [], |r| r.get(0))?;
    let secure_delete: i64 = conn.query_row("PRAGMA secure_delete", [], |r| r.get(0))?;
    let temp_store: i64 = conn.query_row("PRAGMA temp_store", [], |r| r.get(0))?;
    let journal_limit: i64 = conn.query_row("PRAGMA journal_size_limit", [], |r| r.get(0))?;
    if journal != "wal"
        || synchronous != 2
        || secure_delete != 1
        || temp_store != 2
        || journal_limit != 0
    {
        return Err(failure(
            "SQLite did not accept journal_mode=WAL, synchronous=FULL, secure_delete=ON, temp_store=MEMORY and journal_size_limit=0",
        ));
    }
    Ok(conn)
}

/// Brings the schema to [`VERSION`]. The check is repeated inside a write transaction, so the
/// server and the staff tool opening the same old file at once cannot both migrate it.
fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let version = |c: &Connection| c.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0));
    if version(conn)? == VERSION {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Each step takes the schema one version on, so any older file reaches VERSION in place.
    let mut at = version(&tx)?;
    if at > VERSION {
        return Err(failure(
            "the database was written by a newer version of the endpoint",
        ));
    }
    if at == 0 {
        tx.execute_batch(&requests_table("requests"))?;
        tx.execute_batch(AUDIT)?;
        tx.execute_batch(INDEX)?;
        at = 2;
    }
    if at == 1 {
        tx.execute_batch(&requests_table("requests_v2"))?;
        tx.execute_batch(FROM_V1)?;
        tx.execute_batch(INDEX)?;
        at = 2;
    }
    if at == 2 {
        tx.execute_batch(TO_V3)?;
        at = 3;
    }
    if at == 3 {
        tx.execute_batch(TO_V4)?;
        at = 4;
    }
    if at == 4 {
        tx.execute_batch(TO_V5)?;
        at = 5;
    }
    if at == 5 {
        tx.execute_batch(TO_V6)?;
        at = 6;
    }
    if at == 6 {
        tx.execute_batch(TO_V7)?;
    }
    tx.pragma_update(None, "user_version", VERSION)?;
    tx.commit()
}

fn failure(message: &str) -> rusqlite::Error {
    rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN),
        Some(message.to_owned()),
    )
}

fn run_pragma(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    // Some pragmas answer with a row and some do not; stepping through handles both.
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query([])?;
    while rows.next()?.is_some() {}
    Ok(())
}

/// Only the endpoint's own user may read the database; SQLite gives the WAL file the same mode.
#[cfg(unix)]
fn restrict_permissions(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
}

#[cfg(not(unix))]
fn restrict_permissions(_: &Path) {}

struct Job {
    request: NewRequest,
    reply: oneshot::Sender<Result<Submitted, StoreError>>,
}

#[derive(Clone)]
pub struct SqliteStore {
    writer: mpsc::Sender<Job>,
    /// For everything other than new submissions: staff reads and changes, retention.
    conn: Arc<Mutex<Connection>>,
    /// Only for looking up idempotency keys, so that a submission never waits behind a staff
    /// read or a retention sweep.
    lookups: Arc<Mutex<Connection>>,
}

impl SqliteStore {
    pub fn open(path: &Path) -> rusqlite::Result<SqliteStore> {
        let writer_conn = open(path)?;
        let conn = open(path)?;
        let lookups = open(path)?;
        let (tx, rx) = mpsc::channel(1024);
        std::thread::Builder::new()
            .name("safe-contact-writer".into())
            .spawn(move || writer_loop(writer_conn, rx))
            .map_err(|_| failure("cannot start the database writer thread"))?;
        Ok(SqliteStore {
            writer: tx,
            conn: Arc::new(Mutex::new(conn)),
            lookups: Arc::new(Mutex::new(lookups)),
        })
    }
}

impl Backend for SqliteStore {
    async fn earlier(&self, key_hash: [u8; 32]) -> Result<Option<Earlier>, StoreError> {
        blocking(&self.lookups, move |db| {
            db.query_one(
                "SELECT landlord, request_id, body_hash FROM requests WHERE idempotency_key_hash = ?1",
                crate::args![&key_hash],
            )?
            .map(|row| {
                Ok(Earlier {
                    landlord: row.get(0)?,
                    request_id: row.get(1)?,
                    body_hash: row
                        .get::<Vec<u8>>(2)?
                        .try_into()
                        .map_err(|_| sql::Error::Invalid("a stored hash is not 32 bytes"))?,
                })
            })
            .transpose()
        })
        .await
    }

    async fn submit(&self, request: NewRequest) -> Result<Submitted, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.writer
            .send(Job { request, reply })
            .await
            .map_err(|_| StoreError)?;
        answer.await.map_err(|_| StoreError)?
    }

    async fn with_db<R, F>(&self, f: F) -> Result<R, StoreError>
    where
        F: FnOnce(&mut Db<'_>) -> sql::Result<R> + Send + 'static,
        R: Send + 'static,
    {
        blocking(&self.conn, f).await
    }
}

/// Runs database work on `conn` off the async threads.
async fn blocking<R, F>(conn: &Arc<Mutex<Connection>>, f: F) -> Result<R, StoreError>
where
    F: FnOnce(&mut Db<'_>) -> sql::Result<R> + Send + 'static,
    R: Send + 'static,
{
    let conn = Arc::clone(conn);
    tokio::task::spawn_blocking(move || {
        let conn = conn.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut Db::Sqlite(&conn)).map_err(|e| {
            tracing::error!(error = %e, "database operation failed");
            StoreError
        })
    })
    .await
    .map_err(|_| StoreError)?
}

fn writer_loop(mut conn: Connection, mut rx: mpsc::Receiver<Job>) {
    while let Some(first) = rx.blocking_recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        match write_batch(&mut conn, &batch) {
            Ok(outcomes) => {
                for (job, outcome) in batch.into_iter().zip(outcomes) {
                    // The client may have gone; the request is saved all the same and a retry will find it.
                    let _ = job.reply.send(Ok(outcome));
                }
            }
            // One bad job must not sink the others that shared its commit: retry them one by one.
            Err(_) if batch.len() > 1 => {
                for job in batch {
                    let result = write_batch(&mut conn, std::slice::from_ref(&job));
                    let _ = job
                        .reply
                        .send(result.map(|mut o| o.remove(0)).map_err(log_write_error));
                }
            }
            Err(e) => {
                let err = log_write_error(e);
                for job in batch {
                    let _ = job.reply.send(Err(err));
                }
            }
        }
    }
}

fn log_write_error(e: rusqlite::Error) -> StoreError {
    // The code says what went wrong (disk full, I/O error) without any of the values involved.
    tracing::error!(code = ?e.sqlite_error_code(), "saving a request failed");
    StoreError
}

fn write_batch(conn: &mut Connection, batch: &[Job]) -> rusqlite::Result<Vec<Submitted>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let outcomes = batch
        .iter()
        .map(|job| write_one(&tx, &job.request))
        .collect::<rusqlite::Result<Vec<_>>>()?;
    tx.commit()?;
    Ok(outcomes)
}

fn write_one(tx: &Transaction<'_>, r: &NewRequest) -> rusqlite::Result<Submitted> {
    let by_key: Option<Vec<u8>> = tx
        .query_row(
            "SELECT body_hash FROM requests WHERE idempotency_key_hash = ?1",
            [&r.key_hash[..]],
            |row| row.get(0),
        )
        .optional()?;
    if let Some(body_hash) = by_key {
        return Ok(if body_hash == r.body_hash {
            Submitted::Replayed
        } else {
            Submitted::KeyReused
        });
    }
    // A widget that lost its key but kept its request id is sending the same request again.
    let by_id: Option<Vec<u8>> = tx
        .query_row(
            "SELECT body_hash FROM requests WHERE landlord = ?1 AND request_id = ?2",
            params![r.landlord, r.request_id],
            |row| row.get(0),
        )
        .optional()?;
    if let Some(body_hash) = by_id {
        return Ok(if body_hash == r.body_hash {
            Submitted::Replayed
        } else {
            Submitted::RequestIdReused
        });
    }
    let (request, key_id, enc, ciphertext) = match &r.content {
        Content::Plain(json) => (Some(json), None, None, None),
        Content::Sealed {
            key_id,
            enc,
            ciphertext,
        } => (None, Some(key_id), Some(enc), Some(ciphertext)),
    };
    tx.execute(
        "INSERT INTO requests (landlord, request_id, idempotency_key_hash, body_hash, request, key_id, enc, ciphertext, received_at, status_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
        params![r.landlord, r.request_id, &r.key_hash[..], &r.body_hash[..], request, key_id, enc, ciphertext, r.received_at],
    )?;
    Ok(Submitted::Created)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(key: u8, body: u8, id: &str) -> NewRequest {
        NewRequest {
            landlord: "livin".into(),
            request_id: id.into(),
            key_hash: [key; 32],
            body_hash: [body; 32],
            content: Content::Plain("{}".into()),
            received_at: 1,
        }
    }

    #[tokio::test]
    async fn idempotency_outcomes() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("t.db")).unwrap();
        assert_eq!(
            store.submit(req(1, 1, "a")).await.unwrap(),
            Submitted::Created
        );
        assert_eq!(
            store.submit(req(1, 1, "a")).await.unwrap(),
            Submitted::Replayed
        );
        assert_eq!(
            store.submit(req(1, 2, "a")).await.unwrap(),
            Submitted::KeyReused
        );
        assert_eq!(
            store.submit(req(2, 1, "a")).await.unwrap(),
            Submitted::Replayed
        );
        assert_eq!(
            store.submit(req(3, 3, "a")).await.unwrap(),
            Submitted::RequestIdReused
        );
        assert_eq!(
            store.submit(req(4, 4, "b")).await.unwrap(),
            Submitted::Created
        );
        let n: i64 = open(&dir.path().join("t.db"))
            .unwrap()
            .query_row("SELECT count(*) FROM requests", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 2);
    }

    /// The schema as version 1 wrote it, to prove an existing database moves to the new one.
    const V1: &str = "
CREATE TABLE requests (
    landlord TEXT NOT NULL,
    request_id TEXT NOT NULL,
    idempotency_key_hash BLOB NOT NULL UNIQUE,
    body_hash BLOB NOT NULL,
    request TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'contacted', 'closed')),
    received_at INTEGER NOT NULL,
    status_at INTEGER NOT NULL,
    PRIMARY KEY (landlord, request_id)
);
CREATE INDEX requests_by_status ON requests (landlord, status, received_at);
CREATE TABLE audit (at INTEGER NOT NULL, landlord TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, request_id TEXT);
INSERT INTO requests VALUES ('livin', 'a', x'0101010101010101010101010101010101010101010101010101010101010101', x'0202020202020202020202020202020202020202020202020202020202020202', '{\"old\":true}', 'contacted', 5, 6);
INSERT INTO audit VALUES (6, 'livin', 'api', 'read', 'a');
PRAGMA user_version = 1;
";

    #[tokio::test]
    async fn version_1_database_is_migrated_with_its_rows() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        Connection::open(&path).unwrap().execute_batch(V1).unwrap();
        let store = SqliteStore::open(&path).unwrap();
        let sealed = NewRequest {
            content: Content::Sealed {
                key_id: "livin-1".into(),
                enc: vec![7; 32],
                ciphertext: vec![8; 4112],
            },
            ..req(9, 9, "b")
        };
        assert_eq!(store.submit(sealed).await.unwrap(), Submitted::Created);
        assert_eq!(
            store.submit(req(1, 2, "c")).await.unwrap(),
            Submitted::Replayed
        );
        assert_eq!(
            store.submit(req(1, 3, "c")).await.unwrap(),
            Submitted::KeyReused
        );
        let c = open(&path).unwrap();
        let (version, old, kinds, audit): (i64, String, String, i64) = (
                    c.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap(),
                    c.query_row(
                        "SELECT request || status || received_at || status_at FROM requests WHERE request_id = 'a'",
                        [],
                        |r| r.get(0),
                    ).unwrap(),
                    c.query_row(
                        "SELECT group_concat(coalesce(key_id, 'plain'), ',') FROM (SELECT key_id FROM requests ORDER BY request_id)",
                        [],
                        |r| r.get(0),
                    ).unwrap(),
                    c.query_row("SELECT count(*) FROM audit", [], |r| r.get(0)).unwrap(),
                );

        assert_eq!(version, VERSION);
        assert_eq!(old, "{\"old\":true}contacted56");
        assert_eq!(kinds, "plain,livin-1");
        assert_eq!(audit, 1);
        // A row must be one kind or the other.
        let both = c.execute(
            "INSERT INTO requests (landlord, request_id, idempotency_key_hash, body_hash, request, key_id, received_at, status_at)
             VALUES ('livin', 'x', x'09', x'09', '{}', 'k', 1, 1)",
            [],
        );
        assert!(both.is_err());
        drop(c);
        drop(store);
        let newer = dir.path().join("newer.db");
        Connection::open(&newer)
            .unwrap()
            .execute_batch(&format!("PRAGMA user_version = {}", VERSION + 1))
            .unwrap();
        assert!(open(&newer).is_err());
    }

    #[test]
    fn version_2_database_gains_the_staff_tables_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let v2 = Connection::open(&path).unwrap();
        v2.execute_batch(&requests_table("requests")).unwrap();
        v2.execute_batch(AUDIT).unwrap();
        v2.execute_batch(INDEX).unwrap();
        v2.execute_batch(
            "INSERT INTO requests (landlord, request_id, idempotency_key_hash, body_hash, request, status, received_at, status_at)
             VALUES ('livin', 'a', x'01', x'02', '{}', 'closed', 5, 6);
             INSERT INTO audit VALUES (6, 'livin', 'api', 'purge', 'b');
             PRAGMA user_version = 2;",
        )
        .unwrap();
        drop(v2);
        let conn = open(&path).unwrap();
        let (version, outcome, subject, tables): (i64, Option<String>, Option<String>, i64) = conn
            .query_row(
                "SELECT (SELECT user_version FROM pragma_user_version),
                        (SELECT outcome FROM requests WHERE request_id = 'a'),
                        (SELECT subject FROM audit),
                        (SELECT count(*) FROM sqlite_master WHERE name IN ('members', 'invites', 'grants', 'sessions', 'known_devices', 'sign_in_failures', 'older_member_keys', 'passkeys', 'passkey_challenges', 'landlord_settings'))",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        assert_eq!(
            (version, outcome, subject, tables),
            (VERSION, None, None, 10)
        );
        let bad = conn.execute("UPDATE requests SET outcome = 'free text'", []);
        assert!(bad.is_err(), "only the fixed outcomes are stored");
    }

    /// Every member of a version-4 database enrolled before the pepper, so each is listed to
    /// sign in with the older proof and re-wrap; one enrolled after is not.
    #[test]
    fn version_4_members_are_listed_as_older_keys() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        drop(open(&path).unwrap());
        let v4 = Connection::open(&path).unwrap();
        v4.execute_batch(
            "DROP TABLE older_member_keys;
             DROP TABLE passkeys;
             DROP TABLE passkey_challenges;
             DROP TABLE landlord_settings;
             ALTER TABLE sessions DROP COLUMN factor;
             ALTER TABLE sessions DROP COLUMN binding;
             ALTER TABLE invites DROP COLUMN binding;
             INSERT INTO members (member_id, landlord, email, role, proof_hash, public_key, wrapped_key, totp_secret, created_at)
                 VALUES ('m1', 'livin', 'a@livin.example', 'officer', '', '', '', x'00', 0);
             PRAGMA user_version = 4;",
        )
        .unwrap();
        drop(v4);
        let conn = open(&path).unwrap();
        conn.execute_batch(
            "INSERT INTO members (member_id, landlord, email, role, proof_hash, public_key, wrapped_key, totp_secret, created_at)
                 VALUES ('m2', 'livin', 'b@livin.example', 'officer', '', '', '', x'00', 0);",
        )
        .unwrap();
        let older: Vec<String> = conn
            .prepare("SELECT member_id FROM older_member_keys")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(older, ["m1"]);
    }

    /// A version-5 database gains passkeys, and a session from then is counted as signed in
    /// with a code until version 7 lets it go with every other unbound session.
    #[test]
    fn version_5_database_gains_passkeys() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        drop(open(&path).unwrap());
        let v5 = Connection::open(&path).unwrap();
        v5.execute_batch(
            "DROP TABLE passkeys;
             DROP TABLE passkey_challenges;
             DROP TABLE landlord_settings;
             ALTER TABLE sessions DROP COLUMN factor;
             ALTER TABLE sessions DROP COLUMN binding;
             ALTER TABLE invites DROP COLUMN binding;
             INSERT INTO sessions (token_sha256, member_id, csrf, created_at, last_seen)
                 VALUES (x'01', 'm1', 'c', 0, 0);
             PRAGMA user_version = 5;",
        )
        .unwrap();
        drop(v5);
        let conn = open(&path).unwrap();
        let (version, sessions, passkeys): (i64, i64, i64) = conn
            .query_row(
                "SELECT (SELECT user_version FROM pragma_user_version),
                        (SELECT count(*) FROM sessions),
                        (SELECT count(*) FROM passkeys)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!((version, sessions, passkeys), (VERSION, 0, 0));
        conn.execute(
            "INSERT INTO sessions (token_sha256, member_id, csrf, created_at, last_seen, binding)
                 VALUES (x'02', 'm1', 'c', 0, 0, x'03')",
            [],
        )
        .unwrap();
        let factor: String = conn
            .query_row("SELECT factor FROM sessions", [], |r| r.get(0))
            .unwrap();
        assert_eq!(factor, "totp");
        let bad = conn.execute("UPDATE sessions SET factor = 'sms'", []);
        assert!(bad.is_err(), "only the two second factors are stored");
    }

    /// A version-6 database's invites and sessions have no binding, so none could ever check
    /// out: they go, and what else it holds stays.
    #[test]
    fn version_6_database_drops_its_unbound_invites_and_sessions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        drop(open(&path).unwrap());
        let v6 = Connection::open(&path).unwrap();
        v6.execute_batch(
            "ALTER TABLE sessions DROP COLUMN binding;
             ALTER TABLE invites DROP COLUMN binding;
             INSERT INTO members (member_id, landlord, email, role, proof_hash, public_key, wrapped_key, totp_secret, created_at)
                 VALUES ('m1', 'livin', 'a@livin.example', 'lead', '', '', '', x'00', 0);
             INSERT INTO sessions (token_sha256, member_id, csrf, factor, created_at, last_seen)
                 VALUES (x'01', 'm1', 'c', 'passkey', 0, 0);
             INSERT INTO invites (token_sha256, landlord, email, role, totp_secret, expires_at, created_by)
                 VALUES (x'02', 'livin', 'b@livin.example', 'officer', x'00', 9, 'cli');
             PRAGMA user_version = 6;",
        )
        .unwrap();
        drop(v6);
        let conn = open(&path).unwrap();
        let counts: (i64, i64, i64, i64) = conn
            .query_row(
                "SELECT (SELECT user_version FROM pragma_user_version),
                        (SELECT count(*) FROM sessions),
                        (SELECT count(*) FROM invites),
                        (SELECT count(*) FROM members)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        assert_eq!(counts, (VERSION, 0, 0, 1));
    }

    #[test]
    fn durability_settings_hold() {
        let dir = tempfile::tempdir().unwrap();
        let conn = open(&dir.path().join("t.db")).unwrap();
        let auto_vacuum: i64 = conn
            .query_row("PRAGMA auto_vacuum", [], |r| r.get(0))
            .unwrap();
        assert_eq!(auto_vacuum, 1);
        for (pragma, expected) in [("temp_store", 2), ("journal_size_limit", 0)] {
            let value: i64 = conn
                .query_row(&format!("PRAGMA {pragma}"), [], |r| r.get(0))
                .unwrap();
            assert_eq!(value, expected, "{pragma}");
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("t.db"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
