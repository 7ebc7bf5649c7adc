//! Sign in: email, passphrase and the authenticator code. The passphrase never leaves the
//! device; Argon2id turns it into the proof the server checks and the key that unwraps the
//! member's own key, which then opens their grants.

use leptos::prelude::*;
use leptos::task::spawn_local;
use safe_contact_seal::rand_core::UnwrapErr;
use safe_contact_staff_keys::passphrase::{Derived, Older, WrapKey};

use crate::api;
use crate::form::{problem, yield_to_browser, Busy, CodeField, ErrorSummary, Problem, TextField};
use crate::keys;
use crate::model::{KeyScheme, Rewrap, Session, SignIn as SignInBody};
use crate::session::{app, Screen};

pub fn is_code(code: &str) -> bool {
    code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())
}

fn check(email: &str, passphrase: &str, code: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    if email.trim().is_empty() {
        problems.push(problem("email", "Enter your email address"));
    }
    if passphrase.is_empty() {
        problems.push(problem("passphrase", "Enter your passphrase"));
    }
    if !is_code(code.trim()) {
        problems.push(problem(
            "code",
            "Enter the 6-digit code from your authenticator app",
        ));
    }
    problems
}

#[component]
pub fn SignIn() -> impl IntoView {
    let state = app();
    let email = RwSignal::new(String::new());
    let passphrase = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let problems = RwSignal::new(Vec::new());
    let busy = RwSignal::new(None::<&'static str>);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked().is_some() {
            return;
        }
        let (e, p, c) = (
            email.get_untracked().trim().to_owned(),
            passphrase.get_untracked(),
            code.get_untracked().trim().to_owned(),
        );
        let found = check(&e, &p, &c);
        if !found.is_empty() {
            problems.set(found);
            return;
        }
        problems.set(Vec::new());
        busy.set(Some("Signing in… this takes a few seconds."));
        spawn_local(async move {
            yield_to_browser().await;
            let outcome = sign_in(&e, &p, &c).await;
            busy.set(None);
            match outcome {
                Ok((session, unlocked)) => {
                    passphrase.set(String::new());
                    state.notice.set(None);
                    state.keys.set(Some(unlocked));
                    state.session.set(Some(session));
                    state.go(Screen::Inbox);
                }
                Err(message) => {
                    code.set(String::new());
                    problems.set(vec![problem("email", message)]);
                }
            }
        });
    };

    view! {
        <div class="narrow">
            <ErrorSummary problems />
            {move || state.notice.get().map(|n| view! { <div class="notice" role="status">{n}</div> })}
            <h1 class="heading-l">"Sign in to the Safe Contact inbox"</h1>
            <form on:submit=submit novalidate>
                <TextField id="email" label="Email address" value=email problems kind="email" autocomplete="username" />
                <TextField id="passphrase" label="Passphrase" value=passphrase problems kind="password" autocomplete="current-password" />
                <CodeField hint="The 6-digit code, for example 123456" value=code problems />
                <Busy message=busy.into() />
                <button type="submit" class="button" disabled=move || busy.get().is_some()>
                    "Sign in"
                </button>
            </form>
        </div>
    }
}

async fn sign_in(
    email: &str,
    passphrase: &str,
    code: &str,
) -> Result<(Session, keys::Keys), String> {
    // While some members' keys predate the pepper, every sign-in carries both schemes' proofs:
    // the server says only whether any such key remains, never whose.
    let scheme: KeyScheme = api::get("key-scheme").await.map_err(|f| f.message)?;
    let derived = keys::derive(passphrase, email, &api::base_url())?;
    let older = match scheme.older_keys {
        true => Some(keys::derive_older(passphrase, email)?),
        false => None,
    };
    let body = SignInBody {
        email: email.to_owned(),
        proof: derived.proof.clone(),
        older_proof: older.as_ref().map(|o| o.proof.clone()),
        totp_code: code.to_owned(),
    };
    let mut session: Session = api::post("session", &body, None)
        .await
        .map_err(|f| f.message)?;
    let pepper = match keys::member_pepper(&session.key_pepper) {
        Ok(pepper) => pepper,
        Err(message) => {
            let _ = api::delete("session", &session.csrf_token).await;
            return Err(message);
        }
    };
    let wrap_key = derived.wrap_key(&pepper);
    let older = older.filter(|_| session.rewrap);
    let unlocked = match &older {
        Some(older) => keys::unlock(&older.wrap_key, &session),
        None => keys::unlock(&wrap_key, &session),
    };
    match unlocked {
        // Wrapped again only once the older key has opened and proved to be the member's own.
        Ok(unlocked) => {
            if let Some(older) = older {
                if let Some(wrapped) = rewrapped(&older, &derived, &wrap_key, &session).await {
                    session.wrapped_key = wrapped;
                    session.rewrap = false;
                }
            }
            Ok((session, unlocked))
        }
        // Neither way does the inbox go on: with a key that is not theirs on the server, any
        // grant it holds for them was sealed for whoever holds that key.
        Err(problem) => {
            let _ = api::delete("session", &session.csrf_token).await;
            Err(problem.to_string())
        }
    }
}

/// Wraps a key made before the pepper again under the new scheme, and has the server keep it
/// with the new proof. `None` if that cannot be done now: the member goes on with the older
/// key this time and is asked again at their next sign-in.
async fn rewrapped(
    older: &Older,
    derived: &Derived,
    wrap_key: &WrapKey,
    session: &Session,
) -> Option<String> {
    let wrapped = keys::rewrap(
        &older.wrap_key,
        wrap_key,
        session,
        &mut UnwrapErr(getrandom::SysRng),
    )?;
    let body = Rewrap {
        older_proof: older.proof.clone(),
        proof: derived.proof.clone(),
        wrapped_key: wrapped.clone(),
    };
    api::post_done("session/key", &body, &session.csrf_token)
        .await
        .ok()?;
    Some(wrapped)
}
