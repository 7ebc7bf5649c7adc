//! The few DOM calls the panel makes, in one place: building elements, text and listeners.
//! Text always goes in as text nodes, never as HTML, so nothing in a profile can become markup.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, Event, EventInit, EventTarget, HtmlElement, HtmlInputElement};

pub fn document() -> Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("the panel runs in a page")
}

/// An element under construction. Calls chain, and `el()` hands back the element.
pub struct El(Element);

/// A new element. The tag names come from this crate only.
pub fn el(tag: &str) -> El {
    El(document().create_element(tag).expect("a valid tag"))
}

impl El {
    pub fn attr(self, name: &str, value: &str) -> Self {
        let _ = self.0.set_attribute(name, value);
        self
    }

    pub fn class(self, class: &str) -> Self {
        self.attr("class", class)
    }

    pub fn id(self, id: &str) -> Self {
        self.attr("id", id)
    }

    pub fn text(self, text: &str) -> Self {
        append_text(&self.0, text);
        self
    }

    pub fn child(self, child: &Element) -> Self {
        let _ = self.0.append_child(child);
        self
    }

    pub fn maybe(self, child: Option<&Element>) -> Self {
        match child {
            Some(c) => self.child(c),
            None => self,
        }
    }

    pub fn el(self) -> Element {
        self.0
    }
}

/// In a right-to-left language each number of several groups, such as 0808 2000 247, goes in
/// its own left-to-right span: the spaces between its groups would otherwise let the groups
/// come out in reverse order.
pub fn append_text(parent: &Element, text: &str) {
    let runs = match crate::text::current().language.rtl {
        true => grouped_numbers(text),
        false => Vec::new(),
    };
    let mut at = 0;
    for (start, end) in runs {
        add_text(parent, &text[at..start]);
        let number = document().create_element("span").expect("a valid tag");
        let _ = number.set_attribute("dir", "ltr");
        add_text(&number, &text[start..end]);
        let _ = parent.append_child(&number);
        at = end;
    }
    add_text(parent, &text[at..]);
}

fn add_text(parent: &Element, text: &str) {
    if !text.is_empty() {
        let _ = parent.append_child(&document().create_text_node(text));
    }
}

/// Where `text` has runs of digit groups joined by single spaces, such as `0808 2000 247`, as
/// byte ranges. A lone number needs no help: its digits already read left to right.
pub fn grouped_numbers(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut runs = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i;
        let mut groups = 0;
        loop {
            while end < b.len() && b[end].is_ascii_digit() {
                end += 1;
            }
            groups += 1;
            if end + 1 < b.len() && b[end] == b' ' && b[end + 1].is_ascii_digit() {
                end += 1;
            } else {
                break;
            }
        }
        if groups > 1 {
            runs.push((start, end));
        }
        i = end;
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::grouped_numbers;

    #[test]
    fn only_numbers_of_several_groups_are_isolated() {
        let text = "اتصل 999 أو 0808 2000 247، أو 07700 900123.";
        let runs: Vec<&str> = grouped_numbers(text)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect();
        assert_eq!(runs, ["0808 2000 247", "07700 900123"]);
        assert!(grouped_numbers("press 55 then 1 ").is_empty());
        assert_eq!(grouped_numbers("1 2"), [(0, 3)]);
        assert!(grouped_numbers("").is_empty());
    }
}

/// Replaces everything in `parent` with `children`.
pub fn replace_children(parent: &Element, children: &[Element]) {
    parent.set_text_content(None);
    for c in children {
        let _ = parent.append_child(c);
    }
}

pub fn set_hidden(el: &Element, hidden: bool) {
    let _ = el.toggle_attribute_with_force("hidden", hidden);
}

pub fn focus(el: &Element) {
    if let Some(el) = el.dyn_ref::<HtmlElement>() {
        let _ = el.focus();
    }
}

pub fn input(el: &Element) -> &HtmlInputElement {
    el.unchecked_ref()
}

/// The event's target as an element, when it is one.
pub fn target(event: &Event) -> Option<Element> {
    event.target()?.dyn_into().ok()
}

/// Every listener the panel adds. Dropping this removes them and frees what they hold, the
/// answers in the form among it: that is how Close and exit forget.
#[derive(Default)]
pub struct Listeners(Vec<Listener>);

/// What removing a listener takes: where it listens, for what, and the closure itself.
type Listener = (EventTarget, &'static str, Closure<dyn FnMut(Event)>);

impl Listeners {
    pub fn on(&mut self, target: &Element, kind: &'static str, f: impl FnMut(Event) + 'static) {
        let closure = Closure::<dyn FnMut(Event)>::new(f);
        let _ = target.add_event_listener_with_callback(kind, closure.as_ref().unchecked_ref());
        self.0.push((target.clone().into(), kind, closure));
    }
}

impl Drop for Listeners {
    fn drop(&mut self) {
        for (target, kind, closure) in &self.0 {
            let _ =
                target.remove_event_listener_with_callback(kind, closure.as_ref().unchecked_ref());
        }
    }
}

/// Each input's id, value and whether it is ticked: what a redraw in another language carries.
pub type Inputs = Vec<(String, String, bool)>;

pub fn carry_inputs(root: &Element) -> Inputs {
    all(root, "input[id]")
        .into_iter()
        .map(|i| {
            let i: HtmlInputElement = i.unchecked_into();
            (i.id(), i.value(), i.checked())
        })
        .collect()
}

/// Puts carried answers back into the inputs with the same ids.
pub fn restore_inputs(root: &Element, inputs: &Inputs) {
    for (id, value, checked) in inputs {
        let Ok(Some(input)) = root.query_selector(&format!("[id='{id}']")) else {
            continue;
        };
        let input: HtmlInputElement = input.unchecked_into();
        let kind = input.type_();
        if kind == "radio" || kind == "checkbox" {
            input.set_checked(*checked);
            // What depends on a choice (an area's services, the contact field's label)
            // listens for change, so it follows as if the person had chosen again.
            if *checked {
                let init = EventInit::new();
                init.set_bubbles(true);
                if let Ok(event) = Event::new_with_event_init_dict("change", &init) {
                    let _ = input.dispatch_event(&event);
                }
            }
        } else {
            input.set_value(value);
        }
    }
}

pub fn all(root: &Element, selector: &str) -> Vec<Element> {
    let Ok(list) = root.query_selector_all(selector) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into().ok())
        .collect()
}
