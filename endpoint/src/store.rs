//! The SQLite database: opened for durability, and written by one thread that commits before
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

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS requests (
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
CREATE INDEX IF NOT EXISTS requests_by_status ON requests (landlord, status, received_at);
CREATE TABLE IF NOT EXISTS audit (
    at INTEGER NOT NULL,
    landlord TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    request_id TEXT
);
PRAGMA user_version = 1;
";

/// Most requests that one commit will carry; bounds the wait of the last one in a batch.
const MAX_BATCH: usize = 64;

/// Opens (creating if needed) the database with the settings the endpoint's promises rest on,
/// and checks they took effect rather than trusting that they did.
pub fn open(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    restrict_permissions(path);
    conn.busy_timeout(Duration::from_secs(5))?;
    // auto_vacuum only takes effect before the first table exists; with it, freed pages leave the
    // file instead of lingering on a free list.
    run_pragma(&conn, "PRAGMA auto_vacuum = FULL")?;
    run_pragma(&conn, "PRAGMA journal_mode = WAL")?;
    // WAL with NORMAL can lose the last commits on power loss; FULL syncs the WAL on each commit.
    run_pragma(&conn, "PRAGMA synchronous = FULL")?;
    // Deleted rows are overwritten with zeros, so a purged request cannot be read back from the file.
    run_pragma(&conn, "PRAGMA secure_delete = ON")?;
    conn.execute_batch(SCHEMA)?;

    let journal: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
    let synchronous: i64 = conn.query_row("PRAGMA synchronous", [], |r| r.get(0))?;
    let secure_delete: i64 = conn.query_row("PRAGMA secure_delete", [], |r| r.get(0))?;
    if journal != "wal" || synchronous != 2 || secure_delete != 1 {
        return Err(failure(
            "SQLite did not accept journal_mode=WAL, synchronous=FULL and secure_delete=ON",
        ));
    }
    Ok(conn)
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

/// A checked request ready to be saved.
pub struct NewRequest {
    pub landlord: String,
    pub request_id: String,
    pub key_hash: [u8; 32],
    pub body_hash: [u8; 32],
    /// The tidied request as JSON.
    pub request: String,
    pub received_at: i64,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Submitted {
    /// Saved now.
    Created,
    /// Saved before, under this key or this request id, with the same body.
    Replayed,
    /// The key was used before with another body.
    KeyReused,
    /// The request id was used before with another body.
    RequestIdReused,
}

struct Job {
    request: NewRequest,
    reply: oneshot::Sender<Result<Submitted, StoreError>>,
}

#[derive(Debug, Clone, Copy)]
pub struct StoreError;

#[derive(Clone)]
pub struct Store {
    writer: mpsc::Sender<Job>,
    /// For everything other than new submissions: staff reads and changes, retention.
    conn: Arc<Mutex<Connection>>,
}

impl Store {
    pub fn open(path: &Path) -> rusqlite::Result<Store> {
        let writer_conn = open(path)?;
        let conn = open(path)?;
        let (tx, rx) = mpsc::channel(1024);
        std::thread::Builder::new()
            .name("safe-contact-writer".into())
            .spawn(move || writer_loop(writer_conn, rx))
            .map_err(|_| failure("cannot start the database writer thread"))?;
        Ok(Store {
            writer: tx,
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Resolves only once the request's transaction has committed (or failed).
    pub async fn submit(&self, request: NewRequest) -> Result<Submitted, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.writer
            .send(Job { request, reply })
            .await
            .map_err(|_| StoreError)?;
        answer.await.map_err(|_| StoreError)?
    }

    /// Runs blocking database work off the async threads.
    pub async fn with_conn<R, F>(&self, f: F) -> Result<R, StoreError>
    where
        F: FnOnce(&mut Connection) -> rusqlite::Result<R> + Send + 'static,
        R: Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            let mut conn = conn.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut conn).map_err(|e| {
                tracing::error!(code = ?e.sqlite_error_code(), "database operation failed");
                StoreError
            })
        })
        .await
        .map_err(|_| StoreError)?
    }
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
    tx.execute(
        "INSERT INTO requests (landlord, request_id, idempotency_key_hash, body_hash, request, received_at, status_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![r.landlord, r.request_id, &r.key_hash[..], &r.body_hash[..], r.request, r.received_at],
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
            request: "{}".into(),
            received_at: 1,
        }
    }

    #[tokio::test]
    async fn idempotency_outcomes() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("t.db")).unwrap();
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
        let n: i64 = store
            .with_conn(|c| c.query_row("SELECT count(*) FROM requests", [], |r| r.get(0)))
            .await
            .unwrap();
        assert_eq!(n, 2);
    }

    #[test]
    fn durability_settings_hold() {
        let dir = tempfile::tempdir().unwrap();
        let conn = open(&dir.path().join("t.db")).unwrap();
        let auto_vacuum: i64 = conn
            .query_row("PRAGMA auto_vacuum", [], |r| r.get(0))
            .unwrap();
        assert_eq!(auto_vacuum, 1);
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
