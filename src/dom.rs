//! The few DOM calls the panel makes, in one place: building elements, text and listeners.
//! Text always goes in as text nodes, never as HTML, so nothing in a profile can become markup.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, Event, EventTarget, HtmlElement, HtmlInputElement};

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

pub fn append_text(parent: &Element, text: &str) {
    let _ = parent.append_child(&document().create_text_node(text));
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
