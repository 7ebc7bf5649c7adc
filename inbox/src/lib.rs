//! Safe Contact staff inbox: a landlord team's browser app. Requests are opened only here, on
//! the device, with keys unlocked from the member's passphrase and held in memory alone.
//!
//! The modules above the line are plain Rust with native tests; the rest is the Leptos app,
//! built for wasm32 only.

pub mod instructions;
pub mod invite_link;
pub mod keys;
pub mod listing;
pub mod model;
pub mod qr;
pub mod when;

#[cfg(target_arch = "wasm32")]
mod api;
#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod audit;
#[cfg(target_arch = "wasm32")]
mod clipboard;
#[cfg(target_arch = "wasm32")]
mod enrol;
#[cfg(target_arch = "wasm32")]
mod form;
#[cfg(target_arch = "wasm32")]
mod idle;
#[cfg(target_arch = "wasm32")]
mod inbox;
#[cfg(target_arch = "wasm32")]
mod passkeys;
#[cfg(target_arch = "wasm32")]
mod request;
#[cfg(target_arch = "wasm32")]
mod session;
#[cfg(target_arch = "wasm32")]
mod sign_in;
#[cfg(target_arch = "wasm32")]
mod team;
#[cfg(target_arch = "wasm32")]
mod webauthn;
