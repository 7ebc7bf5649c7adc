//! `Idempotency-Key` handling (IETF httpapi draft): the same key with the same body gets the
//! first answer again, another body gets 422, and a key still being worked on gets 409.
//!
//! Only a hash of the key is kept. The record of a finished request lives in the database row of
//! the request itself (see `store`), so a retry after a crash still finds it; what is in flight
//! is only ever in memory. Keys are random UUIDs from the widget, so one key space serves all
//! landlords: a key is checked before the body, and so before the landlord, is known.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use axum::http::HeaderValue;
use sha2::{Digest, Sha256};

pub const HEADER: &str = "idempotency-key";

/// The key as sent, without the quotes of the draft's structured-field form. Refuses anything
/// that is not 1 to 255 visible ASCII characters.
pub fn parse_key(value: &HeaderValue) -> Option<&str> {
    let s = value.to_str().ok()?.trim();
    let s = s
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(s);
    let ok =
        (1..=255).contains(&s.len()) && s.bytes().all(|b| (0x21..=0x7e).contains(&b) && b != b'"');
    ok.then_some(s)
}

pub fn key_hash(key: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"safe-contact idempotency-key v1\0");
    h.update(key.as_bytes());
    h.finalize().into()
}

pub fn body_hash(body: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"safe-contact body v1\0");
    h.update(body);
    h.finalize().into()
}

/// Keys whose requests are being handled right now.
#[derive(Default)]
pub struct InFlight(Mutex<HashSet<[u8; 32]>>);

/// Holds a key as in flight until dropped, which also happens when the client goes away or the
/// request times out part-way.
pub struct InFlightGuard {
    registry: Arc<InFlight>,
    key: [u8; 32],
}

impl InFlight {
    /// Marks the key as in flight, or returns `None` if it already is.
    pub fn begin(self: &Arc<Self>, key: [u8; 32]) -> Option<InFlightGuard> {
        let mut set = self.0.lock().unwrap_or_else(|p| p.into_inner());
        set.insert(key).then(|| InFlightGuard {
            registry: Arc::clone(self),
            key,
        })
    }
}

impl Drop for InFlightGuard {
    fn drop(&mut self) {
        let mut set = self.registry.0.lock().unwrap_or_else(|p| p.into_inner());
        set.remove(&self.key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        let k = |s: &str| parse_key(&HeaderValue::from_str(s).unwrap()).map(str::to_owned);
        assert_eq!(k("abc-123").as_deref(), Some("abc-123"));
        assert_eq!(
            k("\"8e03978e-40d5-43e8-bc93-6894a57f9324\"").as_deref(),
            Some("8e03978e-40d5-43e8-bc93-6894a57f9324")
        );
        assert_eq!(k(""), None);
        assert_eq!(k("has space"), None);
        assert_eq!(k(&"x".repeat(256)), None);
        assert_ne!(key_hash("a"), key_hash("b"));
    }

    #[test]
    fn in_flight_until_dropped() {
        let reg = Arc::new(InFlight::default());
        let g = reg.begin([1; 32]).unwrap();
        assert!(reg.begin([1; 32]).is_none());
        assert!(reg.begin([2; 32]).is_some());
        drop(g);
        assert!(reg.begin([1; 32]).is_some());
    }
}
