use safe_contact_profile::{Block, Section};
use web_sys::Element;

use crate::contact::service_list;
use crate::dom::el;

/// The blocks of a content section, in order.
pub fn section_body(section: &Section) -> Vec<Element> {
    section
        .blocks
        .iter()
        .map(|block| match block {
            Block::Text(text) => el("p").text(text).el(),
            Block::Steps(steps) => list("ol", steps),
            Block::Points(points) => list("ul", points),
            Block::Services(services) => service_list(services),
        })
        .collect()
}

/// A list of plain lines: `ol` where order matters, `ul` where it does not.
pub fn list(tag: &str, items: &[String]) -> Element {
    let list = el(tag).el();
    for item in items {
        let _ = list.append_child(&el("li").text(item).el());
    }
    list
}
