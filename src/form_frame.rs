//! The call-back form's place in the panel: a fold holding an `<iframe>` from the endpoint's
//! origin, where the form itself runs (the `form` crate). Scripts on the landlord's page can
//! reach nothing typed there.
//!
//! The frame is made once per open panel and never moved or given a new address: moving an
//! iframe reloads it (losing the answers) and a second navigation would add a history entry.
//! A redraw in another language keeps this fold where it is and tells the frame the language.
//!
//! The frame talks by `postMessage`: `alive` when its first script runs, `ready` when the form
//! is drawn, `failed` when it cannot be, `height` as its content grows or shrinks, and `exit`.
//! The loader hears them all first, checks they come from this frame's window and origin, and
//! stops them there, so no script of the page learns how the form is going; it leaves on
//! `exit` and hands the rest to [`FormFrame::heard`].

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use js_sys::Reflect;
use safe_contact_profile::{Language, Profile, Service};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlIFrameElement};

use crate::contact::service_list;
use crate::dom::{el, focus, replace_children, set_hidden, Listeners};
use crate::fold::{toggle, Fold};
use crate::text::{fill, t};

/// With no word from the frame in this long, the panel says the form could not open and
/// gives the landlord's numbers. A frame that is only slow still replaces them when it is ready.
const READY_WAIT_MS: u32 = 20_000;
/// A frame that has finished loading without its first script saying so was blocked (by the
/// page's CSP, a filter or the network) and shows only the browser's error page.
const ALIVE_WAIT_MS: u32 = 2_000;
/// No form is taller than this; a frame that asks for more is held to it.
const MAX_HEIGHT: f64 = 10_000.0;

#[derive(Clone, Copy, PartialEq)]
enum State {
    Loading,
    Alive,
    Ready,
    Failed,
}

pub struct FormFrame {
    fold: Fold,
    iframe: HtmlIFrameElement,
    /// "Loading the form.", then nothing once it is ready.
    status: Element,
    /// What the panel shows instead of a form that could not open.
    failed: Element,
    origin: String,
    landlord: String,
    contacts: Vec<Service>,
    state: Cell<State>,
    /// The panel's language, which the frame follows once it can hear.
    language: Cell<&'static str>,
    listeners: RefCell<Listeners>,
    timers: RefCell<Vec<Timeout>>,
}

impl FormFrame {
    /// The fold and its frame for `profile`'s form at `endpoint` (the `/v1/callbacks` address,
    /// relative to the page or not), opening in `language`. `None` when the address is not one.
    pub fn new(
        profile: &Profile,
        endpoint: &str,
        language: &'static Language,
        helpline: Option<&Service>,
    ) -> Option<Rc<FormFrame>> {
        let page = web_sys::window()?.location().href().ok()?;
        let endpoint = web_sys::Url::new_with_base(endpoint, &page).ok()?;
        // The landlord id and the language are all the frame takes from the page.
        let src =
            web_sys::Url::new_with_base(&format!("form/{}", profile.id), &endpoint.href()).ok()?;
        src.search_params().set("lang", language.code);
        let iframe: HtmlIFrameElement = el("iframe")
            .class("form-frame")
            .attr("referrerpolicy", "no-referrer")
            .el()
            .unchecked_into();
        // Set before the frame is in the page and never changed: its first navigation adds no
        // history entry, any later one would.
        iframe.set_src(&src.href());
        let status = el("p").class("hint").attr("role", "status").el();
        let failed = el("div").class("form-failed").el();
        set_hidden(&failed, true);
        let fold = Fold::new(
            "callback",
            t("panel.fold.callback"),
            false,
            &[status.clone(), failed.clone(), iframe.clone().into()],
        );
        let contacts = profile
            .landlord_contacts
            .iter()
            .chain(helpline)
            .cloned()
            .collect();
        let frame = Rc::new(FormFrame {
            fold,
            iframe,
            status,
            failed,
            origin: src.origin(),
            landlord: profile.name.clone(),
            contacts,
            state: Cell::new(State::Loading),
            language: Cell::new(language.code),
            listeners: RefCell::new(Listeners::default()),
            timers: RefCell::new(Vec::new()),
        });
        frame.listen();
        frame.relabel(language);
        frame.after(READY_WAIT_MS, |f| f.state.get() != State::Ready);
        Some(frame)
    }

