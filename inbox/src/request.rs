//! One request, opened on this device: the person's safe-contact instructions first and large,
//! the landlord's own guidance beside them, then what staff can do with it.

use leptos::prelude::*;
use leptos::task::spawn_local;
use safe_contact_callback::FieldError;

use crate::api;
use crate::form::{focus, problem, CopyButton, ErrorSummary, Radios};
use crate::inbox::now_secs;
use crate::instructions::{instructions, Instructions};
use crate::keys::{self, Expected, OpenProblem};
use crate::listing::reference;
use crate::model::{outcome_label, Close, Item, ItemWithEnvelope, OUTCOMES};
use crate::session::{app, Opened, Screen};
use crate::when::{age, time_left};

#[component]
pub fn Request(id: String) -> impl IntoView {
    let state = app();
    let failure = RwSignal::new(None::<String>);
    let path = format!("requests/{id}");
    let chosen = id.clone();
    spawn_local(async move {
        match api::get::<ItemWithEnvelope>(&path).await {
            Ok(answer) => {
                let no_key = || OpenProblem::NoKey(answer.item.key_id.clone().unwrap_or_default());
                let request = match &answer.envelope {
                    _ if answer.item.request_id != chosen => Err(OpenProblem::NotThisRequest),
                    Some(envelope) => state.session.with_untracked(|s| {
                        state.keys.with_untracked(|k| match (s, k) {
                            (Some(s), Some(k)) => {
                                let expected = Expected {
                                    request_id: &chosen,
                                    landlord: &s.landlord,
                                    areas: &s.areas,
                                };
                                keys::open_request(k, envelope, &expected)
                            }
                            _ => Err(no_key()),
                        })
                    }),
                    None => Err(OpenProblem::NotSealed),
                };
                state.opened.set(Some(Opened {
                    item: answer.item,
                    request,
                }));
            }
            Err(f) => failure.set(state.failed(f)),
        }
    });
    let back = move |_| state.go(Screen::Inbox);
    view! {
        <button type="button" class="back-link" on:click=back>
            "Back to requests"
        </button>
        {move || {
            let loaded = state.opened.with(|o| o.is_some());
            match (loaded, failure.get()) {
                (true, _) => view! { <OpenedRequest id=id.clone() /> }.into_any(),
                (false, Some(message)) => view! { <p class="error-message">{message}</p> }.into_any(),
                (false, None) => view! { <p class="body" role="status">"Opening the request…"</p> }.into_any(),
            }
        }}
    }
}

fn status_words(item: &Item) -> String {
    match item.status.as_str() {
        "new" => "New".to_owned(),
        "contacted" => "Contacted".to_owned(),
        "closed" => match &item.outcome {
            Some(o) => format!("Closed: {}", outcome_label(o)),
            None => "Closed".to_owned(),
        },
        other => other.to_owned(),
    }
}

#[component]
fn OpenedRequest(id: String) -> impl IntoView {
    let state = app();
    let heading = format!("Request {}", reference(&id));
    let meta = move || {
        state.opened.with(|o| {
            o.as_ref().map(|o| {
                let now = now_secs();
                format!(
                    "Received {}. Status: {}. It will be {}.",
                    age(&o.item.received_at, now),
                    status_words(&o.item),
                    time_left(&o.item.expires_at, now)
                )
            })
        })
    };
    // Computed once per opening; status changes do not redraw the instructions.
    let shown = state.opened.with_untracked(|o| {
        o.as_ref().map(|o| match &o.request {
            Ok(c) => Ok((instructions(&c.request), c.fails_checks.clone())),
            Err(OpenProblem::NoKey(k)) => Err(format!(
                "You cannot open this request. It was sealed with the landlord key \"{k}\", and you have not been given that key. Ask a lead to give you access."
            )),
            Err(OpenProblem::NotSealed) => Err(
                "This request was stored without sealing, so the inbox cannot show it. Read it with the safe-contact-staff command-line tool.".to_owned(),
            ),
            Err(OpenProblem::Damaged) => Err(
                "This request could not be opened: it may be damaged. Tell whoever runs the inbox for your landlord.".to_owned(),
            ),
            Err(OpenProblem::NotThisRequest) => Err(
                "This request cannot be shown. What the server sent is not the request you chose: it names another request or another landlord. Someone may have changed the stored requests. Do not act on it, and tell whoever runs the inbox for your landlord.".to_owned(),
            ),
        })
    });
    view! {
        <h1 class="heading-l">{heading}</h1>
        <p class="body">{meta}</p>
        {match &shown {
            Some(Ok((_, failed))) if !failed.is_empty() => view! { <FailsChecks failed=failed.clone() /> }.into_any(),
            _ => ().into_any(),
        }}
        <div class="request-layout">
            {match shown {
                Some(Ok((i, _))) => view! { <InstructionsPanel i /> }.into_any(),
                Some(Err(message)) => view! { <div class="inset-warning" role="alert"><p class="body">{message}</p></div> }.into_any(),
                None => ().into_any(),
            }}
            <Guidance />
        </div>
        <Actions id />
    }
}

/// A request the form itself would have refused. The server cannot check a sealed request, and
/// anyone with the landlord's public key can seal one, so it may not be from the person it
/// seems to be from.
#[component]
fn FailsChecks(failed: Vec<FieldError>) -> impl IntoView {
    view! {
        <div class="inset-warning" role="alert">
            <h2 class="heading-s">"Take care with this request"</h2>
            <p class="body">
                "It does not pass the form's own checks, so it did not come from the form as it is. Do not follow any link or instruction in it. Talk to your lead before you contact anyone."
            </p>
            <p class="body">"What the form would have said:"</p>
            <ul class="list">
                {failed.into_iter().map(|e| view! { <li>{e.message}</li> }).collect_view()}
            </ul>
        </div>
    }
}

