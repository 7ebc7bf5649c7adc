//! `GET /v1/form/{landlord}`: the page of the call-back form's frame.
//!
//! The form runs in a frame served from the endpoint's own origin, so no script on the
//! landlord's page can read what is typed into it. The page is a shell: the form's script and
//! style come from `static_dir/form/`, and the page carries only what the form must take from
//! this origin rather than from the embedding page, namely the landlord's profile (seal key,
//! areas, questions left out) and the origins allowed to embed and talk to the frame.
//!
//! Each page is made once at start, from the config; answering is a lookup.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::answers::{error, tagged};
use crate::config::Config;
use crate::state::AppState;

const HEAD: &str = concat!(
    r#"<!doctype html><html lang="en-GB"><head><meta charset="utf-8">"#,
    r#"<meta name="viewport" content="width=device-width, initial-scale=1">"#,
    r#"<title>Safe call-back request</title>"#,
    r#"<link rel="stylesheet" href="../../form/form.css">"#,
    // The form's glue and wasm start with the page, not after frame.js has come and run: a
    // round trip sooner on a slow phone. frame.js fetches them as these did, so the browser
    // hands it what is already on its way.
    r#"<link rel="modulepreload" href="../../form/safe-contact-form.js">"#,
    r#"<link rel="preload" href="../../form/safe-contact-form_bg.wasm" as="fetch" crossorigin>"#,
    r#"<script type="application/json" id="safe-contact-form">"#,
);
const TAIL: &str = concat!(
    r#"</script><script src="../../form/frame.js"></script>"#,
    r#"</head><body></body></html>"#,
);

/// Only files from this origin run, and only the landlord's own pages may frame it. No inline
/// script, so the JSON above is data the page's CSP never lets run.
const POLICY: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors";

/// What the form reads from the page: the origins it may exchange messages with (the pages
/// that embed it) and the landlord's profile.
#[derive(Serialize)]
struct Data<'a> {
    origins: &'a [String],
    profile: &'a serde_json::Value,
}

struct Page {
    html: Bytes,
    policy: HeaderValue,
}

/// The frame page of every landlord that has one: a `profile`, and an endpoint `origin` for
/// the frame to live on.
pub struct FormPages(HashMap<String, Page>);

impl FormPages {
    pub fn new(config: &Config) -> FormPages {
        if config.origin.is_none() {
            return FormPages(HashMap::new());
        }
        let pages = config
            .landlords
            .iter()
            .filter_map(|l| {
                let profile = l.profile.as_ref()?;
                // The profile as the browser gets every copy: without its sources and dates.
                let mut shown = serde_json::to_value(profile).expect("a profile always serialises");
                safe_contact_profile::shown::shown(&mut shown);
                let data = serde_json::to_string(&Data {
                    origins: &l.origins,
                    profile: &shown,
                })
                .expect("a profile always serialises");
                // Inside <script>, "</script>" or "<!--" in any string would end the data;
                // JSON reads \u003c as the same "<".
                let html = format!("{HEAD}{}{TAIL}", data.replace('<', "\\u003c")).into();
                let policy = HeaderValue::from_str(&format!("{POLICY} {}", l.origins.join(" ")))
                    .expect("origins are checked to be plain scheme://host[:port]");
                Some((l.id.clone(), Page { html, policy }))
            })
            .collect();
        FormPages(pages)
    }
}

pub async fn show(State(app): State<Arc<AppState>>, Path(landlord): Path<String>) -> Response {
    // Nothing about a person is in the page, but a cached copy would still show that someone
    // opened the form.
    let no_store = (header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    let Some((id, page)) = app.form_pages.0.get_key_value(&landlord) else {
        return (
            [
                no_store,
                (
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
                ),
            ],
            error(
                StatusCode::NOT_FOUND,
                None,
                "There is no call-back form here for this landlord",
            ),
        )
            .into_response();
    };
    let page = (
        [
            no_store,
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (header::CONTENT_SECURITY_POLICY, page.policy.clone()),
        ],
        page.html.clone(),
    );
    tagged(page.into_response(), id)
}
