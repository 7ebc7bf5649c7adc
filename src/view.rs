//! The mounted panel over its life: drawn in one language, drawn again in another when the
//! person picks one, cleared on close. A redraw keeps what the person typed and chose, which
//! sections are open, and where a call-back request has got to.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use safe_contact_profile::{Language, Profile, LANGUAGES};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::{Element, HtmlElement};

use crate::dom::{all, carry_inputs, el, focus, restore_inputs, Inputs, Listeners};
use crate::form_frame::FormFrame;
use crate::language::{self, loaded};
use crate::panel::{panel, Drawn, SLOT};
use crate::takeover::take_over;
use crate::text::{english, fill, label_exit, set_current, t, Catalogue};

pub struct View {
    body: HtmlElement,
    profile: Option<Rc<Profile>>,
    /// The call-back form's fold, kept across redraws so the frame and its answers stay.
    frame: Option<Rc<FormFrame>>,
    base: Option<String>,
    exit: Option<Element>,
    /// The loader's heading and its text, put back on close.
    title: Option<(Element, String)>,
    offered: Vec<&'static Language>,
    drawn: RefCell<Option<(Drawn, Element)>>,
    me: Weak<View>,
}

/// What a redraw carries over from the panel it replaces. The form is not here: it lives in
/// its frame, which the redraw keeps.
struct Carry {
    inputs: Inputs,
    /// The ids of the open sections' bodies.
    open: Vec<String>,
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
        let language = language::opening(&offered);
        // The form needs a landlord that takes requests and somewhere to send them.
        let frame = profile.as_ref().and_then(|p| {
            let settings = p.callback.as_ref()?;
            let endpoint = endpoint.or_else(|| settings.endpoint.clone())?;
            FormFrame::new(p, &endpoint, language, english().national.helplines.first())
        });
        let view = Rc::new_cyclic(|me| View {
            body,
            profile: profile.map(Rc::new),
            frame,
            base,
            exit,
            title,
            offered,
            drawn: RefCell::new(None),
            me: me.clone(),
        });
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
        let (parts, drawn) = panel(
            &catalogue.national,
            self.profile.clone(),
            self.frame.as_deref(),
            listeners,
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
        for note in notes.iter().rev() {
            let _ = parts[1].prepend_with_node_1(note);
        }
        self.put(parts);
        take_over(&self.body);
        // The old panel's listeners go only now, after the new one is in place.
        self.drawn.replace(Some((drawn, control.clone())));
        self.dress(language);
        if let Some(frame) = &self.frame {
            frame.relabel(language);
        }
        if let Some(carry) = carry {
            restore_inputs(&self.body, &carry.inputs);
            self.reopen(&carry.open);
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
            label_exit(exit, language);
        }
    }

    /// Puts a newly drawn panel (its style and its content) in place of the old one. The
    /// call-back form's fold, if the old panel has it, stays exactly where it is: the new
    /// content goes around it, in place of the placeholder that marks its spot.
    fn put(&self, [style, content]: [Element; 2]) {
        let kept = self
            .frame
            .as_ref()
            .map(|f| f.section().clone())
            .filter(|s| s.is_connected());
        let (Some(kept), Some(old)) = (kept, self.body.last_element_child()) else {
            self.body.set_text_content(None);
            let _ = self.body.append_child(&style);
            let _ = self.body.append_child(&content);
            return;
        };
        if let Some(old_style) = self.body.first_element_child() {
            let _ = old_style.replace_with_with_node_1(&style);
        }
        for child in all(&old, ":scope > *") {
            if child != kept {
                child.remove();
            }
        }
        let mut before = true;
        for child in all(&content, ":scope > *") {
            if child.class_name() == SLOT {
                before = false;
            } else if before {
                let _ = old.insert_before(&child, Some(&kept));
            } else {
                let _ = old.append_child(&child);
            }
        }
    }

    fn carry(&self) -> Carry {
        let open = all(&self.body, ".fold-button[aria-expanded=true]")
            .iter()
            .filter_map(|b| b.get_attribute("aria-controls"))
            .collect();
        Carry {
            inputs: carry_inputs(&self.body),
            open,
        }
    }

    fn reopen(&self, open: &[String]) {
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
            if control
                .next_element_sibling()
                .is_none_or(|n| n.class_name() != "notice language-failed")
            {
                let _ = control.after_with_node_1(&notice_failed());
            }
        }
    }

    /// A message from the form's frame, which the loader has checked and passes on.
    pub fn heard(&self, data: &wasm_bindgen::JsValue) {
        if let Some(frame) = &self.frame {
            frame.heard(data);
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