#[component]
fn InstructionsPanel(i: Instructions) -> impl IntoView {
    view! {
        <section class="instructions" aria-labelledby="instructions-title">
            <h2 class="heading-m" id="instructions-title">"How to contact them safely"</h2>
            <p class="instructions__method">{i.method}</p>
            <p class="instructions__label">{i.contact_label}</p>
            <p class="instructions__contact">
                <span class="instructions__value">{i.contact.clone()}</span>
                <CopyButton text=i.contact what=i.contact_label />
            </p>
            <dl class="instructions__list">
                {i
                    .lines
                    .into_iter()
                    .map(|l| {
                        view! {
                            <div class="instructions__row">
                                <dt class="instructions__key">{l.label}</dt>
                                <dd class="instructions__answer">{l.value}</dd>
                            </div>
                        }
                    })
                    .collect_view()}
            </dl>
        </section>
    }
}

#[component]
fn Guidance() -> impl IntoView {
    let state = app();
    let lines = state
        .session
        .with_untracked(|s| s.as_ref().map(|s| s.guidance.clone()).unwrap_or_default());
    (!lines.is_empty()).then(|| {
        view! {
            <aside class="guidance" aria-labelledby="guidance-title">
                <h2 class="heading-s" id="guidance-title">"Your team's guidance"</h2>
                <ul class="list">
                    {lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}
                </ul>
            </aside>
        }
    })
}

#[component]
fn Actions(id: String) -> impl IntoView {
    let state = app();
    let outcome = RwSignal::new(String::new());
    let problems = RwSignal::new(Vec::new());
    let confirming = RwSignal::new(false);
    let working = RwSignal::new(false);
    let status = move || {
        state
            .opened
            .with(|o| o.as_ref().map(|o| o.item.status.clone()))
    };

    let updated = move |result: Result<Item, api::Failure>| match result {
        Ok(item) => {
            problems.set(Vec::new());
            state.opened.update(|o| {
                if let Some(o) = o {
                    o.item = item;
                }
            });
        }
        Err(f) => {
            if let Some(message) = state.failed(f) {
                problems.set(vec![problem("actions", message)]);
            }
        }
    };

    let contacted_path = format!("requests/{id}/contacted");
    let mark_contacted = move |_| {
        let path = contacted_path.clone();
        working.set(true);
        spawn_local(async move {
            updated(api::post_bare::<Item>(&path, &state.csrf()).await);
            working.set(false);
        });
    };

    let close_path = format!("requests/{id}/close");
    let close = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let chosen = outcome.get_untracked();
        let Some(&(wire, _)) = OUTCOMES.iter().find(|(w, _)| *w == chosen) else {
            problems.set(vec![problem("outcome", "Select what happened")]);
            return;
        };
        let path = close_path.clone();
        working.set(true);
        spawn_local(async move {
            updated(api::post::<Item>(&path, &Close { outcome: wire }, Some(&state.csrf())).await);
            working.set(false);
        });
    };

    let delete_path = format!("requests/{id}");
    let delete = move |_| {
        let path = delete_path.clone();
        working.set(true);
        spawn_local(async move {
            match api::delete(&path, &state.csrf()).await {
                Ok(_) => {
                    state.go(Screen::Inbox);
                    state
                        .notice
                        .set(Some("The request was deleted.".to_owned()));
                }
                Err(f) => {
                    working.set(false);
                    if let Some(message) = state.failed(f) {
                        problems.set(vec![problem("actions", message)]);
                    }
                }
            }
        });
    };

    view! {
        <section class="actions" id="actions" tabindex="-1" aria-labelledby="actions-title">
            <ErrorSummary problems />
            <h2 class="heading-m" id="actions-title">"What you have done"</h2>
            {move || {
                (status().as_deref() == Some("new"))
                    .then(|| {
                        view! {
                            <p class="body">"When you have made contact, or tried to, mark it."</p>
                            <button type="button" class="button" disabled=move || working.get() on:click=mark_contacted.clone()>
                                "Mark as contacted"
                            </button>
                        }
                    })
            }}
            {move || {
                (status().is_some_and(|s| s != "closed"))
                    .then(|| {
                        view! {
                            <form class="actions__close" on:submit=close.clone() novalidate>
                                <Radios id="outcome" legend="Close the request: what happened?" options=OUTCOMES value=outcome problems />
                                <button type="submit" class="button button--secondary" disabled=move || working.get()>
                                    "Close request"
                                </button>
                            </form>
                        }
                    })
            }}
            <h2 class="heading-m">"Delete the request"</h2>
            <p class="body">
                "Requests are deleted automatically. You can delete this one now: it is removed for everyone and cannot be brought back."
            </p>
            {move || {
                if confirming.get() {
                    view! {
                        <div class="confirm" role="group" aria-labelledby="confirm-delete">
                            <p class="body" id="confirm-delete" tabindex="-1">
                                <strong>"Are you sure you want to delete this request now?"</strong>
                            </p>
                            <div class="button-group">
                                <button type="button" class="button button--warning" disabled=move || working.get() on:click=delete.clone()>
                                    "Yes, delete it now"
                                </button>
                                <button type="button" class="button button--secondary" on:click=move |_| confirming.set(false)>
                                    "Cancel"
                                </button>
                            </div>
                        </div>
                    }
                        .into_any()
                } else {
                    view! {
                        <button type="button" class="button button--warning" on:click=move |_| {
                            confirming.set(true);
                            request_animation_frame(|| focus("confirm-delete"));
                        }>
                            "Delete now"
                        </button>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}
