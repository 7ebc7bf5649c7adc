//! The safe call-back request: the few answers a landlord needs to contact someone safely,
//! sent to the landlord's endpoint.
//!
//! The answers live in the form's own inputs and nowhere else until the person presses Send:
//! only then are they read into a [`Draft`], checked, sealed and sent.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use safe_contact_callback::{
    limits, ContactMethod, Day, FieldError, IfSomeoneElseAnswers, OfficerGender, TimeOfDay,
};
use safe_contact_profile::{CallbackSettings, OptionalQuestion, Profile, SealKey, Service};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::{Element, HtmlFormElement, HtmlInputElement};

use crate::contact::{link, service_list};
use crate::dom::{append_text, el, focus, replace_children, set_hidden, Listeners};
use crate::draft::{Attempt, Draft, Sealed};
use crate::fields::{
    checkbox, choices, chosen, input_id, summary_links, text_field, ticked, Field,
};
use crate::sealing;
use crate::send::{self, Outcome};
use crate::text::{fill, own_words, t};

#[derive(Clone, Copy, PartialEq)]
enum Stage {
    Editing,
    Sending,
    Sent,
    /// Every try failed: the answers stay on screen, with numbers to call instead.
    Failed,
    /// The request could not be sealed, so it was not sent at all.
    NotSealed,
    /// The endpoint is busy and asked for a longer wait than the form sits out.
    Later {
        minutes: u32,
    },
}

/// Each option with the catalogue key of its label.
const METHODS: [(ContactMethod, &str); 3] = [
    (ContactMethod::Call, "callback.contact_method.call"),
    (ContactMethod::Text, "callback.contact_method.text"),
    (ContactMethod::Email, "callback.contact_method.email"),
];
const DAYS: [(Day, &str); 7] = [
    (Day::Monday, "callback.safe_days.monday"),
    (Day::Tuesday, "callback.safe_days.tuesday"),
    (Day::Wednesday, "callback.safe_days.wednesday"),
    (Day::Thursday, "callback.safe_days.thursday"),
    (Day::Friday, "callback.safe_days.friday"),
    (Day::Saturday, "callback.safe_days.saturday"),
    (Day::Sunday, "callback.safe_days.sunday"),
];
const TIMES: [(TimeOfDay, &str); 3] = [
    (TimeOfDay::Morning, "callback.safe_times.morning"),
    (TimeOfDay::Afternoon, "callback.safe_times.afternoon"),
    (TimeOfDay::Evening, "callback.safe_times.evening"),
];
const ANSWERS: [(IfSomeoneElseAnswers, &str); 3] = [
    (
        IfSomeoneElseAnswers::HangUp,
        "callback.if_someone_else_answers.hang_up",
    ),
    (
        IfSomeoneElseAnswers::RoutineSurvey,
        "callback.if_someone_else_answers.routine_survey",
    ),
    (
        IfSomeoneElseAnswers::AskForName,
        "callback.if_someone_else_answers.ask_for_name",
    ),
];
const GENDERS: [(OfficerGender, &str); 3] = [
    (
        OfficerGender::NoPreference,
        "callback.officer_gender.no_preference",
    ),
    (OfficerGender::Woman, "callback.officer_gender.woman"),
    (OfficerGender::Man, "callback.officer_gender.man"),
];

