//! GOV.UK form pieces: the error summary (focused when it appears, with links that move focus
//! to the field), text fields and radios that show their own error.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::api;
use crate::clipboard;
use crate::session::App;

#[derive(Clone)]
pub struct Problem {
    pub field: &'static str,
    pub message: String,
}

pub fn problem(field: &'static str, message: impl Into<String>) -> Problem {
    Problem {
        field,
        message: message.into(),
    }
}

/// Sends a removal the person has confirmed, then reloads what it changed, or shows why not
/// against `field`. The confirmation closes either way.
pub fn confirmed_delete(
    state: App,
    path: String,
    field: &'static str,
    working: RwSignal<bool>,
    confirming: RwSignal<bool>,
    problems: RwSignal<Vec<Problem>>,
    reload: Callback<()>,
) {
    working.set(true);
    spawn_local(async move {
        let outcome = api::delete(&path, &state.csrf()).await;
        working.set(false);
        confirming.set(false);
        match outcome {
            Ok(_) => {
                problems.set(Vec::new());
                reload.run(());
            }
            Err(f) => {
                if let Some(m) = state.failed(f) {
                    problems.set(vec![problem(field, m)]);
                }
            }
        }
    });
}

/// Moves focus without touching the address: a `#field` link would add to the history.
pub fn focus(id: &str) {
    if let Some(el) = document()
        .get_element_by_id(id)
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

/// Lets the browser paint a "please wait" message before a long piece of work starts.
pub async fn yield_to_browser() {
    gloo_timers::future::TimeoutFuture::new(50).await;
}

#[component]
pub fn ErrorSummary(problems: RwSignal<Vec<Problem>>) -> impl IntoView {
    Effect::new(move |_| {
        if problems.with(|p| !p.is_empty()) {
            focus("error-summary");
        }
    });
    view! {
        <div
            class="error-summary"
            id="error-summary"
            tabindex="-1"
            aria-labelledby="error-summary-title"
            role="alert"
            hidden=move || problems.with(Vec::is_empty)
        >
            <h2 class="error-summary__title" id="error-summary-title">
                "There is a problem"
            </h2>
            <ul class="error-summary__list">
                {move || {
                    problems
                        .get()
                        .into_iter()
                        .map(|p| {
                            let field = p.field;
                            view! {
                                <li>
                                    <a
                                        href=format!("#{field}")
                                        on:click=move |ev| {
                                            ev.prevent_default();
                                            focus(field);
                                        }
                                    >
                                        {p.message}
                                    </a>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </div>
    }
}

fn message_for(problems: RwSignal<Vec<Problem>>, id: &'static str) -> Option<String> {
    problems.with(|p| p.iter().find(|p| p.field == id).map(|p| p.message.clone()))
}

#[component]
fn ErrorMessage(problems: RwSignal<Vec<Problem>>, id: &'static str) -> impl IntoView {
    move || {
        message_for(problems, id).map(|m| {
            view! {
                <p class="error-message" id=format!("{id}-error")>
                    <span class="visually-hidden">"Error: "</span>
                    {m}
                </p>
            }
        })
    }
}

/// The six-digit code from an authenticator app, as enrolment and sign-in both ask for it.
#[component]
pub fn CodeField(
    hint: &'static str,
    value: RwSignal<String>,
    problems: RwSignal<Vec<Problem>>,
) -> impl IntoView {
    view! {
        <TextField
            id="code"
            label="Code from your authenticator app"
            hint
            value
            problems
            autocomplete="one-time-code"
            inputmode="numeric"
            class="input input--width-10"
        />
    }
}

#[component]
pub fn TextField(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    problems: RwSignal<Vec<Problem>>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(default = "input")] class: &'static str,
) -> impl IntoView {
    let has_error = move || problems.with(|p| p.iter().any(|p| p.field == id));
    let described = move || {
        let mut ids = Vec::new();
        if hint.is_some() {
            ids.push(format!("{id}-hint"));
        }
        if has_error() {
            ids.push(format!("{id}-error"));
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    };
    view! {
        <div class=move || if has_error() { "form-group form-group--error" } else { "form-group" }>
            <label class="label" for=id>
                {label}
            </label>
            {hint.map(|h| view! { <div class="hint" id=format!("{id}-hint")>{h}</div> })}
            <ErrorMessage problems id />
            <input
                class=move || if has_error() { format!("{class} input--error") } else { class.to_owned() }
                id=id
                name=id
                type=kind
                autocomplete=autocomplete
                spellcheck="false"
                inputmode=inputmode
                aria-describedby=described
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </div>
    }
}

#[component]
pub fn Radios(
    id: &'static str,
    legend: &'static str,
    options: &'static [(&'static str, &'static str)],
    value: RwSignal<String>,
    problems: RwSignal<Vec<Problem>>,
) -> impl IntoView {
    let has_error = move || problems.with(|p| p.iter().any(|p| p.field == id));
    view! {
        <div class=move || if has_error() { "form-group form-group--error" } else { "form-group" }>
            <fieldset
                class="fieldset"
                aria-describedby=move || has_error().then(|| format!("{id}-error"))
            >
                <legend class="fieldset__legend">{legend}</legend>
                <ErrorMessage problems id />
                <div class="radios">
                    {options
                        .iter()
                        .enumerate()
                        .map(|(n, (wire, text))| {
                            // The first radio carries the group's id, so the summary's link
                            // lands on it.
                            let input_id = if n == 0 { id.to_owned() } else { format!("{id}-{wire}") };
                            view! {
                                <div class="radios__item">
                                    <input
                                        class="radios__input"
                                        id=input_id.clone()
                                        name=id
                                        type="radio"
                                        value=*wire
                                        prop:checked=move || value.with(|v| v == wire)
                                        on:change=move |_| value.set((*wire).to_owned())
                                    />
                                    <label class="label radios__label" for=input_id>
                                        {*text}
                                    </label>
                                </div>
                            }
                        })
                        .collect_view()}
                </div>
            </fieldset>
        </div>
    }
}

/// Says, politely, that work is under way; screen readers hear it too.
#[component]
pub fn Busy(message: Signal<Option<&'static str>>) -> impl IntoView {
    view! {
        <p class="busy" role="status">
            {move || message.get()}
        </p>
    }
}

#[component]
pub fn CopyButton(text: String, what: &'static str) -> impl IntoView {
    let said = RwSignal::new(None::<&'static str>);
    let copy = move |_| {
        let copied = clipboard::copy(&text);
        spawn_local(async move {
            said.set(Some(if copied.await {
                "Copied"
            } else {
                "Could not copy. Select the text and copy it instead."
            }));
        });
    };
    view! {
        <button type="button" class="button button--secondary button--small" on:click=copy>
            "Copy"
            <span class="visually-hidden">{format!(" {}", what.to_lowercase())}</span>
        </button>
        <span class="copy-status" role="status">{move || said.get()}</span>
    }
}
