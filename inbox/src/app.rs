//! The app's frame: where it starts (an invite link or sign-in), the header, and which screen
//! is showing.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::prelude::*;

use crate::audit::Audit;
use crate::enrol::{BrokenInvite, Enrol, Enrolled};
use crate::form::focus;
use crate::inbox::Inbox;
use crate::passkeys::Passkeys;
use crate::request::Request;
use crate::session::{app, App, Screen};
use crate::sign_in::SignIn;
use crate::team::Team;
use crate::{api, idle, invite_link};

#[wasm_bindgen(start)]
pub fn start() {
    mount_to_body(Root);
}

/// An invite token is read once, then taken out of the address bar so it is not left in the
/// history or shown over a shoulder.
fn first_screen() -> Screen {
    let window = window();
    let hash = window.location().hash().unwrap_or_default();
    let Some(token) = invite_link::token(&hash) else {
        return Screen::SignIn;
    };
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some("/staff/"));
    }
    match token {
        Ok(token) => Screen::Enrol(token.to_owned()),
        Err(broken) => Screen::BrokenInvite(broken),
    }
}

/// Each screen names itself in the tab, so people using screen readers know where they are.
fn title(screen: &Screen) -> &'static str {
    match screen {
        Screen::SignIn => "Sign in",
        Screen::Enrol(_) => "Set up your account",
        Screen::BrokenInvite(_) => "Invite link not complete",
        Screen::Enrolled { .. } => "Your account is set up",
        Screen::Inbox => "Requests",
        Screen::Request(_) => "Request",
        Screen::Team => "Team",
        Screen::Audit => "Audit trail",
        Screen::Passkeys => "Your passkeys",
    }
}

#[component]
fn Root() -> impl IntoView {
    let state = App::new(first_screen());
    provide_context(state);
    idle::watch(state);
    // A new screen replaces the button that was pressed, so focus would fall back to the
    // document; it goes to the top of the new content instead.
    Effect::new(move |shown_before: Option<()>| {
        document().set_title(&format!(
            "{} – Safe Contact inbox",
            title(&state.screen.get())
        ));
        if shown_before.is_some() {
            focus("main");
        }
    });
    view! {
        <a href="#main" class="skip-link">
            "Skip to main content"
        </a>
        <Header />
        <main class="main" id="main" tabindex="-1">
            {move || match state.screen.get() {
                Screen::SignIn => view! { <SignIn /> }.into_any(),
                Screen::Enrol(token) => view! { <Enrol token /> }.into_any(),
                Screen::BrokenInvite(broken) => view! { <BrokenInvite broken /> }.into_any(),
                Screen::Enrolled { email, number } => view! { <Enrolled email number /> }.into_any(),
                Screen::Inbox => view! { <Inbox /> }.into_any(),
                Screen::Request(id) => view! { <Request id /> }.into_any(),
                Screen::Team => view! { <Team /> }.into_any(),
                Screen::Audit => view! { <Audit /> }.into_any(),
                Screen::Passkeys => view! { <Passkeys /> }.into_any(),
            }}
        </main>
    }
}

#[component]
fn Header() -> impl IntoView {
    let state = app();
    view! {
        <header class="header">
            <div class="header__inner">
                <p class="header__service">"Safe Contact inbox"</p>
                {move || {
                    state
                        .session
                        .with(|s| s.as_ref().map(|s| (s.landlord.clone(), s.email.clone())))
                        .map(|(landlord, email)| {
                            view! {
                                <p class="header__who">
                                    <span class="header__landlord">{landlord}</span>
                                    " · "
                                    <span>{email}</span>
                                </p>
                                <OwnNumber />
                                <Nav />
                            }
                        })
                }}
            </div>
        </header>
    }
}

/// The member's own security number, from the key their passphrase opened, so a lead can ask
/// them to read it out again at any time, not only on the day they enrolled.
#[component]
fn OwnNumber() -> impl IntoView {
    let state = app();
    move || {
        state
            .keys
            .with(|k| k.as_ref().map(|k| k.own_number().to_string()))
            .map(|number| {
                view! {
                    <details class="header__account">
                        <summary>"Your security number"</summary>
                        <p class="secret security-number" id="own-number">{number}</p>
                        <p>
                            "If a lead asks for it, read this number out to them. This device worked it out from your own key."
                        </p>
                    </details>
                }
            })
    }
}

#[component]
fn Nav() -> impl IntoView {
    let state = app();
    let link = move |label: &'static str, screen: Screen| {
        let target = screen.clone();
        let current = move || {
            let now = state.screen.get();
            (now == target || (target == Screen::Inbox && matches!(now, Screen::Request(_))))
                .then_some("page")
        };
        view! {
            <li>
                <button
                    type="button"
                    class="nav__link"
                    aria-current=current
                    on:click=move |_| state.go(screen.clone())
                >
                    {label}
                </button>
            </li>
        }
    };
    let sign_out = move |_| {
        let csrf = state.csrf();
        state.sign_out(Some("You have signed out.".to_owned()));
        spawn_local(async move {
            let _ = api::delete("session", &csrf).await;
        });
    };
    view! {
        <nav class="nav" aria-label="Inbox sections">
            <ul class="nav__list">
                // While the member must add a passkey, the rest of the inbox is closed to them.
                {move || (!state.must_add_passkey()).then(|| link("Inbox", Screen::Inbox))}
                {move || {
                    (state.is_lead() && !state.must_add_passkey())
                        .then(|| view! { {link("Team", Screen::Team)} {link("Audit", Screen::Audit)} })
                }}
                {move || state.passkeys.get().then(|| link("Your passkeys", Screen::Passkeys))}
                <li>
                    <button type="button" class="nav__link" on:click=sign_out>
                        "Sign out"
                    </button>
                </li>
            </ul>
        </nav>
    }
}
