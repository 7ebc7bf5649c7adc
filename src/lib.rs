//! The Safe Contact panel: the part of the widget that loads only when someone asks for help.
//!
//! The loader (`public/safe-contact.js`) owns the quick exit, the launcher and the panel frame,
//! and calls [`mount`] with the landlord's profile. Everything here renders inside the loader's
//! closed Shadow DOM, so the host page's styles and scripts cannot reach it. The loader drops
//! the returned [`Mounted`] on close and on exit, and with it every answer typed into the form.

mod callback;
mod clares_law;
mod contact;
mod dom;
mod fold;
mod landlord;
mod language;
mod local_support;
mod panel;
mod section;
mod text;
mod view;

use std::alloc::{GlobalAlloc, Layout, System};

use std::rc::Rc;

use safe_contact_profile::Profile;
use wasm_bindgen::prelude::*;

/// The system allocator, but every block is zeroed as it is freed. Answers dropped on close,
/// exit or send then do not linger in the wasm memory, which any script on the page could
/// read by importing the same module.
struct ZeroOnFree;

// SAFETY: each call is passed straight to `System` with the caller's own arguments; `dealloc`
// first writes zeros over the `layout.size()` bytes the caller owns and is handing back.
unsafe impl GlobalAlloc for ZeroOnFree {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe {
            ptr.write_bytes(0, layout.size());
            System.dealloc(ptr, layout)
        }
    }
}

#[global_allocator]
static ALLOCATOR: ZeroOnFree = ZeroOnFree;

/// The mounted panel. Dropping it (`unmount()` from the loader) removes the panel and frees
/// everything it held.
#[wasm_bindgen]
pub struct Mounted {
    view: Rc<view::View>,
}

#[wasm_bindgen]
impl Mounted {
    /// Removes the panel and forgets every answer in it.
    pub fn unmount(self) {}
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.view.clear();
    }
}

/// Replaces the loader's fallback text in `parent` with the full panel.
///
/// `profile_json` is the profile text the loader fetched, or nothing when that failed.
/// Whatever is wrong with it, the national content still shows. `endpoint` is the embed
/// snippet's `data-endpoint`, which wins over the profile's. `base` is the loader's own
/// address, beside which the language catalogues are; `exit` is the quick exit's link, whose
/// label follows the panel's language.
#[wasm_bindgen]
pub fn mount(
    parent: web_sys::HtmlElement,
    profile_json: Option<String>,
    endpoint: Option<String>,
    base: Option<String>,
    exit: Option<web_sys::Element>,
) -> Mounted {
    let profile = profile_json.and_then(|text| Profile::read_json(&text).ok());
    Mounted {
        view: view::View::open(parent, profile, endpoint, base, exit),
    }
}
