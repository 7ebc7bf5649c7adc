//! A support page may hold the panel's help as plain HTML from the start
//! (`safe-contact-validate --panel-html`), so that it shows at once and with JavaScript off. The
//! loader then keeps its own inline panel hidden beside that copy, and the app's panel takes
//! the copy's place once it is drawn: one swap, with nothing shown twice while the app loads.

use wasm_bindgen::JsCast;
use web_sys::{Element, ShadowRoot};

/// What the landlord's page marks its plain copy of the panel with (the attribute is
/// `safe_contact_panel_html::ATTRIBUTE`; the test below keeps the loader's, this and that one
/// the same).
const STATIC_PANEL: &str = ":scope > [data-safe-contact-static]";

/// Shows the drawn panel in `body`'s closed root, and hides the page's plain copy, if the
/// loader kept the panel hidden for one.
pub fn take_over(body: &Element) {
    let Ok(root) = body.get_root_node().dyn_into::<ShadowRoot>() else {
        return;
    };
    let Some(wrap) = root.last_element_child().filter(|w| w.has_attribute("hidden")) else {
        return;
    };
    let copy = root
        .host()
        .parent_element()
        .and_then(|target| target.query_selector(STATIC_PANEL).ok().flatten());
    if let Some(copy) = copy {
        let _ = copy.set_attribute("hidden", "");
    }
    let _ = wrap.remove_attribute("hidden");
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_loader_the_app_and_the_copy_name_the_same_attribute() {
        let attribute = format!("[{}]", safe_contact_panel_html::ATTRIBUTE);
        assert!(super::STATIC_PANEL.ends_with(&attribute));
        assert!(include_str!("../public/safe-contact.js").contains(&format!("\"{attribute}\"")));
    }
}
