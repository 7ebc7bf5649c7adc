//! The demo's sealing keys, which must never reach a live profile.
//!
//! Their private halves are committed in `endpoint/demo-keys/` so that the demo works out of the
//! box, which means anyone can open a request sealed to them. A live profile carrying one would
//! hand every tenant's request to whoever reads the repository.

use serde_json::Value;

use crate::report::Report;

/// The public keys of `endpoint/demo-keys/*.key`. A test keeps this list equal to those files.
pub const DEMO_PUBLIC_KEYS: [&str; 5] = [
    "2nP7KCK50ayAEAtgLEglR6NHJ4mHSginXguCBfH37z4",
    "HKKcDcEyYaaYoI0AXHjXVqIQrz1LMOguOCHyhqOsURc",
    "qt3-ZlcmevxF3zvvzuNX-opfoxidifEz8_G8ZMEC63Q",
    "_HVSQ7FJ7vyBOqNTSG3-LEOrvGi--IiCSayiAXeHyHk",
    "tnMWtBwZq9xRaG2k51b9dVnbtil_vtycCc6rZSrWKEU",
];

/// How every demo key id is written; a key id marked this way is refused too, so that a demo
/// key made later, and not yet in the list above, is still caught.
const DEMO_KEY_ID_MARK: &str = "-demo-";

const WHAT_TO_DO: &str =
    "run `safe-contact-staff keygen`, then replace callback.seal with the \"seal\" line it prints";

/// Refuses a profile whose `callback.seal` is a demo key, by its public key or its key id.
pub fn check(value: &Value, report: &mut Report) {
    let pointer = "/callback/seal";
    let Some(seal) = value.pointer(pointer) else {
        return;
    };
    let field = |key| seal.get(key).and_then(Value::as_str).unwrap_or_default();
    let (key_id, public_key) = (field("key_id"), field("public_key"));
    if DEMO_PUBLIC_KEYS.contains(&public_key) {
        report.add(
            pointer,
            format!("this is a demo key, and anyone can open requests sealed to it: {WHAT_TO_DO}"),
        );
    } else if key_id.contains(DEMO_KEY_ID_MARK) {
        report.add(
            pointer,
            format!("key id \"{key_id}\" marks a demo key, which must not go live: {WHAT_TO_DO}"),
        );
    }
}
