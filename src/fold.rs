use web_sys::Element;

use crate::dom::{el, set_hidden, Listeners};

/// One section that opens and closes, after GOV.UK's accordion: a heading holding a button,
/// so screen reader users can move by headings and everyone can scan the list quickly.
/// `body` holds the section's content.
pub fn fold(
    id: &str,
    heading: &str,
    open: bool,
    body: &[Element],
    listeners: &mut Listeners,
) -> Element {
    let Fold {
        section,
        button,
        content,
    } = Fold::new(id, heading, open, body);
    listeners.on(&button.clone(), "click", move |_| {
        toggle(&button, &content);
    });
    section
}

/// A fold's elements, for a section that does more when it opens (the call-back form's).
pub struct Fold {
    pub section: Element,
    pub button: Element,
    pub content: Element,
}

impl Fold {
    pub fn new(id: &str, heading: &str, open: bool, body: &[Element]) -> Fold {
        let body_id = format!("sc-{id}");
        let button = el("button")
            .attr("type", "button")
            .class("fold-button")
            .attr("aria-expanded", if open { "true" } else { "false" })
            .attr("aria-controls", &body_id)
            .text(heading)
            .el();
        let content = el("div").id(&body_id).class("fold-body").el();
        for part in body {
            let _ = content.append_child(part);
        }
        set_hidden(&content, !open);
        let section = el("section")
            .class("fold")
            .child(&el("h3").child(&button).el())
            .child(&content)
            .el();
        Fold {
            section,
            button,
            content,
        }
    }
}

/// Opens a closed fold or closes an open one, and says which it now is.
pub fn toggle(button: &Element, content: &Element) -> bool {
    let now_open = content.has_attribute("hidden");
    set_hidden(content, !now_open);
    let _ = button.set_attribute("aria-expanded", if now_open { "true" } else { "false" });
    now_open
}
