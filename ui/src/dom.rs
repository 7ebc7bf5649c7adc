//! The few DOM calls the panel makes, in one place: building elements, text and listeners.
//! Text always goes in as text nodes, never as HTML, so nothing in a profile can become markup.
//! A leaf: it uses no other module, so the language is told to it, not looked up.

use std::cell::Cell;

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

/// In a right-to-left language each number goes in its own left-to-right isolate,
/// `<bdi dir="ltr">`: the spaces between the groups of 0808 2000 247 would otherwise let them
/// come out in reverse order, and the `+` of +44 20 7008 0151 at the wrong end. Whatever holds
/// the number, a link's label among them, gets this from every text it is given.
/// `panel-html` writes the same element around the same numbers.
pub fn append_text(parent: &Element, text: &str) {
    let mut at = 0;
    for (start, end) in isolated_numbers(text) {
        add_text(parent, &text[at..start]);
        let number = document().create_element("bdi").expect("a valid tag");
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

thread_local! {
    /// Whether the current language reads right to left; `text::set_current` says so.
    static RIGHT_TO_LEFT: Cell<bool> = const { Cell::new(false) };
}

/// Tells every text added from now on whether its language reads right to left.
pub fn set_right_to_left(rtl: bool) {
    RIGHT_TO_LEFT.with(|r| r.set(rtl));
}

/// The numbers in `text` that the current language must isolate left to right, as byte ranges:
/// all of them in a right-to-left language, none otherwise.
pub fn isolated_numbers(text: &str) -> Vec<(usize, usize)> {
    match RIGHT_TO_LEFT.with(Cell::get) {
        true => numbers(text),
        false => Vec::new(),
    }
}

/// Where `text` has numbers, as byte ranges. A number is digits, with a `+` before them, and
/// any further digits joined by one space or by one of `/:.,-`: 0808 2000 247, +44 20 7008 0151,
/// 24/7 and 9:30 are one number each, since the parts isolated apart would swap round their
/// joiner. Digits in a word of ASCII letters, as in 999bsl.co.uk or 9am, are left to the word
/// (ASCII only: Unicode's tables of letters would add about 2 KB to the gzipped wasm).
fn numbers(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let word = |at: Option<usize>| {
        at.and_then(|i| b.get(i))
            .is_some_and(u8::is_ascii_alphanumeric)
    };
    let mut runs = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() || word(i.checked_sub(1)) {
            i += 1;
            continue;
        }
        let mut end = i;
        loop {
            while end < b.len() && b[end].is_ascii_digit() {
                end += 1;
            }
            match (b.get(end), b.get(end + 1)) {
                (Some(b' ' | b'/' | b':' | b'.' | b',' | b'-'), Some(d)) if d.is_ascii_digit() => {
                    end += 1
                }
                _ => break,
            }
        }
        let plus = i > 0 && b[i - 1] == b'+' && !word(i.checked_sub(2));
        if !word(Some(end)) {
            runs.push((if plus { i - 1 } else { i }, end));
        }
        i = end;
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::numbers;

    fn found(text: &str) -> Vec<&str> {
        numbers(text)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect()
    }

    #[test]
    fn every_number_is_found_whole_with_its_plus() {
        assert_eq!(
            found("اتصل 999 أو 0808 2000 247، أو 07700 900123."),
            ["999", "0808 2000 247", "07700 900123"]
        );
        assert_eq!(
            found("+44 20 7008 0151 (بیرون ملک سے)"),
            ["+44 20 7008 0151"]
        );
        assert_eq!(found("18000 (ایمرجنسی)"), ["18000"]);
        assert_eq!(
            found("24/7, 9:30 to 5:30, 1,000 or 2.5"),
            ["24/7", "9:30", "5:30", "1,000", "2.5"]
        );
        assert_eq!(found("press 55 then 1 "), ["55", "1"]);
        assert_eq!(found("Call 999. 101 is not"), ["999", "101"]);
    }

    #[test]
    fn digits_in_a_word_are_left_to_it() {
        assert!(found("999bsl.co.uk, 247sexualabusesupport.org.uk, 9am, ST4 1HH").is_empty());
        assert!(found("").is_empty());
        assert_eq!(found("+ 1, a+1"), ["1", "1"]);
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
