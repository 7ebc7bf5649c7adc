//! The Safe Contact panel: the part of the widget that loads only when someone asks for help.
//!
//! The loader (`public/safe-contact.js`) owns the quick exit, the launcher and the panel's
//! outline, and calls [`mount`] with the landlord's profile. Everything here renders inside the
//! loader's closed Shadow DOM, so the host page's styles cannot reach it. The call-back form is
//! not here: it runs in a frame from the endpoint's origin (the `form` crate), which no script
//! of the page can read. The loader drops the returned [`Mounted`] on close and on exit, and
//! with it the frame and every answer typed into it.

mod clares_law;
mod fold;
mod form_frame;
mod landlord;
mod local_support;
mod panel;
mod section;
mod takeover;
mod view;

use std::rc::Rc;

use safe_contact_profile::Profile;
use safe_contact_ui::ZeroOnFree;
use wasm_bindgen::prelude::*;

// The shared parts under the names the panel's modules use.
use safe_contact_ui::{contact, dom, language, text};

#[global_allocator]
static ALLOCATOR: ZeroOnFree = ZeroOnFree;

/// The mounted panel. Dropping it (`unmount()` from the loader) removes the panel and frees
/// everything it held.
#[wasm_bindgen]
pub struct Mounted {
    view: Rc<view::View>,
}

#[wasm_bindgen]
impl Mounted {
    /// Removes the panel and forgets every answer in it.
    pub fn unmount(self) {}

    /// A message from the call-back form's frame, which the loader has checked came from it.
    pub fn heard(&self, data: JsValue) {
        self.view.heard(&data);
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.view.clear();
    }
}

/// The version of the loader this app is made for. Landlords paste the loader into their pages
/// (the inline snippet), so an older one may call this app for years: it still works, and the
/// console asks once for the snippet to be updated. `public/safe-contact.js` passes its own as
/// `SNIPPET`; a test keeps the two the same.
pub const SNIPPET: u32 = 1;

/// Replaces the loader's fallback text in `parent` with the full panel.
///
/// `profile_json` is the profile text the loader fetched, or nothing when that failed.
/// Whatever is wrong with it, the national content still shows. `endpoint` is the embed
/// snippet's `data-endpoint`, which wins over the profile's: the form's frame comes from there. `base` is the loader's own
/// address, beside which the language catalogues are; `exit` is the quick exit's link, whose
/// label follows the panel's language. `snippet` is the loader's version (none before
/// version 1).
#[wasm_bindgen]
pub fn mount(
    parent: web_sys::HtmlElement,
    profile_json: Option<String>,
    endpoint: Option<String>,
    base: Option<String>,
    exit: Option<web_sys::Element>,
    snippet: Option<u32>,
) -> Mounted {
    if let Some(line) = outdated(snippet) {
        web_sys::console::warn_1(&line.into());
    }
    let profile = profile_json.and_then(|text| Profile::read_json(&text).ok());
    Mounted {
        view: view::View::open(parent, profile, endpoint, base, exit),
    }
}

/// The console's one line for a page whose loader is older than this app.
fn outdated(snippet: Option<u32>) -> Option<&'static str> {
    (snippet.unwrap_or(0) < SNIPPET).then_some(
        "Safe Contact: this page's snippet is older than the widget. It still works, but please \
         update it: see \"Updating the snippet\" in Safe Contact's docs/embedding.md.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_loader_passes_the_version_this_app_is_made_for() {
        let loader = include_str!("../public/safe-contact.js");
        assert!(loader.contains(&format!("var SNIPPET = {SNIPPET};")));
    }

    #[test]
    fn only_an_older_snippet_is_asked_to_update() {
        assert_eq!(outdated(Some(SNIPPET)), None);
        assert_eq!(outdated(Some(SNIPPET + 1)), None);
        assert!(outdated(Some(SNIPPET - 1)).is_some());
        let line = outdated(None).unwrap();
        assert!(line.contains("update it") && !line.contains('\n'), "{line}");
    }
}
