//! What the app holds while someone is signed in, all in signals and nowhere else: the
//! session, the unlocked landlord keys and the request on screen. Dropping them is setting the
//! signals to `None`, which also takes the text out of the page.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::Failure;
use crate::clipboard;
use crate::invite_link::BrokenLink;
use crate::keys::{Checked, Keys, OpenProblem};
use crate::model::{Item, Session};

#[derive(Clone, PartialEq, Eq)]
pub enum Screen {
    SignIn,
    Enrol(String),
    /// An invite link with no usable token: nothing is sent for it.
    BrokenInvite(BrokenLink),
    /// Set up: the member's email and their key's security number, to read out to a lead.
    Enrolled {
        email: String,
        number: String,
    },
    Inbox,
    Request(String),
    Team,
    Audit,
    /// The member's own passkeys: the only screen while their session may only add one.
    Passkeys,
}

/// A request as fetched, and what opening it gave.
pub struct Opened {
    pub item: Item,
    pub request: Result<Checked, OpenProblem>,
}

#[derive(Clone, Copy)]
pub struct App {
    pub screen: RwSignal<Screen>,
    pub session: RwSignal<Option<Session>>,
    pub keys: RwSignal<Option<Keys>>,
    pub opened: RwSignal<Option<Opened>>,
    /// One message for the next screen, such as why someone was signed out.
    pub notice: RwSignal<Option<String>>,
    /// The server offers passkeys (`key-scheme` says so).
    pub passkeys: RwSignal<bool>,
}

impl App {
    pub fn new(screen: Screen) -> Self {
        App {
            screen: RwSignal::new(screen),
            session: RwSignal::new(None),
            keys: RwSignal::new(None),
            opened: RwSignal::new(None),
            notice: RwSignal::new(None),
            passkeys: RwSignal::new(false),
        }
    }

    pub fn csrf(&self) -> String {
        self.session
            .with_untracked(|s| s.as_ref().map(|s| s.csrf_token.clone()).unwrap_or_default())
    }

    pub fn landlord(&self) -> String {
        self.session
            .with_untracked(|s| s.as_ref().map(|s| s.landlord.clone()).unwrap_or_default())
    }

    pub fn is_lead(&self) -> bool {
        self.session
            .with(|s| s.as_ref().is_some_and(Session::is_lead))
    }

    /// The session may only add a passkey, until the member has one.
    pub fn must_add_passkey(&self) -> bool {
        self.session
            .with(|s| s.as_ref().is_some_and(|s| s.must_add_passkey))
    }

    /// Leaving a request drops it, so an opened request is on the page only while it is shown.
    /// While the session may only add a passkey, that is the one screen there is.
    pub fn go(&self, screen: Screen) {
        let screen = match screen {
            Screen::SignIn => Screen::SignIn,
            _ if self
                .session
                .with_untracked(|s| s.as_ref().is_some_and(|s| s.must_add_passkey)) =>
            {
                Screen::Passkeys
            }
            screen => screen,
        };
        if !matches!(screen, Screen::Request(_)) {
            self.opened.set(None);
        }
        self.notice.set(None);
        self.screen.set(screen);
    }

    pub fn sign_out(&self, notice: Option<String>) {
        spawn_local(clipboard::clear());
        self.opened.set(None);
        self.keys.set(None);
        self.session.set(None);
        self.notice.set(notice);
        self.screen.set(Screen::SignIn);
    }

    /// A 401 means the server has ended the session (idle, or the member was removed), so the
    /// app ends it too. Other failures are for the screen to show.
    pub fn failed(&self, failure: Failure) -> Option<String> {
        if failure.status == 401 && self.session.with_untracked(Option::is_some) {
            self.sign_out(Some(
                "You were signed out because your session ended. Sign in again.".to_owned(),
            ));
            None
        } else {
            Some(failure.message)
        }
    }
}

pub fn app() -> App {
    expect_context::<App>()
}
