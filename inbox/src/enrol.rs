//! Enrolment from an invite link: the passphrase (turned into a proof and a wrapping key on the
//! device), the member's own key pair, made here and sent only wrapped, and the authenticator.

use leptos::prelude::*;
use leptos::task::spawn_local;
use safe_contact_seal::rand_core::UnwrapErr;
use serde::Deserialize;

use crate::api;
use crate::form::{problem, yield_to_browser, Busy, CodeField, ErrorSummary, Problem, TextField};
use crate::invite_link::BrokenLink;
use crate::keys;
use crate::model::{Accept, Invite, InviteLookup};
use crate::qr::qr_path;
use crate::session::{app, Screen};
use crate::sign_in::is_code;

const MIN_PASSPHRASE: usize = 12;

#[derive(Deserialize)]
struct Enrolled {
    email: String,
}

#[component]
pub fn Enrol(token: String) -> impl IntoView {
    let invite = RwSignal::new(None::<Result<Invite, String>>);
    let lookup = token.clone();
    spawn_local(async move {
        let body = InviteLookup { token: &lookup };
        let found = api::post::<Invite>("invites/lookup", &body, None).await;
        invite.set(Some(found.map_err(|f| f.message)));
    });
    move || {
        match invite.get() {
        None => view! { <p class="body" role="status">"Checking your invite link…"</p> }.into_any(),
        Some(Err(message)) => view! {
            <div class="narrow">
                <h1 class="heading-l">"This invite link cannot be used"</h1>
                <p class="body">{message}</p>
                <p class="body">"Ask a lead on your team for a new invite link. Links work once, for 24 hours."</p>
            </div>
        }
        .into_any(),
        Some(Ok(invite)) => view! { <EnrolForm invite token=token.clone() /> }.into_any(),
    }
    }
}

/// An invite link that was cut short or changed: said plainly, with no request made for it.
#[component]
pub fn BrokenInvite(broken: BrokenLink) -> impl IntoView {
    view! {
        <div class="narrow">
            <h1 class="heading-l">"This invite link cannot be used"</h1>
            <p class="body" role="alert">{broken.to_string()}</p>
        </div>
    }
}

fn check(passphrase: &str, confirm: &str, code: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    if passphrase.chars().count() < MIN_PASSPHRASE {
        problems.push(problem(
            "passphrase",
            "Your passphrase must be at least 12 characters",
        ));
    } else if confirm != passphrase {
        problems.push(problem("confirm", "The two passphrases do not match"));
    }
    if !is_code(code) {
        problems.push(problem(
            "code",
            "Enter the 6-digit code from your authenticator app",
        ));
    }
    problems
}

