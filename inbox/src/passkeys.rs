//! "Your passkeys": every member's own passkeys, to add (with the passphrase again, so a
//! computer left signed in is not enough) and remove. While the member's team requires passkeys
//! and they have none, this is the only screen they can use.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::form::{
    confirmed_delete, focus, problem, yield_to_browser, Busy, ErrorSummary, Problem, TextField,
};
use crate::model::{Passkey, PasskeyAdd, PasskeyStart, Passkeys as PasskeysAnswer};
use crate::session::{app, App};
use crate::sign_in::proofs;
use crate::webauthn::{self, Failed};
use crate::when::stamp;

const NAME: &str = "passkey-name";
const PASSPHRASE: &str = "passkey-passphrase";
const ADD_BUTTON: &str = "add-passkey";
/// The longest name the server keeps, in characters.
const MAX_NAME: usize = 60;

fn check(name: &str, passphrase: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    if name.trim().is_empty() {
        problems.push(problem(
            NAME,
            "Enter a name for the passkey, like Work laptop",
        ));
    } else if name.trim().chars().count() > MAX_NAME {
        problems.push(problem(
            NAME,
            format!("The name must be {MAX_NAME} characters or fewer"),
        ));
    }
    if passphrase.is_empty() {
        problems.push(problem(PASSPHRASE, "Enter your passphrase"));
    }
    problems
}

#[component]
pub fn Passkeys() -> impl IntoView {
    let state = app();
    let listed = RwSignal::new(None::<Result<PasskeysAnswer, String>>);
    let problems = RwSignal::new(Vec::<Problem>::new());
    let added = RwSignal::new(None::<(String, bool)>);
    let reload = move || {
        spawn_local(async move {
            match api::get::<PasskeysAnswer>("passkeys").await {
                Ok(p) => listed.set(Some(Ok(p))),
                Err(f) => {
                    if let Some(m) = state.failed(f) {
                        listed.set(Some(Err(m)));
                    }
                }
            }
        })
    };
    reload();
    let must_add = move || state.must_add_passkey();
    view! {
        <div class="narrow">
            <ErrorSummary problems />
            {move || if must_add() {
                view! {
                    <h1 class="heading-l">"Add a passkey to carry on"</h1>
                    <p class="body">"Your team now signs in with passkeys instead of codes from an authenticator app."</p>
                    <p class="body">"Add a passkey on this device to carry on. Until you do, you can only add a passkey or sign out."</p>
                }.into_any()
            } else {
                view! { <h1 class="heading-l">"Your passkeys"</h1> }.into_any()
            }}
            <p class="body">
                "A passkey is kept on this device, or on your phone, and you unlock it with your fingerprint, face or screen lock. It works only on this inbox, so a fake sign-in page cannot use it."
            </p>
            <p class="body">"You still sign in with your passphrase. The passkey takes the place of the code from your authenticator app."</p>
            {move || added.get().map(|(name, was_setup)| view! {
                <div class="panel-plain" role="status">
                    <h2 class="heading-s">{format!("Passkey added: {name}")}</h2>
                    {if was_setup {
                        // The server keeps this session to adding passkeys: only a sign-in with
                        // the passkey itself opens the inbox, so a phished code never does.
                        let again = move |_| {
                            let csrf = state.csrf();
                            state.sign_out(Some("Sign in with your passphrase and your new passkey.".to_owned()));
                            spawn_local(async move {
                                let _ = api::delete("session", &csrf).await;
                            });
                        };
                        view! {
                            <p class="body">"To use the inbox, sign in again with your passphrase and this passkey."</p>
                            <button type="button" class="button" on:click=again>
                                "Sign in with your passkey"
                            </button>
                        }.into_any()
                    } else {
                        view! { <p class="body">"Next time, you can sign in with your passphrase and this passkey."</p> }.into_any()
                    }}
                </div>
            })}
            {move || match listed.get() {
                None => view! { <p class="body" role="status">"Loading your passkeys…"</p> }.into_any(),
                Some(Err(m)) => view! { <p class="error-message">{m}</p> }.into_any(),
                Some(Ok(answer)) => view! { <List answer problems reload=Callback::new(move |()| reload()) /> }.into_any(),
            }}
            {if webauthn::supported() {
                view! { <AddForm problems added reload=Callback::new(move |()| reload()) /> }.into_any()
            } else {
                view! {
                    <div class="inset-warning">
                        <h2 class="heading-s">"This browser cannot add passkeys"</h2>
                        <p class="body">"Use an up-to-date version of Chrome, Edge, Firefox or Safari."</p>
                    </div>
                }.into_any()
            }}
        </div>
    }
}

