//! Moving a landlord's endpoint from SQLite to PostgreSQL when it joins a shared service:
//! every request, the audit trail and the staff inbox's members, invites and grants, exactly as
//! stored. Sessions are not moved: staff sign in again.

use super::sql::{self, Db, Row, Value};

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
        "token_sha256, landlord, email, role, totp_secret, expires_at, created_by",
        "expires_at, token_sha256",
    ),
    (
        "grants",
        "member_id, key_id, \"grant\", granted_by, granted_at",
        "granted_at, member_id, key_id",
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

pub fn read(db: &mut Db) -> sql::Result<Rows> {
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
