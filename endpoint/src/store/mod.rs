//! Where requests are kept: SQLite for one instance (the default), or PostgreSQL for several
//! behind a proxy. Both keep the same promises: a 201 only after the commit, one stored request
//! per idempotency key however many instances it reaches, and deletion for real.
//!
//! The intake's two hot calls, [`Store::earlier`] and [`Store::submit`], are written for each
//! database. Everything else (staff, the staff tool, retention) is SQL both accept, run through
//! [`sql::Db`] by [`Store::with_db`].

mod postgres;
pub mod sql;
mod sqlite;

pub use postgres::{Level, GLOBAL_SCOPE};
pub use sqlite::{open as open_sqlite, BUSY_TIMEOUT};

use crate::config::Database;

/// A checked request ready to be saved.
pub struct NewRequest {
    pub landlord: String,
    pub request_id: String,
    pub key_hash: [u8; 32],
    pub body_hash: [u8; 32],
    pub content: Content,
    pub received_at: i64,
}

pub enum Content {
    /// The tidied request as JSON.
    Plain(String),
    /// Only what the envelope carried: which key, the encapsulated key and the ciphertext.
    Sealed {
        key_id: String,
        enc: Vec<u8>,
        ciphertext: Vec<u8>,
    },
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

#[derive(Debug, Clone, Copy)]
pub struct StoreError;

/// What a saved request left under its idempotency key: enough to answer a retry of it.
pub struct Earlier {
    pub landlord: String,
    pub request_id: String,
    pub body_hash: [u8; 32],
}

#[derive(Clone)]
pub enum Store {
    Sqlite(sqlite::SqliteStore),
    Postgres(postgres::PgStore),
}

impl Store {
    /// Opens the database and brings its schema up to date. PostgreSQL must be reachable at
    /// start, so a wrong address or password stops the endpoint instead of failing later.
    pub async fn open(database: &Database) -> Result<Store, String> {
        match database {
            Database::Sqlite(path) => sqlite::SqliteStore::open(path)
                .map(Store::Sqlite)
                .map_err(|e| e.to_string()),
            Database::Postgres(url) => postgres::PgStore::open(url).await.map(Store::Postgres),
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, Store::Postgres(_))
    }

    /// The request saved under this idempotency key, if there is one.
    pub async fn earlier(&self, key_hash: [u8; 32]) -> Result<Option<Earlier>, StoreError> {
        match self {
            Store::Sqlite(s) => s.earlier(key_hash).await,
            Store::Postgres(s) => s.earlier(key_hash).await,
        }
    }

    /// Resolves only once the request's transaction has committed (or failed).
    pub async fn submit(&self, request: NewRequest) -> Result<Submitted, StoreError> {
        match self {
            Store::Sqlite(s) => s.submit(request).await,
            Store::Postgres(s) => s.submit(request).await,
        }
    }

    /// On PostgreSQL, takes a token from the landlord's and the global bucket that every
    /// instance shares (see `PgStore::take_shared`); `None` on SQLite, whose one instance keeps
    /// them in memory.
    pub async fn take_shared(
        &self,
        landlord: &str,
        per_landlord: u32,
        global: u32,
    ) -> Option<Result<(bool, Vec<Level>), StoreError>> {
        match self {
            Store::Sqlite(_) => None,
            Store::Postgres(s) => Some(s.take_shared(landlord, per_landlord, global).await),
        }
    }

    /// On PostgreSQL, claims a notice for every instance, or says how long ago another sent
    /// it; `None` on SQLite, where the one instance's own memory decides.
    pub async fn claim_notice(
        &self,
        landlord: &str,
        kind: &str,
        every: std::time::Duration,
    ) -> Option<Result<Result<(), std::time::Duration>, StoreError>> {
        match self {
            Store::Sqlite(_) => None,
            Store::Postgres(s) => Some(s.claim_notice(landlord, kind, every).await),
        }
    }

    /// Runs database work on a blocking thread. A failure is logged by its code alone and
    /// reaches the caller as [`StoreError`], which the handlers answer with 503.
    pub async fn with_db<R, F>(&self, f: F) -> Result<R, StoreError>
    where
        F: FnOnce(&mut sql::Db<'_>) -> sql::Result<R> + Send + 'static,
        R: Send + 'static,
    {
        match self {
            Store::Sqlite(s) => s.with_db(f).await,
            Store::Postgres(s) => s.with_db(f).await,
        }
    }
}
