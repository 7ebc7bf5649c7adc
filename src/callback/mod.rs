//! The safe call-back request: the few answers a landlord needs to contact someone safely,
//! sent to the landlord's endpoint. It sits after the "in danger now" advice, never instead of it.

mod draft;
mod fields;
mod sealing;
mod send;

use leptos::prelude::*;
use leptos::task::spawn_local;
use safe_contact_callback::{ContactMethod, Day, IfSomeoneElseAnswers, OfficerGender, TimeOfDay};
use safe_contact_profile::{CallbackSettings, OptionalQuestion, Profile, Service};
use wasm_bindgen::JsCast;

use crate::contact::ServiceList;
use draft::{Draft, Sealed};
use fields::{input_id, Checkbox, Checkboxes, FormState, Radios, TextField};
use send::Outcome;

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

fn new_id() -> String {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid())
        .unwrap_or_default()
}

/// Moves focus to the element with `id` in the same shadow root as `from`. The error summary's
/// links use this instead of following `#id`, which would change the page address.
fn focus_in_root(from: &web_sys::Node, id: &str) {
    let root = from.get_root_node();
    let found = root
        .dyn_ref::<web_sys::ShadowRoot>()
        .and_then(|r| r.get_element_by_id(id))
        .or_else(|| {
            root.dyn_ref::<web_sys::Document>()
                .and_then(|d| d.get_element_by_id(id))
        });
    if let Some(el) = found.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = el.focus();
    }
}

fn focus_soon(node: NodeRef<leptos::html::Div>) {
    request_animation_frame(move || {
        if let Some(el) = node.get_untracked() {
            let _ = el.focus();
        }
    });
}

/// Shows a note and moves focus to it at once, before the stage change that hides the form
/// re-renders: focus never falls back to the page while a screen reader is following it.
fn reveal(node: NodeRef<leptos::html::Div>) {
    if let Some(el) = node.get_untracked() {
        el.set_hidden(false);
        let _ = el.focus();
    }
}