#[component]
fn List(
    answer: PasskeysAnswer,
    problems: RwSignal<Vec<Problem>>,
    reload: Callback<()>,
) -> impl IntoView {
    let required = answer.required;
    if answer.passkeys.is_empty() {
        return view! { <p class="body">"You have not added a passkey yet."</p> }.into_any();
    }
    let rows = answer
        .passkeys
        .into_iter()
        .map(|p| view! { <Row passkey=p problems reload /> })
        .collect_view();
    view! {
        <h2 class="heading-m">"Passkeys you have added"</h2>
        {required.then(|| view! {
            <p class="body">"Your team requires passkeys, so you cannot remove your only one. Add another first."</p>
        })}
        <div class="table-wrap" role="region" aria-label="Your passkeys" tabindex="0">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Added"</th>
                        <th scope="col">"Last used to sign in"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn Row(passkey: Passkey, problems: RwSignal<Vec<Problem>>, reload: Callback<()>) -> impl IntoView {
    let state = app();
    let confirming = RwSignal::new(false);
    let working = RwSignal::new(false);
    let question = format!("remove-passkey-{}", passkey.passkey_id);
    let remove = {
        let id = passkey.passkey_id.clone();
        move |_| {
            let path = format!("passkeys/{id}");
            confirmed_delete(
                state, path, ADD_BUTTON, working, confirming, problems, reload,
            );
        }
    };
    let name = passkey.name.clone();
    view! {
        <tr>
            <td>{passkey.name.clone()}</td>
            <td>{stamp(&passkey.created_at)}</td>
            <td>{passkey.last_used_at.as_deref().map_or_else(|| "Not yet".to_owned(), stamp)}</td>
            <td class="table__actions">
                {move || if confirming.get() {
                    view! {
                        <p class="body" id=question.clone() tabindex="-1">
                            {format!("Remove the passkey {name}? You will not be able to sign in with it.")}
                        </p>
                        <div class="button-group">
                            <button type="button" class="button button--warning button--small" disabled=move || working.get() on:click=remove.clone()>
                                "Yes, remove it"
                            </button>
                            <button type="button" class="button button--secondary button--small" on:click=move |_| confirming.set(false)>
                                "Cancel"
                            </button>
                        </div>
                    }.into_any()
                } else {
                    let (question, name) = (question.clone(), name.clone());
                    view! {
                        <button type="button" class="button button--warning button--small" on:click=move |_| {
                            confirming.set(true);
                            let question = question.clone();
                            request_animation_frame(move || focus(&question));
                        }>
                            "Remove"<span class="visually-hidden">{format!(" the passkey {name}")}</span>
                        </button>
                    }.into_any()
                }}
            </td>
        </tr>
    }
}

/// Why a passkey was not added, and where the error summary sends focus.
fn not_added(f: Failed) -> Problem {
    problem(
        ADD_BUTTON,
        match f {
            Failed::NotUsed => "The passkey was not added. You may have cancelled, or your device could not check it was you. Try again when you are ready.",
            Failed::AlreadyHere => "This device already has a passkey for you. Use it to sign in, or add a passkey on another device.",
            Failed::Other => "This browser or device could not make a passkey. Try another browser or device.",
        },
    )
}

#[component]
fn AddForm(
    problems: RwSignal<Vec<Problem>>,
    added: RwSignal<Option<(String, bool)>>,
    reload: Callback<()>,
) -> impl IntoView {
    let state = app();
    let name = RwSignal::new(String::new());
    let passphrase = RwSignal::new(String::new());
    let busy = RwSignal::new(None::<&'static str>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked().is_some() {
            return;
        }
        let (n, p) = (
            name.get_untracked().trim().to_owned(),
            passphrase.get_untracked(),
        );
        let found = check(&n, &p);
        if !found.is_empty() {
            problems.set(found);
            return;
        }
        problems.set(Vec::new());
        added.set(None);
        busy.set(Some("Make the passkey when your browser asks."));
        spawn_local(async move {
            let was_setup = state.must_add_passkey();
            let outcome = add(state, &n, &p, busy).await;
            busy.set(None);
            match outcome {
                Ok(()) => {
                    passphrase.set(String::new());
                    name.set(String::new());
                    added.set(Some((n, was_setup)));
                    reload.run(());
                }
                Err(p) => {
                    passphrase.set(String::new());
                    problems.set(vec![p]);
                }
            }
        });
    };
    view! {
        <h2 class="heading-m">"Add a passkey"</h2>
        <form on:submit=submit novalidate>
            <TextField
                id=NAME
                label="Name for this passkey"
                hint="So you can tell your passkeys apart, for example Work laptop or Phone"
                value=name
                problems
            />
            <TextField
                id=PASSPHRASE
                label="Your passphrase"
                hint="We ask for it again so that nobody can add a passkey on a computer you left signed in."
                value=passphrase
                problems
                kind="password"
                autocomplete="current-password"
            />
            <Busy message=busy.into() />
            <button type="submit" class="button" id=ADD_BUTTON disabled=move || busy.get().is_some()>
                "Add a passkey"
            </button>
        </form>
    }
}

/// Makes a passkey and has the server keep it. `state` is passed in: the app's context is not
/// there to look up once the task has awaited.
async fn add(
    state: App,
    name: &str,
    passphrase: &str,
    busy: RwSignal<Option<&'static str>>,
) -> Result<(), Problem> {
    let csrf = state.csrf();
    let Some(email) = state
        .session
        .with_untracked(|s| s.as_ref().map(|s| s.email.clone()))
    else {
        return Err(problem(ADD_BUTTON, "You are signed out. Sign in again."));
    };
    let failed = |f: api::Failure| problem(ADD_BUTTON, state.failed(f).unwrap_or_default());
    let start: PasskeyStart = api::post(
        "passkeys/register/start",
        &serde_json::json!({}),
        Some(&csrf),
    )
    .await
    .map_err(failed)?;
    let credential = webauthn::create(&start.public_key)
        .await
        .map_err(not_added)?;
    busy.set(Some("Checking your passphrase… this takes a few seconds."));
    yield_to_browser().await;
    let (derived, older) = proofs(&email, passphrase)
        .await
        .map_err(|m| problem(PASSPHRASE, m))?;
    let body = PasskeyAdd {
        state: start.state,
        name: name.to_owned(),
        proof: derived.proof.clone(),
        older_proof: older.as_ref().map(|o| o.proof.clone()),
        credential,
    };
    match api::post::<serde_json::Value>("passkeys/register/finish", &body, Some(&csrf)).await {
        Ok(_) => Ok(()),
        Err(f) if f.status == 403 => Err(problem(PASSPHRASE, f.message)),
        Err(f) => Err(failed(f)),
    }
}
