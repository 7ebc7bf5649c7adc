//! The list of requests by status, with how long each has waited and how long until it is
//! deleted. The list shows no content: that exists only once a request is opened.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::listing::{group, reference};
use crate::model::{outcome_label, Item, Requests};
use crate::session::{app, Screen};
use crate::when::{age, time_left};

pub fn now_secs() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

#[component]
pub fn Inbox() -> impl IntoView {
    let state = app();
    let items = RwSignal::new(None::<Result<Vec<Item>, String>>);
    let load = move || {
        spawn_local(async move {
            match api::get::<Requests>("requests").await {
                Ok(r) => items.set(Some(Ok(r.requests))),
                Err(f) => {
                    if let Some(message) = state.failed(f) {
                        items.set(Some(Err(message)));
                    }
                }
            }
        })
    };
    load();
    let no_keys = move || state.keys.with(|k| k.as_ref().is_none_or(|k| k.is_empty()));
    view! {
        <h1 class="heading-l">"Requests"</h1>
        {move || state.notice.get().map(|n| view! { <div class="notice" role="status">{n}</div> })}
        {move || {
            no_keys()
                .then(|| {
                    view! {
                        <div class="inset-warning">
                            <h2 class="heading-s">"You cannot open requests yet"</h2>
                            <p class="body">"Ask a lead to give you access."</p>
                        </div>
                    }
                })
        }}
        // Reloading the page would drop the keys and sign the member out, so new requests are
        // fetched here instead.
        <button type="button" class="button button--secondary button--small" on:click=move |_| load()>
            "Check for new requests"
        </button>
        {move || match items.get() {
            None => view! { <p class="body" role="status">"Loading requests…"</p> }.into_any(),
            Some(Err(message)) => view! { <p class="error-message">{message}</p> }.into_any(),
            Some(Ok(list)) => {
                let now = now_secs();
                group(&list)
                    .into_iter()
                    .map(|g| {
                        let count = g.items.len();
                        view! {
                            <section class="group">
                                <h2 class="heading-m">{format!("{} ({count})", g.heading)}</h2>
                                {if g.items.is_empty() {
                                    view! { <p class="body hint">"None."</p> }.into_any()
                                } else {
                                    view! {
                                        <ul class="request-list">
                                            {g.items.into_iter().map(|i| view! { <Row item=i now /> }).collect_view()}
                                        </ul>
                                    }
                                        .into_any()
                                }}
                            </section>
                        }
                    })
                    .collect_view()
                    .into_any()
            }
        }}
    }
}

#[component]
fn Row(item: Item, now: i64) -> impl IntoView {
    let state = app();
    let id = item.request_id.clone();
    let reference = reference(&item.request_id).to_owned();
    let received = age(&item.received_at, now);
    let outcome = item.outcome.as_deref().map(|o| outcome_label(o).to_owned());
    // Leads see each request's key, so after a key is rotated they can tell which requests
    // still depend on the old one.
    let key = item.key_id.clone().filter(|_| state.is_lead());
    let locked = item.key_id.clone().filter(|k| {
        !state
            .keys
            .with_untracked(|keys| keys.as_ref().is_some_and(|keys| keys.has(k)))
    });
    view! {
        <li class="request-list__item">
            <div class="request-list__text">
                <p class="request-list__title">{format!("Request {reference}")}</p>
                <p class="request-list__meta">
                    {format!("Received {received}, {}", time_left(&item.expires_at, now))}
                </p>
                {outcome.map(|o| view! { <p class="request-list__meta">{format!("Outcome: {o}")}</p> })}
                {locked.map(|_| view! { <p class="request-list__meta">"You do not have the key for this one"</p> })}
                {key.map(|k| view! { <p class="request-list__meta">{format!("Sealed with key {k}")}</p> })}
            </div>
            <button
                type="button"
                class="button button--secondary"
                aria-label=format!("Open request {reference}, received {received}")
                on:click=move |_| state.go(Screen::Request(id.clone()))
            >
                "Open"
            </button>
        </li>
    }
}
