//! Sign in: email, passphrase and the authenticator code, or a passkey in place of the code.
//! The passphrase never leaves the device; Argon2id turns it into the proof the server checks
//! and the key that unwraps the member's own key, which then opens their grants. A passkey is a
//! second factor only: the passphrase still unwraps the key either way.

use leptos::prelude::*;
use leptos::task::spawn_local;
use safe_contact_seal::rand_core::UnwrapErr;
use safe_contact_staff_keys::passphrase::{Derived, Older, WrapKey};

use crate::api;
use crate::form::{problem, yield_to_browser, Busy, CodeField, ErrorSummary, Problem, TextField};
use crate::keys;
use crate::model::{KeyScheme, PasskeySignIn, PasskeyStart, Rewrap, Session, SignIn as SignInBody};
use crate::session::{app, Screen};
use crate::webauthn::{self, Failed};

/// The id of the passkey button, where the error summary sends focus for a passkey problem.
const PASSKEY_BUTTON: &str = "passkey-sign-in";

/// What a passkey that was not used means, and what to do next.
pub const NOT_USED: &str = "The passkey was not used. You may have cancelled, or your device could not check it was you. Try again, or sign in with the code from your authenticator app.";

pub fn is_code(code: &str) -> bool {
    code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())
}

fn check(email: &str, passphrase: &str, code: Option<&str>) -> Vec<Problem> {
    let mut problems = Vec::new();
    if email.trim().is_empty() {
        problems.push(problem("email", "Enter your email address"));
    }
    if passphrase.is_empty() {
        problems.push(problem("passphrase", "Enter your passphrase"));
    }
    if code.is_some_and(|code| !is_code(code.trim())) {
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
    // The passkey button shows once the server says it offers passkeys, in a browser that can
    // use them; otherwise the code is the only way.
    let offer_passkey = RwSignal::new(false);
    spawn_local(async move {
        if let Ok(scheme) = api::get::<KeyScheme>("key-scheme").await {
            state.passkeys.set(scheme.passkeys);
            offer_passkey.set(scheme.passkeys && webauthn::supported());
        }
    });

    let signed_in =
        move |outcome: Result<(Session, Option<keys::Keys>), (&'static str, String)>| {
            busy.set(None);
            match outcome {
                Ok((session, unlocked)) => {
                    passphrase.set(String::new());
                    state.notice.set(None);
                    state.keys.set(unlocked);
                    state.session.set(Some(session));
                    state.go(Screen::Inbox);
                }
                Err((field, message)) => {
                    code.set(String::new());
                    problems.set(vec![problem(field, message)]);
                }
            }
        };

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
        let found = check(&e, &p, Some(&c));
        if !found.is_empty() {
            problems.set(found);
            return;
        }
        problems.set(Vec::new());
        busy.set(Some("Signing in… this takes a few seconds."));
        spawn_local(async move {
            yield_to_browser().await;
            signed_in(sign_in(&e, &p, &c).await.map_err(|m| ("email", m)));
        });
    };

    let with_passkey = move |_| {
        if busy.get_untracked().is_some() {
            return;
        }
        let (e, p) = (
            email.get_untracked().trim().to_owned(),
            passphrase.get_untracked(),
        );
        let found = check(&e, &p, None);
        if !found.is_empty() {
            problems.set(found);
            return;
        }
        problems.set(Vec::new());
        busy.set(Some("Use your passkey when your browser asks."));
        spawn_local(async move {
            signed_in(sign_in_with_passkey(&e, &p, busy).await);
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
                {move || offer_passkey.get().then(|| view! {
                    <h2 class="heading-m">"Or use a passkey"</h2>
                    <p class="body" id="passkey-hint">
                        "If you have added a passkey, enter your email address and passphrase above, then use the passkey instead of a code."
                    </p>
                    <button
                        type="button"
                        class="button button--secondary"
                        id=PASSKEY_BUTTON
                        aria-describedby="passkey-hint"
                        disabled=move || busy.get().is_some()
                        on:click=with_passkey
                    >
                        "Sign in with a passkey"
                    </button>
                })}
            </form>
        </div>
    }
}

/// The proofs for this passphrase: the current scheme's, and scheme 1's while the server says
/// some members still have scheme-1 keys (it says only whether any remain, never whose).
pub async fn proofs(email: &str, passphrase: &str) -> Result<(Derived, Option<Older>), String> {
    let scheme: KeyScheme = api::get("key-scheme").await.map_err(|f| f.message)?;
    let derived = keys::derive(passphrase, email, &api::base_url())?;
    let older = match scheme.older_keys {
        true => Some(keys::derive_older(passphrase, email)?),
        false => None,
    };
    Ok((derived, older))
}

/// Signs in with the passphrase and a passkey. The passkey is asked for first, so the slow
/// passphrase work runs after the person has touched it, not before.
async fn sign_in_with_passkey(
    email: &str,
    passphrase: &str,
    busy: RwSignal<Option<&'static str>>,
) -> Result<(Session, Option<keys::Keys>), (&'static str, String)> {
    let on_button = |m: String| (PASSKEY_BUTTON, m);
    let start: PasskeyStart = api::post("sign-in/passkey/start", &serde_json::json!({}), None)
        .await
        .map_err(|f| on_button(f.message))?;
    let credential = webauthn::get(&start.public_key).await.map_err(|f| {
        on_button(
            match f {
                Failed::NotUsed | Failed::AlreadyHere => NOT_USED,
                Failed::Other => "This browser or device could not use a passkey. Sign in with the code from your authenticator app.",
            }
            .to_owned(),
        )
    })?;
    busy.set(Some("Signing in… this takes a few seconds."));
    yield_to_browser().await;
    let (derived, older) = proofs(email, passphrase).await.map_err(on_button)?;
    let body = PasskeySignIn {
        email: email.to_owned(),
        proof: derived.proof.clone(),
        older_proof: older.as_ref().map(|o| o.proof.clone()),
        state: start.state,
        credential,
    };
    let session: Session = api::post("sign-in/passkey/finish", &body, None)
        .await
        .map_err(|f| on_button(f.message))?;
    unlock(session, derived, older).await.map_err(on_button)
}

async fn sign_in(
    email: &str,
    passphrase: &str,
    code: &str,
) -> Result<(Session, Option<keys::Keys>), String> {
    // While some members' keys predate the pepper, every sign-in carries both schemes' proofs.
    let (derived, older) = proofs(email, passphrase).await?;
    let body = SignInBody {
        email: email.to_owned(),
        proof: derived.proof.clone(),
        older_proof: older.as_ref().map(|o| o.proof.clone()),
        totp_code: code.to_owned(),
    };
    let session: Session = api::post("session", &body, None)
        .await
        .map_err(|f| f.message)?;
    unlock(session, derived, older).await
}

/// Opens the member's own key with the passphrase, whichever second factor signed them in;
/// if it does not open, the session is ended at once.
async fn unlock(
    mut session: Session,
    derived: Derived,
    older: Option<Older>,
) -> Result<(Session, Option<keys::Keys>), String> {
    // A session that may only add a passkey is sent nothing that opens the key: a passphrase
    // and one code caught by a look-alike page must not be enough for the pepper.
    if session.must_add_passkey {
        return Ok((session, None));
    }
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
            Ok((session, Some(unlocked)))
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
