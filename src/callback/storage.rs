//! The unsent draft in sessionStorage, under one neutral key shared with the loader, which
//! wipes it on exit and on close. Nothing else of ours is ever stored.

use gloo_storage::{SessionStorage, Storage};

use super::draft::Draft;

/// Must equal `DRAFT_KEY` in public/safe-contact.js.
const KEY: &str = "safe-contact";

/// Storage can be blocked (private modes, strict settings): then there is simply no draft.
fn available() -> bool {
    web_sys::window()
        .and_then(|w| w.session_storage().ok().flatten())
        .is_some()
}

pub fn load() -> Option<Draft> {
    available().then(|| SessionStorage::get(KEY).ok()).flatten()
}

pub fn save(draft: &Draft) {
    if available() {
        // A draft that cannot be saved is still on screen; only a reload would lose it.
        let _ = SessionStorage::set(KEY, draft);
    }
}

pub fn wipe() {
    if available() {
        SessionStorage::delete(KEY);
    }
}
