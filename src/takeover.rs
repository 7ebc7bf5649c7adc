//! A support page may hold the panel's help as plain HTML from the start
//! (`safe-contact-validate --panel-html`), so that it shows at once and with JavaScript off.
//! The loader's inline panel, with its 999 advice, shows beside it while the app loads (a copy
//! the page got wrong, empty or hidden, must not leave the person without it). Once the app's
//! panel is drawn, it takes the copy's place.

use wasm_bindgen::JsCast;
use web_sys::{Element, ShadowRoot};

/// What the landlord's page marks its plain copy of the panel with
/// (`safe_contact_panel_html::ATTRIBUTE`; the test below keeps the two the same).
const STATIC_PANEL: &str = "[data-safe-contact-static]";

/// Hides the page's plain copy of the panel, if the inline panel's target holds one.
pub fn take_over(body: &Element) {
    let copy = body
        .get_root_node()
        .dyn_into::<ShadowRoot>()
        .ok()
        .and_then(|root| root.host().parent_element())
        .and_then(|target| target.query_selector(STATIC_PANEL).ok().flatten());
    if let Some(copy) = copy {
        let _ = copy.set_attribute("hidden", "");
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_app_and_the_copy_name_the_same_attribute() {
        let attribute = format!("[{}]", safe_contact_panel_html::ATTRIBUTE);
        assert_eq!(super::STATIC_PANEL, attribute);
    }
}
