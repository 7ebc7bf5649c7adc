//! The value rules more than one crate applies: what an id is, what an email address is (for
//! the form, and for staff), what a DNS name is, 32 bytes in hex, and civil dates. Each rule
//! lives here once, so the form, the validator, the endpoint and the inbox cannot disagree
//! about what is valid. No dependencies: the widget's and the form's wasm both use it.

pub mod date;
pub mod dns;
pub mod email;
pub mod hex;
pub mod id;
