//! The endpoint's tests over real HTTP, real processes and a real database: one test binary,
//! so the whole server is linked once. Those written for PostgreSQL are `#[ignore]`d, and
//! `scripts/test.sh` runs them with `--ignored`; it then runs the rest once more with
//! `SAFE_CONTACT_TEST_STORE=postgres`, so every test meets both stores.

mod common;

mod binaries;
mod crash;
mod email;
mod form_frame;
mod fuzz;
mod http_api;
mod limits;
mod no_values_in_logs;
mod passkeys;
mod postgres;
mod postgres_crash;
mod postgres_restart;
mod postgres_tls;
mod sealed;
mod sign_in_jam;
mod staff_inbox;
mod static_files;
mod stolen_database;
