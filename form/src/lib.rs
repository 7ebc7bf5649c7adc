//! The call-back form, in a frame of its own.
//!
//! The endpoint serves this form's page from its own origin, and the help panel shows it in an
//! `<iframe>`. What a person types here is then out of reach of every script on the landlord's
//! page: key events, input events and patched prototypes all stay in this document. The page
//! gives the frame only the landlord id (in the address) and a language; the profile, with the
//! seal key, the areas and the questions left out, comes from the endpoint's own page.
//!
//! `form/frame.js` arms the frame's quick exit, then loads this wasm and calls [`start`].

mod draft;
mod fields;
mod form;
mod sealing;
mod send;

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use safe_contact_profile::{Language, Profile, LANGUAGES};
use safe_contact_ui::dom::{carry_inputs, restore_inputs, Listeners};
use safe_contact_ui::language::{first_offered, load, loaded};
use safe_contact_ui::text::{current, label_exit, set_current, Catalogue};
use safe_contact_ui::ZeroOnFree;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use web_sys::Element;

use form::{callback_form, Form, FormCarry};
// The shared parts under the names the form's modules use.
use safe_contact_ui::{contact, dom, text};

#[global_allocator]
static ALLOCATOR: ZeroOnFree = ZeroOnFree;

/// The form on show. Dropping it (when the frame's page goes) frees every answer.
#[wasm_bindgen]
pub struct Frame {
    view: Rc<View>,
}

struct View {
    root: Element,
    exit: Element,
    profile: Profile,
    /// Where requests are posted: the endpoint's `/v1/callbacks`, on this frame's own origin.
    endpoint: String,
    /// Where the language catalogues are.
    base: String,
    offered: Vec<&'static Language>,
    drawn: RefCell<Option<(Listeners, Rc<Form>)>>,
    me: Weak<View>,
}

/// Draws the form into `root`. `profile_json` is the landlord's profile from the endpoint's
/// page; `lang` is the language the panel asked for, used when the landlord offers it. `exit`
/// is the frame's quick exit link, whose label follows the language.
#[wasm_bindgen]
pub fn start(
    root: Element,
    profile_json: &str,
    lang: &str,
    base: String,
    endpoint: String,
    exit: Element,
) -> Result<Frame, String> {
    let profile = Profile::read_json(profile_json)?;
    if profile.callback.is_none() {
        return Err("this landlord takes no call-back requests".into());
    }
    let offered = profile.offered_languages();
    let view = Rc::new_cyclic(|me| View {
        root,
        exit,
        profile,
        endpoint,
        base,
        offered,
        drawn: RefCell::new(None),
        me: me.clone(),
    });
    view.switch(lang);
    Ok(Frame { view })
}

#[wasm_bindgen]
impl Frame {
    /// Draws the form again in the language the panel switched to, keeping every answer.
    pub fn language(&self, lang: &str) {
        self.view.switch(lang);
    }
}

impl View {
    fn switch(&self, lang: &str) {
        let language = first_offered([lang], &self.offered);
        if let Some(catalogue) = loaded(language) {
            return self.draw(catalogue);
        }
        let me = self.me.clone();
        let base = self.base.clone();
        spawn_local(async move {
            // A catalogue that does not come leaves the form as it is, or English at first.
            let catalogue = load(language, &base).await;
            if let Some(view) = me.upgrade() {
                // Read apart from the match: a borrow in its head would outlive the draw below.
                let drawn = view.drawn.borrow().is_some();
                match (catalogue, drawn) {
                    (Some(c), _) => view.draw(c),
                    (None, false) => view.draw(loaded(&LANGUAGES[0]).expect("English is built in")),
                    (None, true) => {}
                }
            }
        });
    }

    fn draw(&self, catalogue: &'static Catalogue) {
        set_current(catalogue);
        let language = catalogue.language;
        let inputs = carry_inputs(&self.root);
        let carry: Option<FormCarry> = self.drawn.borrow().as_ref().map(|(_, f)| f.carry());
        let mut listeners = Listeners::default();
        let Some(settings) = &self.profile.callback else {
            return;
        };
        let (part, form) = callback_form(
            &self.profile,
            settings,
            self.endpoint.clone(),
            current().national.helplines.first(),
            &mut listeners,
            carry,
        );
        dom::replace_children(&self.root, &[part]);
        // The old form's listeners go only now, after the new one is in place.
        self.drawn.replace(Some((listeners, form)));
        restore_inputs(&self.root, &inputs);
        if let Some(html) = self
            .root
            .owner_document()
            .and_then(|d| d.document_element())
        {
            let _ = html.set_attribute("lang", language.code);
            let _ = html.set_attribute("dir", if language.rtl { "rtl" } else { "ltr" });
        }
        label_exit(&self.exit, language);
    }
}

impl Drop for Frame {
    fn drop(&mut self) {
        self.view.root.set_text_content(None);
        self.view.drawn.replace(None);
    }
}