fn labels<T>(options: &[(T, &'static str)]) -> Vec<&'static str> {
    options.iter().map(|(_, key)| t(key)).collect()
}

fn new_id() -> String {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid())
        .unwrap_or_default()
}

fn contact_label(method: Option<ContactMethod>) -> &'static str {
    t(match method {
        Some(ContactMethod::Email) => "callback.contact.label_email",
        _ => "callback.contact.label_phone",
    })
}

/// The inputs the answers are read from. Questions the landlord does not ask are `None`.
struct Inputs {
    area: Vec<HtmlInputElement>,
    method: Vec<HtmlInputElement>,
    contact: HtmlInputElement,
    days: Vec<HtmlInputElement>,
    times: Vec<HtmlInputElement>,
    times_note: Option<HtmlInputElement>,
    leave_message: Vec<HtmlInputElement>,
    someone_else: Vec<HtmlInputElement>,
    name_to_ask_for: Option<HtmlInputElement>,
    gender: Vec<HtmlInputElement>,
    interpreter: Option<HtmlInputElement>,
    bsl: Option<HtmlInputElement>,
    other_needs: Option<HtmlInputElement>,
    consent: HtmlInputElement,
}

fn text(input: &Option<HtmlInputElement>) -> String {
    input.as_ref().map(|i| i.value()).unwrap_or_default()
}

pub struct Form {
    inputs: Inputs,
    fields: Vec<Field>,
    form: HtmlFormElement,
    summary: Element,
    summary_list: Element,
    contact_label: Element,
    sent_note: Element,
    failed_note: Element,
    failed_text: Element,
    editing: Element,
    submit: Element,
    landlord: String,
    area_ids: Vec<String>,
    seal: Option<SealKey>,
    endpoint: String,
    /// The last attempt, so that a retry with the same answers sends the same request.
    sending: RefCell<Option<Attempt>>,
    stage: RefCell<Stage>,
    /// The errors on show, so a redraw in another language can tell them again.
    errors: RefCell<Vec<FieldError>>,
    /// Where a send in flight reports its outcome: this form, or the one that replaced it
    /// when the person changed language meanwhile.
    home: Rc<RefCell<Weak<Form>>>,
}

/// What a form drawn again in another language takes over from the one it replaces: where
/// the request has got to, and the last attempt, so that a retry stays the same request.
pub struct FormCarry {
    stage: Stage,
    sending: Option<Attempt>,
    errors: Vec<FieldError>,
    home: Rc<RefCell<Weak<Form>>>,
}

/// An error in the panel's language. Errors from the endpoint carry no key, and show as sent.
fn said(error: &FieldError) -> String {
    if error.key.is_empty() {
        return error.message.clone();
    }
    let max = limits::of(&error.field)
        .map(|m| format!("{m}"))
        .unwrap_or_default();
    fill(t(error.key), &[("max", &max)])
}

/// The call-back form, with the notes shown after a send.
pub fn callback_form(
    profile: &Profile,
    settings: &CallbackSettings,
    endpoint: String,
    helpline: Option<&Service>,
    listeners: &mut Listeners,
    carry: Option<FormCarry>,
) -> (Element, Rc<Form>) {
    let asks = |q: OptionalQuestion| !settings.not_asked.contains(&q);
    // Session-replay tools skip what carries these, so no recording holds the answers.
    let form = el("form")
        .attr("novalidate", "")
        .class("rr-block ph-no-capture fs-exclude sentry-block")
        .attr("data-hj-suppress", "")
        .attr("data-clarity-mask", "true")
        .attr("data-dd-privacy", "hidden")
        .el();
    let mut fields = Vec::new();
    let mut add = |field: Field, group: Element| {
        let _ = form.append_child(&group);
        fields.push(field);
    };

    let area = match profile.areas.len() > 1 {
        true => {
            let names: Vec<&str> = profile.areas.iter().map(|a| a.name.as_str()).collect();
            let (f, g, inputs) = choices(
                "area",
                "radio",
                t("callback.area.legend"),
                None,
                &names,
                None,
            );
            add(f, g);
            inputs
        }
        false => Vec::new(),
    };
    let (f, method_group, method) = choices(
        "contact_method",
        "radio",
        t("callback.contact_method.legend"),
        None,
        &labels(&METHODS),
        None,
    );
    add(f, method_group.clone());
    let (f, g, label, contact) = text_field(
        "contact",
        contact_label(None),
        Some(t("callback.contact.hint")),
    );
    add(f, g);
    let (f, g, days) = choices(
        "safe_days",
        "checkbox",
        t("callback.safe_days.legend"),
        Some(t("callback.safe_days.hint")),
        &labels(&DAYS),
        None,
    );
    add(f, g);
    let (f, g, times) = choices(
        "safe_times",
        "checkbox",
        t("callback.safe_times.legend"),
        Some(t("callback.safe_times.hint")),
        &labels(&TIMES),
        None,
    );
    add(f, g);
    let times_note = asks(OptionalQuestion::SafeTimesNote).then(|| {
        let (f, g, _, input) = text_field(
            "safe_times_note",
            t("callback.safe_times_note.label"),
            Some(t("callback.safe_times_note.hint")),
        );
        add(f, g);
        input
    });
    let (f, g, leave_message) = choices(
        "leave_message",
        "radio",
        t("callback.leave_message.legend"),
        Some(t("callback.leave_message.hint")),
        &[
            t("callback.leave_message.no"),
            t("callback.leave_message.yes"),
        ],
        Some(0),
    );
    add(f, g);
    let (f, g, someone_else) = choices(
        "if_someone_else_answers",
        "radio",
        t("callback.if_someone_else_answers.legend"),
        None,
        &labels(&ANSWERS),
        None,
    );
    add(f, g);
    let name_to_ask_for = asks(OptionalQuestion::NameToAskFor).then(|| {
        let (f, g, _, input) = text_field(
            "name_to_ask_for",
            t("callback.name_to_ask_for.label"),
            Some(t("callback.name_to_ask_for.hint")),
        );
        add(f, g);
        input
    });
    let gender = match asks(OptionalQuestion::OfficerGender) {
        true => {
            let (f, g, inputs) = choices(
                "officer_gender",
                "radio",
                t("callback.officer_gender.legend"),
                None,
                &labels(&GENDERS),
                Some(0),
            );
            add(f, g);
            inputs
        }
        false => Vec::new(),
    };
    let (interpreter, bsl, other_needs) = match asks(OptionalQuestion::AccessNeeds) {
        true => {
            // The stronger promise is the landlord's to make, in its own policy.
            let hint = match settings.professional_interpreters_only {
                true => "callback.interpreter_language.hint_professionals_only",
                false => "callback.interpreter_language.hint",
            };
            let (f, g, _, interpreter) = text_field(
                "interpreter_language",
                t("callback.interpreter_language.label"),
                Some(t(hint)),
            );
            add(f, g);
            let (f, g, bsl) = checkbox("bsl", t("callback.bsl.label"));
            add(f, g);
            let (f, g, _, other) = text_field(
                "other_access_needs",
                t("callback.other_access_needs.label"),
                None,
            );
            add(f, g);
            (Some(interpreter), Some(bsl), Some(other))
        }
        false => (None, None, None),
    };
    let landlord = [("landlord", profile.name.as_str())];
    let (f, g, consent) = checkbox("consent", &fill(t("callback.consent.label"), &landlord));
    add(f, g);
    let privacy = el("p").class("form-hint").el();
    match settings.privacy_notice.as_ref().and_then(|c| c.href()) {
        Some(href) => {
            let text = fill(t("callback.privacy.link"), &landlord);
            let _ = privacy.append_child(&link(&href, &text));
        }
        None => append_text(&privacy, &fill(t("callback.privacy.ask"), &landlord)),
    }
    let _ = form.append_child(&privacy);
    let submit = el("button")
        .attr("type", "submit")
        .class("button")
        .text(t("callback.button.send"))
        .el();
    let clear = el("button")
        .attr("type", "button")
        .class("button button-secondary")
        .text(t("callback.button.clear"))
        .el();
    let _ = form.append_child(
        &el("div")
            .class("button-group")
            .child(&submit)
            .child(&clear)
            .el(),
    );

    // Shown and hidden rather than re-created, so the form keeps what was typed.
    let sent_note = el("div")
        .class("panel-success")
        .attr("tabindex", "-1")
        .child(&el("h4").text(t("callback.sent.heading")).el())
        .child(&own_words(
            "p",
            &settings.next_steps,
            &settings.next_steps_translations,
        ))
        .child(&el("p").text(t("callback.sent.cleared")).el())
        .child(&el("p").text(t("callback.note.in_danger")).el())
        .el();
    set_hidden(&sent_note, true);
    let failed_text = el("p").el();
    let failed_note = el("div")
        .class("send-failed")
        .attr("tabindex", "-1")
        .child(&el("h4").text(t("callback.failed.heading")).el())
        .child(&failed_text)
        .child(&el("p").text(t("callback.failed.talk_now")).el())
        .child(&service_list(
            profile.landlord_contacts.iter().chain(helpline),
        ))
        .child(&el("p").text(t("callback.note.in_danger")).el())
        .el();
    set_hidden(&failed_note, true);
    let summary_list = el("ul").el();
    let summary = el("div")
        .class("error-summary")
        .attr("tabindex", "-1")
        .attr("role", "alert")
        .child(&el("h4").text(t("callback.errors.heading")).el())
        .child(&summary_list)
        .el();
    summary_links(&summary, &form, listeners);
    let editing = el("div")
        // Where focus lands when it moves into the frame, so a screen reader starts here.
        .child(
            &el("p")
                .class("start")
                .attr("tabindex", "-1")
                .text(t("callback.intro"))
                .el(),
        )
        .child(&form)
        .child(&failed_note)
        .el();

    let me = Rc::new(Form {
        inputs: Inputs {
            area,
            method,
            contact,
            days,
            times,
            times_note,
            leave_message,
            someone_else,
            name_to_ask_for,
            gender,
            interpreter,
            bsl,
            other_needs,
            consent,
        },
        fields,
        form: form.clone().unchecked_into(),
        summary,
        summary_list,
        contact_label: label,
        sent_note: sent_note.clone(),
        failed_note,
        failed_text,
        editing: editing.clone(),
        submit,
        landlord: profile.id.clone(),
        area_ids: profile.areas.iter().map(|a| a.id.clone()).collect(),
        seal: settings.seal.clone(),
        endpoint,
        sending: RefCell::new(None),
        stage: RefCell::new(Stage::Editing),
        errors: RefCell::new(Vec::new()),
        home: carry.as_ref().map(|c| c.home.clone()).unwrap_or_default(),
    });
    *me.home.borrow_mut() = Rc::downgrade(&me);
    if let Some(carry) = carry {
        me.sending.replace(carry.sending);
        me.set_stage(carry.stage);
        if !carry.errors.is_empty() {
            me.show_errors(&carry.errors);
        }
    }
    let handle = me.clone();
    {
        let me = me.clone();
        listeners.on(&form, "submit", move |ev| {
            ev.prevent_default();
            me.submit();
        });
    }
    {
        let me = me.clone();
        listeners.on(&method_group, "change", move |_| {
            let method = chosen(&me.inputs.method).map(|n| METHODS[n].0);
            me.contact_label
                .set_text_content(Some(contact_label(method)));
        });
    }
    listeners.on(&clear, "click", move |_| {
        me.reset();
        me.set_stage(Stage::Editing);
    });
    let part = el("div")
        .class("callback")
        .child(&sent_note)
        .child(&editing)
        .el();
    (part, handle)
}

impl Form {
    pub fn carry(&self) -> FormCarry {
        FormCarry {
            stage: *self.stage.borrow(),
            sending: self.sending.borrow().clone(),
            errors: self.errors.borrow().clone(),
            home: self.home.clone(),
        }
    }

    /// Reads the answers from the inputs.
    fn draft(&self) -> Draft {
        let i = &self.inputs;
        Draft {
            area: chosen(&i.area).map(|n| self.area_ids[n].clone()),
            contact_method: chosen(&i.method).map(|n| METHODS[n].0),
            contact: i.contact.value(),
            safe_days: ticked(&i.days).map(|n| DAYS[n].0).collect(),
            safe_times: ticked(&i.times).map(|n| TIMES[n].0).collect(),
            safe_times_note: text(&i.times_note),
            leave_message: chosen(&i.leave_message) == Some(1),
            if_someone_else_answers: chosen(&i.someone_else).map(|n| ANSWERS[n].0),
            name_to_ask_for: text(&i.name_to_ask_for),
            officer_gender: chosen(&i.gender).map(|n| GENDERS[n].0).unwrap_or_default(),
            interpreter_language: text(&i.interpreter),
            bsl: i.bsl.as_ref().is_some_and(|b| b.checked()),
            other_access_needs: text(&i.other_needs),
            consent: i.consent.checked(),
            sending: self.sending.take(),
        }
    }

    fn submit(self: &Rc<Self>) {
        if *self.stage.borrow() == Stage::Sending {
            return;
        }
        let mut draft = self.draft();
        let key_id = self.seal.as_ref().map(|k| k.key_id.as_str());
        let attempt = draft.attempt(&self.landlord, &self.area_ids, key_id, new_id);
        self.sending.replace(draft.sending.take());
        // The answers are copied out of the inputs only for this check: free (and so zero) them now.
        drop(draft);
        let mut attempt = match attempt {
            Err(errors) => return self.show_errors(&errors),
            Ok(attempt) => attempt,
        };
        self.show_errors(&[]);
        if let (Some(key), None) = (&self.seal, &attempt.sealed) {
            let Some(envelope) = sealing::sealed_body(&attempt.request, key) else {
                return self.note(Stage::NotSealed);
            };
            attempt.sealed = Some(Sealed {
                key_id: key.key_id.clone(),
                envelope,
            });
            self.sending.replace(Some(attempt.clone()));
        }
        self.set_stage(Stage::Sending);
        // Only the request itself travels with the send: if the panel is closed meanwhile,
        // the form and its inputs are freed at once, and the outcome goes nowhere.
        let home = self.home.clone();
        let endpoint = self.endpoint.clone();
        spawn_local(async move {
            let outcome = send::send(&endpoint, &attempt).await;
            drop(attempt);
            let Some(me) = home.borrow().upgrade() else {
                return;
            };
            match outcome {
                Outcome::Sent => {
                    me.note(Stage::Sent);
                    me.reset();
                }
                Outcome::Refused(errors) => {
                    me.set_stage(Stage::Editing);
                    me.show_errors(&errors);
                }
                Outcome::Later { wait_secs } => me.note(Stage::Later {
                    minutes: wait_secs.div_ceil(60),
                }),
                Outcome::Retry { .. } | Outcome::Failed => me.note(Stage::Failed),
            }
        });
    }

    /// Empties every answer and error: after a send, and when the person asks.
    fn reset(&self) {
        self.form.reset();
        self.sending.replace(None);
        self.contact_label
            .set_text_content(Some(contact_label(None)));
        self.show_errors(&[]);
    }

    /// Each field's error beside it, and all of them in the summary above the form, which
    /// takes focus so that a screen reader reads them first.
    fn show_errors(&self, errors: &[FieldError]) {
        self.errors.replace(errors.to_vec());
        for field in &self.fields {
            let message = errors.iter().find(|e| e.field == field.name).map(said);
            field.show(message.as_deref());
        }
        if errors.is_empty() {
            self.summary.remove();
            return;
        }
        let items: Vec<Element> = errors
            .iter()
            .map(|e| {
                let href = format!("#{}", input_id(&e.field));
                el("li")
                    .child(&el("a").attr("href", &href).text(&said(e)).el())
                    .el()
            })
            .collect();
        replace_children(&self.summary_list, &items);
        let _ = self.form.before_with_node_1(&self.summary);
        focus(&self.summary);
    }

    /// Shows the note for `stage` and moves focus to it before the stage change hides the
    /// form, so focus never falls back to the page while a screen reader is following it.
    fn note(&self, stage: Stage) {
        let note = match stage {
            Stage::Sent => &self.sent_note,
            _ => &self.failed_note,
        };
        set_hidden(note, false);
        focus(note);
        self.set_stage(stage);
    }

    fn set_stage(&self, stage: Stage) {
        self.stage.replace(stage);
        set_hidden(&self.sent_note, stage != Stage::Sent);
        set_hidden(&self.editing, stage == Stage::Sent);
        let failed = matches!(
            stage,
            Stage::Failed | Stage::NotSealed | Stage::Later { .. }
        );
        set_hidden(&self.failed_note, !failed);
        let text = match stage {
            Stage::NotSealed => t("callback.failed.not_sealed").into(),
            Stage::Later { minutes } => {
                let key = wait_key(minutes);
                // format! rather than to_string, whose integer code the wasm would carry twice.
                let wait = fill(t(key), &[("minutes", &format!("{minutes}"))]);
                fill(t("callback.failed.busy"), &[("wait", &wait)])
            }
            _ => t("callback.failed.try_again").into(),
        };
        self.failed_text.set_text_content(Some(&text));
        let sending = stage == Stage::Sending;
        // aria-disabled, not disabled: a disabled button loses focus to the page.
        let _ = match sending {
            true => self.submit.set_attribute("aria-disabled", "true"),
            false => self.submit.remove_attribute("aria-disabled"),
        };
        self.submit.set_text_content(Some(t(match sending {
            true => "callback.button.sending",
            false => "callback.button.send",
        })));
    }
}

/// The catalogue key for how long to wait, by the number of minutes. Arabic counts 2, 3 to 10,
/// and 11 up each its own way; the other catalogues give the words their own grammar needs for
/// each of these.
fn wait_key(minutes: u32) -> &'static str {
    match minutes {
        0 | 1 => "callback.failed.busy.one_minute",
        2 => "callback.failed.busy.two_minutes",
        3..=10 => "callback.failed.busy.few_minutes",
        _ => "callback.failed.busy.minutes",
    }
}

#[cfg(test)]
mod wait_tests {
    use super::wait_key;

    #[test]
    fn each_number_of_minutes_takes_the_form_arabic_needs() {
        let keys: Vec<_> = [1, 2, 3, 10, 11, 60].into_iter().map(wait_key).collect();
        assert_eq!(
            keys,
            [
                "callback.failed.busy.one_minute",
                "callback.failed.busy.two_minutes",
                "callback.failed.busy.few_minutes",
                "callback.failed.busy.few_minutes",
                "callback.failed.busy.minutes",
                "callback.failed.busy.minutes",
            ]
        );
    }
}
