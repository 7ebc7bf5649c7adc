//! The Safe Contact panel: the part of the widget that loads only when someone asks for help.
//!
//! The loader (`public/safe-contact.js`) owns the quick exit, the launcher and the panel frame,
//! and calls [`mount`] with the landlord's profile. Everything here renders inside the loader's
//! open Shadow DOM, so the host page's styles cannot reach it.

mod callback;
mod clares_law;
mod contact;
mod fold;
mod landlord;
mod local_support;
mod panel;
mod section;

use safe_contact_profile::{national, Profile};
use wasm_bindgen::prelude::*;

pub use panel::{Panel, ProfileState};

/// Replaces the loader's fallback text in `parent` with the full panel.
///
/// `profile_json` is the profile text the loader fetched, or nothing when that failed.
/// Whatever is wrong with it, the national content still shows. `endpoint` is the embed
/// snippet's `data-endpoint`, which wins over the profile's.
#[wasm_bindgen]
pub fn mount(parent: web_sys::HtmlElement, profile_json: Option<String>, endpoint: Option<String>) {
    let national = national();
    let profile = match profile_json {
        Some(text) => Profile::from_json(&text)
            .map_or(ProfileState::Broken, |p| ProfileState::Loaded(Box::new(p))),
        None => ProfileState::Missing,
    };
    parent.set_inner_html("");
    leptos::mount::mount_to(
        parent,
        move || leptos::view! { <Panel national profile endpoint/> },
    )
    .forget();
}
