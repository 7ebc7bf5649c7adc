//! A landlord's help panel as one fragment of plain HTML, for a dedicated support page: pasted
//! into the inline panel's target, it shows at once, before the wasm, and with JavaScript off.
//! The app takes its place once it has drawn (`src/takeover.rs`).
//!
//! The fragment is the app's panel in one language, with the same sections in the same order,
//! the same words from the same catalogues, and the same numbers and links. It starts with a
//! comment naming the profile, the language and a digest of what follows, so that a copy
//! pasted into a page can be told apart from the current one (`safe-contact-validate
//! --check-panel-html`).

mod catalogue;
mod html;
mod panel;

use safe_contact_profile::Profile;
use safe_contact_ui::text::{english, set_current};
use sha2::{Digest, Sha256};

pub use html::escape;

/// The attribute that marks the fragment in a page, for the app and the validator to find it.
pub const ATTRIBUTE: &str = "data-safe-contact-static";

/// The attributes and classes session-replay tools skip, as `public/safe-contact.js` gives its
/// hosts.
const MASKED: &str =
    "data-hj-suppress data-clarity-mask=\"true\" class=\"rr-block ph-no-capture fs-exclude\"";

/// `profile`'s panel in the language `code` (`en`, or another the profile offers), as one
/// `<div data-safe-contact-static lang=… dir=… (masking attributes)>` with no line break
/// after it.
pub fn render(profile: &Profile, code: &str) -> Result<String, String> {
    let catalogue = catalogue::for_profile(profile, code)?;
    // The app's lookups read the current language, as its panel does while drawing.
    set_current(catalogue);
    let body = panel::panel(profile, catalogue);
    set_current(english());
    let language = catalogue.language;
    // Out of session-replay and analytics recordings, as the widget's own hosts are (Hotjar,
    // Clarity, rrweb, PostHog, FullStory): which section someone opens, or which number they
    // tap, is nothing for a page's scripts to keep. They can still read it, being in the page.
    let head = format!(
        "<div {ATTRIBUTE} lang=\"{}\" dir=\"{}\" {MASKED}>",
        language.code,
        if language.rtl { "rtl" } else { "ltr" }
    );
    let comment = format!(
        "<!-- safe-contact panel-html {} {} sha256:{} -->",
        escape(&profile.id),
        language.code,
        digest(&body)
    );
    Ok(format!("{head}\n{comment}\n{body}</div>"))
}

/// The SHA-256 of `text`, in lower-case hex.
fn digest(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests;
