//! Copying a number to call or text, and taking it off the clipboard again: a phone number left
//! there can be pasted by accident, or kept by a clipboard manager, long after the call.

use std::cell::RefCell;
use std::future::Future;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use zeroize::Zeroizing;

/// How long a copied number stays on the clipboard.
pub const CLEAR_AFTER: Duration = Duration::from_secs(60);

thread_local! {
    /// What the inbox last put on the clipboard and has not yet taken off, and how many copies
    /// have been made, so a timer can tell whether its copy is still the latest.
    static COPIED: RefCell<(u64, Option<Zeroizing<String>>)> = const { RefCell::new((0, None)) };
}

/// Puts `text` on the clipboard and takes it off after [`CLEAR_AFTER`]; true if it was copied.
/// The write starts before this returns, while the click that asked for it is still being
/// handled, as some browsers require.
pub fn copy(text: &str) -> impl Future<Output = bool> {
    let written = JsFuture::from(window().navigator().clipboard().write_text(text));
    let text = Zeroizing::new(text.to_owned());
    async move {
        if written.await.is_err() {
            return false;
        }
        let this_copy = COPIED.with_borrow_mut(|(copies, copied)| {
            *copies += 1;
            *copied = Some(text);
            *copies
        });
        set_timeout(
            move || {
                if COPIED.with_borrow(|(copies, _)| *copies == this_copy) {
                    spawn_local(clear());
                }
            },
            CLEAR_AFTER,
        );
        true
    }
}

/// Takes what the inbox copied off the clipboard, on sign-out, time-out or after
/// [`CLEAR_AFTER`]. Where the browser has already let the page read the clipboard, it is
/// emptied only if it still holds our copy, so something copied since is left alone. Elsewhere
/// it is emptied anyway: asking to read it would put a permission prompt in front of the
/// member. A browser may refuse both, for a page that is not in front, say.
pub async fn clear() {
    let Some(ours) = COPIED.with_borrow_mut(|(_, copied)| copied.take()) else {
        return;
    };
    let navigator = window().navigator();
    let clipboard = navigator.clipboard();
    let still_ours = if may_read(&navigator).await {
        match JsFuture::from(clipboard.read_text()).await {
            Ok(now) => now.as_string().is_some_and(|now| now == *ours),
            Err(_) => true,
        }
    } else {
        true
    };
    if still_ours {
        let _ = JsFuture::from(clipboard.write_text("")).await;
    }
}

/// Whether reading the clipboard is already allowed, so it can be done without a prompt.
/// Browsers that do not know the permission's name say no.
async fn may_read(navigator: &web_sys::Navigator) -> bool {
    let Ok(permissions) = navigator.permissions() else {
        return false;
    };
    let query = js_sys::Object::new();
    if js_sys::Reflect::set(&query, &"name".into(), &"clipboard-read".into()).is_err() {
        return false;
    }
    let Ok(asked) = permissions.query(&query) else {
        return false;
    };
    JsFuture::from(asked)
        .await
        .ok()
        .and_then(|status| js_sys::Reflect::get(&status, &"state".into()).ok())
        .is_some_and(|state| state == JsValue::from_str("granted"))
}
