//! Moving a landlord's endpoint from SQLite to PostgreSQL when it joins a shared service:
//! every request, the audit trail and the staff inbox's members, invites, grants and passkeys, exactly as
//! stored. Sessions are not moved: staff sign in again.
//!
//! The old database is held alone for the whole move ([`Source`]), so nothing can be added to
//! it, or deleted from it, between reading it and counting it again, and the operator is told
//! to delete it only once both databases are counted and agree.

use std::fmt;
use std::path::Path;

use rusqlite::{Connection, ErrorCode};

use super::sql::{self, Db, Row, Value};
use super::sqlite;

/// The tables moved, oldest rows first, and their columns, the same on both databases.
const TABLES: &[(&str, &str, &str)] = &[
    (
        "requests",
        "landlord, request_id, idempotency_key_hash, body_hash, request, key_id, enc, ciphertext, status, outcome, received_at, status_at",
        "rowid",
    ),
    (
        "audit",
        "at, landlord, actor, action, request_id, subject",
        "rowid",
    ),
    (
        "members",
        "member_id, landlord, email, role, proof_hash, public_key, wrapped_key, totp_secret, totp_last_step, created_at",
        "created_at, member_id",
    ),
    (
        "invites",
        "token_sha256, landlord, email, role, totp_secret, expires_at, created_by, binding",
        "expires_at, token_sha256",
    ),
    (
        "grants",
        "member_id, key_id, \"grant\", granted_by, granted_at",
        "granted_at, member_id, key_id",
    ),
    // Without it, a member who has not re-wrapped their key yet could not sign in after the
    // move: their proof hash has no pepper.
    ("older_member_keys", "member_id", "member_id"),
    // Without them a team that signs in with passkeys would have to add them all again, and a
    // landlord that requires passkeys would stop requiring them. Used sign-in challenges stay
    // behind: each expires within minutes.
    (
        "passkeys",
        "passkey_id, member_id, credential_id, transports, static_state, dynamic_state, binding, name, created_at, last_used_at",
        "created_at, passkey_id",
    ),
    (
        "landlord_settings",
        "landlord, require_passkeys, changed_by, changed_at",
        "landlord",
    ),
];

/// Every row of the moved tables, read from the old database.
pub struct Rows(Vec<Vec<Row>>);

impl Rows {
    /// How many rows each table holds, by name.
    pub fn counts(&self) -> Vec<(&'static str, usize)> {
        TABLES
            .iter()
            .zip(&self.0)
            .map(|((table, _, _), rows)| (*table, rows.len()))
            .collect()
    }
}

/// How many rows each moved table holds, by name, in the order of [`Rows::counts`].
pub fn count(db: &mut Db) -> sql::Result<Vec<(&'static str, usize)>> {
    TABLES
        .iter()
        .map(|(table, _, _)| {
            let n: i64 = db
                .query_one(&format!("SELECT count(*) FROM {table}"), &[])?
                .ok_or(sql::Error::Invalid("a count gave no row"))?
                .get(0)?;
            let n = usize::try_from(n).map_err(|_| sql::Error::Invalid("a negative count"))?;
            Ok((*table, n))
        })
        .collect()
}

/// Why the old database cannot be read for a move.
#[derive(Debug)]
pub enum SourceError {
    /// Something else has it open: most likely the endpoint, still running on it.
    InUse,
    Unreadable(sql::Error),
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceError::InUse => f.write_str(
                "the database in the config is in use. Stop the endpoint, and anything else \
                 that has the database open, then copy again: while it runs, requests could \
                 arrive that the copy would miss.",
            ),
            SourceError::Unreadable(e) => {
                write!(f, "cannot read the database in the config ({e})")
            }
        }
    }
}

impl std::error::Error for SourceError {}

/// The SQLite database being moved, held alone in one read transaction from opening until it
/// is dropped: no endpoint or other tool can open it meanwhile.
pub struct Source {
    conn: Connection,
}

impl Source {
    /// Opens the database at `path` and takes it for this move alone, or refuses with
    /// [`SourceError::InUse`]. In WAL mode every open connection keeps a shared lock on the file
    /// from its first read until it closes, so a running endpoint holds one even when idle, and
    /// the exclusive lock taken here cannot be had beside it. With `locking_mode = EXCLUSIVE`
    /// the lock is kept until this connection closes, so an endpoint started during the move
    /// cannot open the database either.
    pub fn open_alone(path: &Path) -> Result<Source, SourceError> {
        let taken = sqlite::open(path).and_then(|conn| {
            conn.pragma_update(None, "locking_mode", "EXCLUSIVE")?;
            conn.execute_batch("BEGIN EXCLUSIVE")?;
            Ok(conn)
        });
        match taken {
            Ok(conn) => Ok(Source { conn }),
            Err(e)
                if matches!(
                    e.sqlite_error_code(),
                    Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
                ) =>
            {
                Err(SourceError::InUse)
            }
            Err(e) => Err(SourceError::Unreadable(e.into())),
        }
    }

    pub fn read(&mut self) -> sql::Result<Rows> {
        read(&mut Db::Sqlite(&self.conn))
    }

    pub fn count(&mut self) -> sql::Result<Vec<(&'static str, usize)>> {
        count(&mut Db::Sqlite(&self.conn))
    }
}

fn read(db: &mut Db) -> sql::Result<Rows> {
    TABLES
        .iter()
        .map(|(table, columns, order)| {
            db.query(
                &format!("SELECT {columns} FROM {table} ORDER BY {order}"),
                &[],
            )
        })
        .collect::<sql::Result<_>>()
        .map(Rows)
}

/// Writes the rows into the new database in one transaction, which must hold no request,
/// audit row or member yet: moving twice, or into a database in use, is refused.
pub fn write(db: &mut Db, rows: &Rows) -> sql::Result<()> {
    db.transaction(|tx| {
        for table in ["requests", "audit", "members"] {
            if tx
                .query_one(&format!("SELECT 1 FROM {table} LIMIT 1"), &[])?
                .is_some()
            {
                return Err(sql::Error::Invalid(
                    "the new database already holds requests, audit rows or members",
                ));
            }
        }
        for ((table, columns, _), rows) in TABLES.iter().zip(&rows.0) {
            let width = columns.split(',').count();
            let places: Vec<String> = (1..=width).map(|i| format!("?{i}")).collect();
            let insert = format!(
                "INSERT INTO {table} ({columns}) VALUES ({})",
                places.join(", ")
            );
            for row in rows {
                let values = (0..width)
                    .map(|i| row.get::<Value>(i))
                    .collect::<sql::Result<Vec<_>>>()?;
                tx.execute(&insert, &values)?;
            }
        }
        Ok(())
    })
}