#[component]
pub fn CallbackForm(
    profile: Profile,
    settings: CallbackSettings,
    endpoint: String,
    helpline: Option<Service>,
) -> impl IntoView {
    let form = FormState {
        draft: RwSignal::new(Draft::default()),
        errors: RwSignal::new(Vec::new()),
    };
    let stage = RwSignal::new(Stage::Editing);
    let summary = NodeRef::<leptos::html::Div>::new();
    let sent_note = NodeRef::<leptos::html::Div>::new();
    let failed_note = NodeRef::<leptos::html::Div>::new();

    let asks = |q: OptionalQuestion| !settings.not_asked.contains(&q);
    let seal = settings.seal.clone();
    let landlord = profile.id.clone();
    let area_ids: Vec<String> = profile.areas.iter().map(|a| a.id.clone()).collect();
    let area_question = (profile.areas.len() > 1).then(|| {
        let options = profile
            .areas
            .iter()
            .map(|a| (a.id.clone(), a.name.clone()))
            .collect();
        view! {
            <Radios form field="area" legend="Which area do you live in?" options
                get=|d| d.area.clone() set=|d, v| d.area = Some(v)/>
        }
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if stage.get_untracked() == Stage::Sending {
            return;
        }
        let attempt = form
            .draft
            .try_update(|d| {
                let key_id = seal.as_ref().map(|k| k.key_id.as_str());
                d.attempt(&landlord, &area_ids, key_id, new_id)
            })
            .expect("draft is alive");
        match attempt {
            Err(errors) => {
                form.errors.set(errors);
                focus_soon(summary);
            }
            Ok(mut attempt) => {
                form.errors.set(Vec::new());
                if let (Some(key), None) = (&seal, &attempt.sealed) {
                    let Some(envelope) = sealing::sealed_body(&attempt.request, key) else {
                        reveal(failed_note);
                        stage.set(Stage::NotSealed);
                        return;
                    };
                    attempt.sealed = Some(Sealed {
                        key_id: key.key_id.clone(),
                        envelope,
                    });
                    let kept = attempt.clone();
                    form.draft.update(|d| d.sending = Some(kept));
                }
                stage.set(Stage::Sending);
                let endpoint = endpoint.clone();
                spawn_local(async move {
                    match send::send(&endpoint, &attempt).await {
                        Outcome::Sent => {
                            reveal(sent_note);
                            form.draft.set(Draft::default());
                            stage.set(Stage::Sent);
                        }
                        Outcome::Refused(errors) => {
                            form.errors.set(errors);
                            stage.set(Stage::Editing);
                            focus_soon(summary);
                        }
                        Outcome::Later { wait_secs } => {
                            reveal(failed_note);
                            stage.set(Stage::Later {
                                minutes: wait_secs.div_ceil(60),
                            });
                        }
                        Outcome::Retry { .. } | Outcome::Failed => {
                            reveal(failed_note);
                            stage.set(Stage::Failed);
                        }
                    }
                });
            }
        }
    };

    let clear = move |_| {
        form.draft.set(Draft::default());
        form.errors.set(Vec::new());
        stage.set(Stage::Editing);
    };

    let contact_label = Signal::derive(move || {
        match form.draft.with(|d| d.contact_method) {
            Some(ContactMethod::Email) => "A safe email address",
            _ => "A safe phone number",
        }
        .to_string()
    });
    let name = profile.name.clone();
    let consent_text =
        format!("I agree that {name} can use these details to contact me about support.");
    let privacy = match settings.privacy_notice.as_ref().and_then(|c| c.href()) {
        Some(href) => view! {
            <p class="form-hint">
                <a href=href rel="noreferrer">{format!("How {name} looks after your information")}</a>
            </p>
        }
        .into_any(),
        None => view! {
            <p class="form-hint">{format!("You can ask {name} how it looks after your information.")}</p>
        }
        .into_any(),
    };
    let fallback_services: Vec<Service> = profile
        .landlord_contacts
        .iter()
        .cloned()
        .chain(helpline)
        .collect();
    let next_steps = settings.next_steps.clone();

    view! {
        <div class="callback">
            // Shown and hidden rather than re-created, so the form keeps what was typed.
            <div class="panel-success" node_ref=sent_note tabindex="-1" hidden=move || stage.get() != Stage::Sent>
                <h4>"Your request has been sent"</h4>
                <p>{next_steps}</p>
                <p>"What you typed has been cleared from this page."</p>
                <p>"If you are in danger now, call 999."</p>
            </div>
            <div hidden=move || stage.get() == Stage::Sent>
                <p>
                    "We ask for as little as we can, so that there is less for anyone else to find. "
                    "Do not tell us here what has happened: we will ask when we talk, in a way that is safe for you."
                </p>
                <Show when=move || form.errors.with(|e| !e.is_empty())>
                    <div class="error-summary" node_ref=summary tabindex="-1" role="alert">
                        <h4>"There is a problem"</h4>
                        <ul>
                            {move || form.errors.get().into_iter().map(|e| {
                                let id = input_id(&e.field);
                                let target = id.clone();
                                view! {
                                    <li>
                                        <a href=format!("#{id}") on:click=move |ev| {
                                            ev.prevent_default();
                                            if let Some(node) = ev.target().and_then(|t| t.dyn_into::<web_sys::Node>().ok()) {
                                                focus_in_root(&node, &target);
                                            }
                                        }>{e.message}</a>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </div>
                </Show>
                // Session-replay tools skip what carries these, so no recording holds the answers.
                <form novalidate on:submit=on_submit class="rr-block ph-no-capture fs-exclude sentry-block"
                    data-hj-suppress="" data-clarity-mask="true" data-dd-privacy="hidden">
                    {area_question}
                    <Radios form field="contact_method" legend="How should we contact you?"
                        options=vec![
                            (ContactMethod::Call, "Phone call".to_string()),
                            (ContactMethod::Text, "Text message".to_string()),
                            (ContactMethod::Email, "Email".to_string()),
                        ]
                        get=|d| d.contact_method set=|d, v| d.contact_method = Some(v)/>
                    <TextField form field="contact" label=contact_label input_type="text"
                        hint="Only give one that the person harming you cannot see or answer."
                        get=|d| d.contact.clone() set=|d, v| d.contact = v/>
                    <Checkboxes form field="safe_days" legend="Which days are safe?"
                        hint="Select all that apply."
                        options=vec![
                            (Day::Monday, "Monday"), (Day::Tuesday, "Tuesday"), (Day::Wednesday, "Wednesday"),
                            (Day::Thursday, "Thursday"), (Day::Friday, "Friday"), (Day::Saturday, "Saturday"),
                            (Day::Sunday, "Sunday"),
                        ]
                        get=|d| d.safe_days.as_slice() list=|d| &mut d.safe_days/>
                    <Checkboxes form field="safe_times" legend="What times of day are safe?"
                        hint="Select all that apply."
                        options=vec![
                            (TimeOfDay::Morning, "Morning"),
                            (TimeOfDay::Afternoon, "Afternoon"),
                            (TimeOfDay::Evening, "Evening"),
                        ]
                        get=|d| d.safe_times.as_slice() list=|d| &mut d.safe_times/>
                    {asks(OptionalQuestion::SafeTimesNote).then(|| view! {
                        <TextField form field="safe_times_note" label="Anything else about safe times (optional)"
                            hint="For example: not when the children are home."
                            get=|d| d.safe_times_note.clone() set=|d, v| d.safe_times_note = v/>
                    })}
                    <Radios form field="leave_message" legend="Can we leave a voicemail or message?"
                        hint="If you are not sure, choose no."
                        options=vec![(false, "No".to_string()), (true, "Yes".to_string())]
                        get=|d| Some(d.leave_message) set=|d, v| d.leave_message = v/>
                    <Radios form field="if_someone_else_answers" legend="If someone else answers, what should we do?"
                        options=vec![
                            (IfSomeoneElseAnswers::HangUp, "End the call without saying who we are".to_string()),
                            (IfSomeoneElseAnswers::RoutineSurvey, "Say it is a routine survey call".to_string()),
                            (IfSomeoneElseAnswers::AskForName, "Ask for you by the name you give below".to_string()),
                        ]
                        get=|d| d.if_someone_else_answers set=|d, v| d.if_someone_else_answers = Some(v)/>
                    {asks(OptionalQuestion::NameToAskFor).then(|| view! {
                        <TextField form field="name_to_ask_for" label="The name to ask for (optional)"
                            hint="It does not have to be your real name."
                            get=|d| d.name_to_ask_for.clone() set=|d, v| d.name_to_ask_for = v/>
                    })}
                    {asks(OptionalQuestion::OfficerGender).then(|| view! {
                        <Radios form field="officer_gender" legend="Would you like to speak to a woman or a man?"
                            options=vec![
                                (OfficerGender::NoPreference, "No preference".to_string()),
                                (OfficerGender::Woman, "A woman".to_string()),
                                (OfficerGender::Man, "A man".to_string()),
                            ]
                            get=|d| Some(d.officer_gender) set=|d, v| d.officer_gender = v/>
                    })}
                    {asks(OptionalQuestion::AccessNeeds).then(|| view! {
                        <TextField form field="interpreter_language" label="If you need an interpreter, which language? (optional)"
                            hint="We use professional interpreters, never family or friends."
                            get=|d| d.interpreter_language.clone() set=|d, v| d.interpreter_language = v/>
                        <Checkbox form field="bsl" get=|d| d.bsl set=|d, v| d.bsl = v>
                            "I need a British Sign Language (BSL) interpreter"
                        </Checkbox>
                        <TextField form field="other_access_needs" label="Anything else that would help us contact you (optional)"
                            get=|d| d.other_access_needs.clone() set=|d, v| d.other_access_needs = v/>
                    })}
                    <Checkbox form field="consent" get=|d| d.consent set=|d, v| d.consent = v>
                        {consent_text}
                    </Checkbox>
                    {privacy}
                    <div class="button-group">
                        // aria-disabled, not disabled: a disabled button loses focus to the page.
                        <button type="submit" class="button" aria-disabled=move || (stage.get() == Stage::Sending).then_some("true")>
                            {move || if stage.get() == Stage::Sending { "Sending" } else { "Send request" }}
                        </button>
                        <button type="button" class="button button-secondary" on:click=clear>
                            "Clear form"
                        </button>
                    </div>
                </form>
                <div class="send-failed" node_ref=failed_note tabindex="-1"
                    hidden=move || !matches!(stage.get(), Stage::Failed | Stage::NotSealed | Stage::Later { .. })>
                    <h4>"Your request has not been sent"</h4>
                    <p>
                        {move || match stage.get() {
                            Stage::NotSealed => "We could not protect your request on this device, so we did not send it. What you typed is still here.".to_string(),
                            Stage::Later { minutes } => format!(
                                "Too many requests are being sent just now. What you typed is still here. You can send it again in {}.",
                                if minutes <= 1 { "a minute".to_string() } else { format!("{minutes} minutes") }
                            ),
                            _ => "What you typed is still here. You can try again in a few minutes.".to_string(),
                        }}
                    </p>
                    <p>"If you would rather talk to someone now:"</p>
                    <ServiceList services=fallback_services/>
                    <p>"If you are in danger now, call 999."</p>
                </div>
            </div>
        </div>
    }
}
