//! The mounted panel over its life: drawn in one language, drawn again in another when the
//! person picks one, cleared on close. A redraw keeps what the person typed and chose, which
//! sections are open, and where a call-back request has got to.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use safe_contact_profile::{Language, Profile, LANGUAGES};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::{Element, Event, EventInit, HtmlElement, HtmlInputElement};

use crate::callback::FormCarry;
use crate::dom::{el, focus, Listeners};
use crate::language::{self, loaded};
use crate::panel::{panel, Drawn};
use crate::text::{english, fill, set_current, t, Catalogue};

pub struct View {
    body: HtmlElement,
    profile: Option<Rc<Profile>>,
    endpoint: Option<String>,
    base: Option<String>,
    exit: Option<Element>,
    /// The loader's heading and its text, put back on close.
    title: Option<(Element, String)>,
    offered: Vec<&'static Language>,
    drawn: RefCell<Option<(Drawn, Element)>>,
    me: Weak<View>,
}

/// What a redraw carries over from the panel it replaces.
struct Carry {
    /// Each input's id, value and whether it is ticked.
    inputs: Vec<(String, String, bool)>,
    /// The ids of the open sections' bodies.
    open: Vec<String>,
    form: Option<FormCarry>,
}

impl View {
    pub fn open(
        body: HtmlElement,
        profile: Option<Profile>,
        endpoint: Option<String>,
        base: Option<String>,
        exit: Option<Element>,
    ) -> Rc<View> {
        let offered: Vec<&'static Language> = match (&base, &profile) {
            // Without its own address the widget cannot fetch a catalogue: English only.
            (None, _) => vec![&LANGUAGES[0]],
            (Some(_), Some(p)) => p.offered_languages(),
            (Some(_), None) => LANGUAGES.iter().collect(),
        };
        let title = scroll(&body)
            .and_then(|s| s.query_selector("h2").ok().flatten())
            .map(|h| {
                let text = h.text_content().unwrap_or_default();
                (h, text)
            });
        let view = Rc::new_cyclic(|me| View {
            body,
            profile: profile.map(Rc::new),
            endpoint,
            base,
            exit,
            title,
            offered,
            drawn: RefCell::new(None),
            me: me.clone(),
        });
        let language = language::opening(&view.offered);
        match loaded(language) {
            Some(catalogue) => view.draw(catalogue, None, false, false),
            // The loader's 999 advice and helpline stay on screen until the catalogue is here.
            None => view.fetch(language, false),
        }
        view
    }

    /// Draws the panel in `language`, fetching its catalogue first. If that fails, a first
    /// draw falls back to English and a redraw leaves the panel as it is; both say so.
    fn fetch(&self, language: &'static Language, redraw: bool) {
        let me = self.me.clone();
        let base = self.base.clone().unwrap_or_default();
        // Also when the catalogue is here already: a switch comes from a click on a button
        // the redraw replaces, and its listener must return before it is removed.
        spawn_local(async move {
            let catalogue = language::load(language, &base).await;
            let Some(view) = me.upgrade() else { return };
            match (catalogue, redraw) {
                (Some(c), true) => {
                    language::pick(language);
                    let carry = view.carry();
                    view.draw(c, Some(carry), false, true);
                }
                (Some(c), false) => view.draw(c, None, false, false),
                (None, false) => view.draw(english(), None, true, false),
                (None, true) => view.say_failed(),
            }
        });
    }

    fn draw(&self, catalogue: &'static Catalogue, carry: Option<Carry>, failed: bool, moved: bool) {
        set_current(catalogue);
        let language = catalogue.language;
        let mut listeners = Listeners::default();
        let (control, buttons) = language::control(language, &self.offered);
        for (button, picked) in buttons {
            let me = self.me.clone();
            listeners.on(&button, "click", move |_| {
                if let Some(view) = me.upgrade() {
                    view.fetch(picked, true);
                }
            });
        }
        let (carried, form) = match carry {
            Some(c) => (Some((c.inputs, c.open)), c.form),
            None => (None, None),
        };
        let (parts, drawn) = panel(
            &catalogue.national,
            self.profile.clone(),
            self.endpoint.clone(),
            listeners,
            form,
        );
        let mut notes = vec![control.clone()];
        if !catalogue.reviewed {
            notes.push(
                el("p")
                    .class("notice")
                    .text(t("translation.unreviewed"))
                    .el(),
            );
        }
        if failed {
            notes.push(notice_failed());
        }
        self.body.set_text_content(None);
        let _ = self.body.append_child(&parts[0]);
        for note in notes.iter().rev() {
            let _ = parts[1].prepend_with_node_1(note);
        }
        let _ = self.body.append_child(&parts[1]);
        // The old panel's listeners go only now, after the new one is in place.
        self.drawn.replace(Some((drawn, control.clone())));
        self.dress(language);
        if let Some((inputs, open)) = carried {
            self.restore(&inputs, &open);
        }
        if moved {
            // Back to the control, so someone using a keyboard or a screen reader stays put.
            if let Ok(Some(current)) = control.query_selector("[aria-current]") {
                let _ = current.set_attribute("tabindex", "-1");
                focus(&current);
            }
        }
    }

    /// The parts outside the panel body that speak: the heading, the landlord's name, Close
    /// and the quick exit, whose hidden "Emergency" cue stays for screen readers.
    fn dress(&self, language: &'static Language) {
        let english_page = language.code == "en";
        if let Some(scroll) = scroll(&self.body) {
            let _ = scroll.set_attribute("lang", language.code);
            let _ = scroll.set_attribute("dir", if language.rtl { "rtl" } else { "ltr" });
            if let (Some(p), Ok(Some(from))) = (&self.profile, scroll.query_selector(".from")) {
                from.set_text_content(Some(&fill(t("panel.from"), &[("landlord", &p.name)])));
            }
        }
        if let Some((title, text)) = &self.title {
            // The loader's own default is ours to translate; a landlord's label is its words.
            if english().text("panel.title") == Some(text.as_str()) {
                title.set_text_content(Some(t("panel.title")));
            } else if english_page {
                let _ = title.remove_attribute("lang");
            } else {
                let _ = title.set_attribute("lang", "en");
            }
        }
        let close = self
            .body
            .closest(".panel")
            .ok()
            .flatten()
            .and_then(|p| p.query_selector(".close").ok().flatten());
        if let Some(close) = close {
            close.set_text_content(Some(t("panel.close")));
            let _ = close.set_attribute("lang", language.code);
        }
        if let Some(exit) = &self.exit {
            exit.set_text_content(None);
            let cue = el("span").class("vh").text(t("exit.cue")).text(" ").el();
            let _ = exit.append_child(&cue);
            crate::dom::append_text(exit, t("exit.label"));
            let _ = exit.set_attribute("lang", language.code);
            let _ = exit.set_attribute("dir", if language.rtl { "rtl" } else { "ltr" });
        }
    }

    fn carry(&self) -> Carry {
        let mut inputs = Vec::new();
        for input in all(&self.body, "input[id]") {
            let input: HtmlInputElement = input.unchecked_into();
            inputs.push((input.id(), input.value(), input.checked()));
        }
        let open = all(&self.body, ".fold-button[aria-expanded=true]")
            .iter()
            .filter_map(|b| b.get_attribute("aria-controls"))
            .collect();
        let form = self
            .drawn
            .borrow()
            .as_ref()
            .and_then(|(d, _)| d.form.as_ref().map(|f| f.carry()));
        Carry { inputs, open, form }
    }

    fn restore(&self, inputs: &[(String, String, bool)], open: &[String]) {
        for (id, value, checked) in inputs {
            let Ok(Some(input)) = self.body.query_selector(&format!("[id='{id}']")) else {
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
        for id in open {
            if let Ok(Some(button)) = self.body.query_selector(&format!(
                ".fold-button[aria-controls='{id}'][aria-expanded=false]"
            )) {
                button.unchecked_into::<HtmlElement>().click();
            }
        }
    }

    /// A switch whose catalogue did not come: said beside the control, once.
    fn say_failed(&self) {
        if let Some((_, control)) = &*self.drawn.borrow() {
            if !control
                .next_element_sibling()
                .is_some_and(|n| n.class_name() == "notice language-failed")
            {
                let _ = control.after_with_node_1(&notice_failed());
            }
        }
    }

    /// On close and exit: the panel and every answer in it go, and the frame around it is
    /// English again, like the loader's fallback that takes the panel's place.
    pub fn clear(&self) {
        self.body.set_text_content(None);
        self.drawn.replace(None);
        set_current(english());
        self.dress(&LANGUAGES[0]);
        if let Some(scroll) = scroll(&self.body) {
            let _ = scroll.remove_attribute("lang");
            let _ = scroll.remove_attribute("dir");
        }
    }
}

fn notice_failed() -> Element {
    el("p")
        .class("notice language-failed")
        .attr("role", "status")
        .attr("lang", "en")
        .text(english().text("language.failed").unwrap_or_default())
        .el()
}

/// The loader's scrolling part of the panel, which holds its heading and the body.
fn scroll(body: &HtmlElement) -> Option<Element> {
    body.parent_element()
}

fn all(root: &Element, selector: &str) -> Vec<Element> {
    let Ok(list) = root.query_selector_all(selector) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into().ok())
        .collect()
}
