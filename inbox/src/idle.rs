//! Signs out after `idle_seconds` with no pointer or key input, dropping keys and any opened
//! request, because an unattended screen is a risk to the people in the requests.

use std::time::Duration;

use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::session::App;
use crate::when::idle_words;

pub fn watch(app: App) {
    let last_input = StoredValue::new(js_sys::Date::now());
    let touch = move || last_input.set_value(js_sys::Date::now());
    window_event_listener(ev::pointerdown, move |_| touch());
    window_event_listener(ev::keydown, move |_| touch());
    set_interval(
        move || {
            let Some(idle) = app
                .session
                .with_untracked(|s| s.as_ref().map(|s| s.idle_seconds))
            else {
                // Signed out: the clock starts again at sign-in.
                touch();
                return;
            };
            if js_sys::Date::now() - last_input.get_value() >= idle as f64 * 1000.0 {
                let csrf = app.csrf();
                app.sign_out(Some(format!(
                    "You were signed out because the inbox was not used for {}.",
                    idle_words(idle)
                )));
                // The server has likely ended the session already; this makes sure.
                spawn_local(async move {
                    let _ = api::delete("session", &csrf).await;
                });
            }
        },
        Duration::from_secs(1),
    );
}
