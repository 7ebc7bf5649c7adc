//! Safe Contact reference endpoint: receives callback requests from the widget and keeps them
//! durably until staff have dealt with them or their retention period ends.
//!
//! What it promises, and where that is kept:
//! - a 201 means the request is committed to disk (`store`: WAL, `synchronous=FULL`);
//! - a request is stored once, however often it is retried (`intake::idempotency`, `store`);
//! - no IP address, user agent or submitted value is stored or logged (`client_addr`,
//!   `intake::rate_limit`, `routes::access_log`, `logging`);
//! - requests are deleted for real on schedule (`retention`) or on demand (`staff`);
//! - a sealed request is stored as the browser sealed it, and only the staff tool, with a
//!   private key the server never holds, can open it (`intake::submit`, `keys`).

#![forbid(unsafe_code)]

mod answers;
pub mod client_addr;
pub mod clock;
pub mod config;
pub mod intake;
pub mod keys;
pub mod logging;
pub mod notify;
pub mod retention;
mod routes;
pub mod server;
pub mod staff;
mod state;
mod static_files;
pub mod store;

pub use config::{Config, ConfigError};
pub use intake::submit::BODY_LIMIT;
pub use server::{start, start_with_timing, Running};