    /// The fold, to go in the panel on its first draw.
    pub fn section(&self) -> &Element {
        &self.fold.section
    }

    fn listen(self: &Rc<Self>) {
        let mut listeners = self.listeners.borrow_mut();
        let me = Rc::downgrade(self);
        listeners.on(&self.fold.button, "click", move |_| {
            let Some(frame) = me.upgrade() else { return };
            // Opening moves focus into the form; closing leaves it on the button.
            if toggle(&frame.fold.button, &frame.fold.content) && frame.state.get() == State::Ready
            {
                focus(&frame.iframe);
            }
        });
        let me = Rc::downgrade(self);
        listeners.on(&self.iframe, "load", move |_| {
            if let Some(frame) = me.upgrade() {
                frame.after(ALIVE_WAIT_MS, |f| f.state.get() == State::Loading);
            }
        });
    }

    /// After `ms`, gives up on the frame if `still` holds.
    fn after(self: &Rc<Self>, ms: u32, still: fn(&FormFrame) -> bool) {
        let me = Rc::downgrade(self);
        self.timers.borrow_mut().push(Timeout::new(ms, move || {
            if let Some(frame) = me.upgrade() {
                if still(&frame) {
                    frame.set_state(State::Failed);
                }
            }
        }));
    }

    /// A message from the frame, passed on by the loader once it has checked where it came from.
    pub fn heard(&self, data: &JsValue) {
        let field = |name: &str| Reflect::get(data, &JsValue::from_str(name)).ok();
        match field("safeContact").and_then(|k| k.as_string()).as_deref() {
            Some("alive") if self.state.get() == State::Loading => self.set_state(State::Alive),
            Some("ready") => {
                // A switch while the frame loaded went unheard: say it again.
                self.tell_language();
                self.set_state(State::Ready);
            }
            Some("failed") => self.set_state(State::Failed),
            Some("height") => {
                if let Some(h) = field("height").and_then(|h| h.as_f64()) {
                    let h = h.clamp(0.0, MAX_HEIGHT).ceil();
                    let _ = self
                        .iframe
                        .style()
                        .set_property("height", &format!("{h}px"));
                }
            }
            _ => {}
        }
    }

    fn set_state(&self, state: State) {
        let was = self.state.replace(state);
        let ready = state == State::Ready;
        let failed = state == State::Failed;
        set_hidden(&self.failed, !failed);
        set_hidden(&self.status, ready || failed);
        set_hidden(&self.iframe, failed);
        // Someone who opened the fold before the form was ready goes into it when it is.
        let open = !self.fold.content.has_attribute("hidden");
        let on_button = self
            .fold
            .button
            .get_root_node()
            .dyn_into::<web_sys::ShadowRoot>()
            .ok()
            .and_then(|r| r.active_element())
            .is_some_and(|a| a == self.fold.button);
        if ready && was != State::Ready && open && on_button {
            focus(&self.iframe);
        }
    }

    /// Puts the fold's words into `language` and tells the frame, which redraws the form in it
    /// and keeps every answer.
    pub fn relabel(&self, language: &'static Language) {
        self.fold
            .button
            .set_text_content(Some(t("panel.fold.callback")));
        let _ = self
            .iframe
            .set_attribute("title", t("callback.frame.title"));
        self.status
            .set_text_content(Some(t("callback.frame.loading")));
        replace_children(
            &self.failed,
            &[
                el("p")
                    .text(&fill(
                        t("callback.frame.failed"),
                        &[("landlord", &self.landlord)],
                    ))
                    .el(),
                service_list(&self.contacts),
                el("p").text(t("callback.note.in_danger")).el(),
            ],
        );
        self.language.set(language.code);
        if self.state.get() != State::Loading {
            self.tell_language();
        }
    }

    fn tell_language(&self) {
        let message = js_sys::Object::new();
        let _ = Reflect::set(&message, &"safeContact".into(), &"language".into());
        let _ = Reflect::set(&message, &"lang".into(), &self.language.get().into());
        if let Some(window) = self.iframe.content_window() {
            let _ = window.post_message(&message, &self.origin);
        }
    }
}

impl Drop for FormFrame {
    fn drop(&mut self) {
        // Out of the page, the frame's document goes, and every answer in it.
        self.fold.section.remove();
    }
}