#[component]
fn EnrolForm(invite: Invite, token: String) -> impl IntoView {
    let state = app();
    let passphrase = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let problems = RwSignal::new(Vec::new());
    let busy = RwSignal::new(None::<&'static str>);
    let email = invite.email.clone();
    let landlord = invite.landlord.clone();
    let key_pepper = invite.key_pepper.clone();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked().is_some() {
            return;
        }
        let (p, c) = (
            passphrase.get_untracked(),
            code.get_untracked().trim().to_owned(),
        );
        let found = check(&p, &confirm.get_untracked(), &c);
        if !found.is_empty() {
            problems.set(found);
            return;
        }
        problems.set(Vec::new());
        busy.set(Some("Setting up… this takes a few seconds."));
        let (email, landlord, token) = (email.clone(), landlord.clone(), token.clone());
        let key_pepper = key_pepper.clone();
        spawn_local(async move {
            yield_to_browser().await;
            let derived = keys::member_pepper(&key_pepper)
                .and_then(|pepper| Ok((keys::derive(&p, &email, &api::base_url())?, pepper)));
            let outcome = match derived {
                Ok((derived, pepper)) => {
                    let body = keys::enrolment(
                        &derived,
                        &pepper,
                        &email,
                        &c,
                        &mut UnwrapErr(getrandom::SysRng),
                    );
                    // Worked out here, from the key just made, so the number the member reads
                    // out owes nothing to what the server says their key is.
                    let number = keys::member_number(&landlord, &email, &body.public_key)
                        .map(|n| n.to_string())
                        .unwrap_or_default();
                    let accept = Accept {
                        token: &token,
                        enrolment: &body,
                    };
                    api::post::<Enrolled>("invites/accept", &accept, None)
                        .await
                        .map(|done| (done, number))
                        .map_err(|f| (f.status, f.message))
                }
                Err(message) => Err((0, message)),
            };
            busy.set(None);
            match outcome {
                Ok((done, number)) => {
                    passphrase.set(String::new());
                    confirm.set(String::new());
                    state.go(Screen::Enrolled {
                        email: done.email,
                        number,
                    });
                }
                Err((status, message)) => {
                    code.set(String::new());
                    let field = if status == 400 { "code" } else { "passphrase" };
                    problems.set(vec![problem(field, message)]);
                }
            }
        });
    };

    view! {
        <div class="narrow">
            <ErrorSummary problems />
            <h1 class="heading-l">"Set up your account"</h1>
            <dl class="summary-list">
                <div class="summary-list__row">
                    <dt class="summary-list__key">"Email address"</dt>
                    <dd class="summary-list__value">{invite.email.clone()}</dd>
                </div>
                <div class="summary-list__row">
                    <dt class="summary-list__key">"Landlord"</dt>
                    <dd class="summary-list__value">{invite.landlord.clone()}</dd>
                </div>
                <div class="summary-list__row">
                    <dt class="summary-list__key">"Role"</dt>
                    <dd class="summary-list__value">{role_name(&invite.role)}</dd>
                </div>
            </dl>
            <form on:submit=submit novalidate>
                <h2 class="heading-m">"Choose a passphrase"</h2>
                <TextField
                    id="passphrase"
                    label="Passphrase"
                    hint="At least 12 characters. A few unrelated words are easy to remember and hard to guess. If you forget it, a lead must invite you again."
                    value=passphrase
                    problems
                    kind="password"
                    autocomplete="new-password"
                />
                <TextField id="confirm" label="Type your passphrase again" value=confirm problems kind="password" autocomplete="new-password" />
                <h2 class="heading-m">"Set up your authenticator app"</h2>
                <p class="body">"Scan this QR code with an authenticator app on your phone."</p>
                <TotpQr uri=invite.totp_uri.clone() />
                <p class="body">"If you cannot scan it, type this key into the app instead:"</p>
                <p class="secret">{group_secret(&invite.totp_secret)}</p>
                <CodeField hint="The 6-digit code the app now shows, for example 123456" value=code problems />
                <Busy message=busy.into() />
                <button type="submit" class="button" disabled=move || busy.get().is_some()>
                    "Finish setting up"
                </button>
            </form>
        </div>
    }
}

pub fn role_name(role: &str) -> &'static str {
    if role == "lead" {
        "Lead (can invite people, give access and see the audit trail)"
    } else {
        "Officer"
    }
}

/// Groups of four are easier to type and check.
fn group_secret(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

#[component]
fn TotpQr(uri: String) -> impl IntoView {
    qr_path(&uri).map(|qr| {
        let size = qr.size;
        view! {
            <svg
                class="qr"
                xmlns="http://www.w3.org/2000/svg"
                viewBox=format!("0 0 {size} {size}")
                shape-rendering="crispEdges"
                role="img"
                aria-label="QR code for your authenticator app"
            >
                <rect class="qr__light" width=size.to_string() height=size.to_string() />
                <path class="qr__dark" d=qr.d />
            </svg>
        }
    })
}

#[component]
pub fn Enrolled(email: String, number: String) -> impl IntoView {
    let state = app();
    view! {
        <div class="narrow">
            <div class="panel panel--confirmation">
                <h1 class="panel__title">"Your account is set up"</h1>
                <p class="panel__body">{email}</p>
            </div>
            <h2 class="heading-m">"Your security number"</h2>
            <p class="secret security-number">{number}</p>
            <p class="body">
                "Write this number down or keep this page open. When a lead gives you access, they will ask you to read it out to them, in person or on a phone call. It shows them that the key they give access to is yours."
            </p>
            <h2 class="heading-m">"What happens next"</h2>
            <p class="body">
                "Sign in with your email address, your passphrase and a code from your authenticator app."
            </p>
            <p class="body">
                "Before you can open requests, a lead on your team (or whoever holds the landlord's key file) must give you access. Ask them to do this, and read them your security number when they ask for it."
            </p>
            <button type="button" class="button" on:click=move |_| state.go(Screen::SignIn)>
                "Sign in"
            </button>
        </div>
    }
}
