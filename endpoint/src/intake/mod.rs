//! Taking call-back requests from the widget: the answer to each post, retries that must store
//! once, and the limits that keep a flood from drowning real requests.

pub mod idempotency;
pub mod rate_limit;
pub(crate) mod submit;
