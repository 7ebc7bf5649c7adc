//! Taking call-back requests from the widget: the page of the form's frame, the answer to each
//! post, retries that must store once, and the limits that keep a flood from drowning real
//! requests.

pub(crate) mod form_page;
pub mod idempotency;
pub mod rate_limit;
pub(crate) mod submit;
