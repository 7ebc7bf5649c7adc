//! Where requests are kept: SQLite for one instance (the default), or PostgreSQL for several
//! behind a proxy. Both keep the same promises: a 201 only after the commit, one stored request
//! per idempotency key however many instances it reaches, and deletion for real.
//!
//! Each database is a module implementing [`Backend`]. The intake's hot calls (`earlier`,
//! `submit`, and on PostgreSQL the shared limits and notices) are written for each. Everything
//! else (staff, the staff tool, retention) is SQL both accept, run through [`sql::Db`] by
//! `with_db`.

pub mod copy;
mod postgres;
pub mod sql;
mod sqlite;

pub use postgres::{Level, GLOBAL_SCOPE};
pub use sqlite::{open as open_sqlite, BUSY_TIMEOUT};

use std::future::Future;
use std::time::Duration;

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

/// What each database does for the endpoint, one module per database. [`Store`] holds the
/// one the config names and passes every call on to it.
pub trait Backend {
    /// The request saved under this idempotency key, if there is one.
    fn earlier(
        &self,
        key_hash: [u8; 32],
    ) -> impl Future<Output = Result<Option<Earlier>, StoreError>> + Send;

    /// Resolves only once the request's transaction has committed (or failed).
    fn submit(
        &self,
        request: NewRequest,
    ) -> impl Future<Output = Result<Submitted, StoreError>> + Send;

    /// Runs database work on a blocking thread. A failure is logged by its code alone and
    /// reaches the caller as [`StoreError`], which the handlers answer with 503.
    fn with_db<R, F>(&self, f: F) -> impl Future<Output = Result<R, StoreError>> + Send
    where
        F: FnOnce(&mut sql::Db<'_>) -> sql::Result<R> + Send + 'static,
        R: Send + 'static;

    /// Takes a token from the landlord's and the global bucket shared by every instance, and
    /// says whether it did with both levels before the take; `None` where one instance keeps
    /// them in its own memory.
    fn take_shared(
        &self,
        _landlord: &str,
        _per_landlord: u32,
        _global: u32,
    ) -> impl Future<Output = Option<Result<(bool, Vec<Level>), StoreError>>> + Send {
        async { None }
    }

    /// Claims a notice for every instance, or says how long ago another sent it; `None` where
    /// the one instance's own memory decides.
    fn claim_notice(
        &self,
        _landlord: &str,
        _kind: &str,
        _every: Duration,
    ) -> impl Future<Output = Option<Result<Result<(), Duration>, StoreError>>> + Send {
        async { None }
    }
}

#[derive(Clone)]
pub enum Store {
    Sqlite(sqlite::SqliteStore),
    Postgres(postgres::PgStore),
}

/// Passes a call on to the backend in use.
macro_rules! on_backend {
    ($store:expr, $b:ident => $call:expr) => {
        match $store {
            Store::Sqlite($b) => $call,
            Store::Postgres($b) => $call,
        }
    };
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

    pub async fn earlier(&self, key_hash: [u8; 32]) -> Result<Option<Earlier>, StoreError> {
        on_backend!(self, b => b.earlier(key_hash).await)
    }

    pub async fn submit(&self, request: NewRequest) -> Result<Submitted, StoreError> {
        on_backend!(self, b => b.submit(request).await)
    }

    pub async fn with_db<R, F>(&self, f: F) -> Result<R, StoreError>
    where
        F: FnOnce(&mut sql::Db<'_>) -> sql::Result<R> + Send + 'static,
        R: Send + 'static,
    {
        on_backend!(self, b => b.with_db(f).await)
    }

    pub async fn take_shared(
        &self,
        landlord: &str,
        per_landlord: u32,
        global: u32,
    ) -> Option<Result<(bool, Vec<Level>), StoreError>> {
        on_backend!(self, b => b.take_shared(landlord, per_landlord, global).await)
    }

    pub async fn claim_notice(
        &self,
        landlord: &str,
        kind: &str,
        every: Duration,
    ) -> Option<Result<Result<(), Duration>, StoreError>> {
        on_backend!(self, b => b.claim_notice(landlord, kind, every).await)
    }
}
