//! Which language the panel speaks: found from the browser's languages the first time, then
//! whatever the person picks, kept in memory only. No URL, history, title or storage changes.

use std::cell::{Cell, RefCell};

use safe_contact_profile::{language_for_tag, Language, LANGUAGES};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, Element, ReferrerPolicy, RequestCache, RequestCredentials, RequestInit,
    Response,
};

use crate::dom::el;
use crate::text::{english, t, Catalogue};

/// A catalogue that has not arrived in this long is given up, and the panel shows in English.
const TIMEOUT_MS: u32 = 8_000;

thread_local! {
    /// What the person picked, for every later open while the page is open.
    static PICKED: Cell<Option<&'static Language>> = const { Cell::new(None) };
    /// Catalogues fetched so far, kept so a second switch needs no request.
    static LOADED: RefCell<Vec<&'static Catalogue>> = const { RefCell::new(Vec::new()) };
}

pub fn pick(language: &'static Language) {
    PICKED.with(|p| p.set(Some(language)));
}

/// The language to open in: the one picked earlier on this page, else the first of the
/// browser's languages that the landlord offers, else English.
pub fn opening(offered: &[&'static Language]) -> &'static Language {
    PICKED.with(Cell::get).unwrap_or_else(|| {
        let tags = web_sys::window()
            .map(|w| w.navigator().languages().to_vec())
            .unwrap_or_default();
        first_offered(tags.iter().filter_map(|t| t.as_string()), offered)
    })
}

/// The first tag whose language is offered, else English.
pub fn first_offered(
    tags: impl IntoIterator<Item = impl AsRef<str>>,
    offered: &[&'static Language],
) -> &'static Language {
    tags.into_iter()
        .filter_map(|tag| language_for_tag(tag.as_ref()))
        .find(|l| offered.contains(l))
        .unwrap_or(&LANGUAGES[0])
}

/// The catalogue for `language` if it is already here: English always is.
pub fn loaded(language: &Language) -> Option<&'static Catalogue> {
    if language.code == "en" {
        return Some(english());
    }
    LOADED.with(|l| {
        l.borrow()
            .iter()
            .copied()
            .find(|c| c.language.code == language.code)
    })
}

/// Fetches `lang/<code>.json` from the widget's own origin, beside its wasm.
pub async fn load(language: &'static Language, base: &str) -> Option<&'static Catalogue> {
    if let Some(c) = loaded(language) {
        return Some(c);
    }
    let url = web_sys::Url::new_with_base(&format!("lang/{}.json", language.code), base).ok()?;
    let text = fetch_text(&url.href()).await?;
    let catalogue = Catalogue::read(language.code, &text, None).ok()?;
    // Kept for the life of the page, like English, so its text can be lent out as 'static.
    let catalogue: &'static Catalogue = Box::leak(Box::new(catalogue));
    LOADED.with(|l| l.borrow_mut().push(catalogue));
    Some(catalogue)
}

async fn fetch_text(url: &str) -> Option<String> {
    let window = web_sys::window()?;
    let abort = AbortController::new().ok()?;
    let init = RequestInit::new();
    // Like the profile: no cookies and no referrer, so the request says nothing about the page,
    // and not kept in the HTTP cache, where it would show that someone chose a language.
    init.set_credentials(RequestCredentials::Omit);
    init.set_cache(RequestCache::NoStore);
    init.set_referrer_policy(ReferrerPolicy::NoReferrer);
    init.set_signal(Some(&abort.signal()));
    let _timer = gloo_timers::callback::Timeout::new(TIMEOUT_MS, move || abort.abort());
    let response: Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .ok()?
        .dyn_into()
        .ok()?;
    if !response.ok() {
        return None;
    }
    JsFuture::from(response.text().ok()?)
        .await
        .ok()?
        .as_string()
}

/// The language control, after GOV.UK's language toggle: every offered language by its own
/// name and in its own `lang`, the current one marked and not a button. Returns the control
/// and each button with its language.
pub fn control(
    current: &'static Language,
    offered: &[&'static Language],
) -> (Element, Vec<(Element, &'static Language)>) {
    let list = el("ul").class("languages").el();
    let mut buttons = Vec::new();
    for &language in offered {
        let item = el("li").el();
        let name = if language == current {
            el("span").attr("aria-current", "true")
        } else {
            el("button").attr("type", "button")
        }
        .attr("lang", language.code)
        .text(language.name)
        .el();
        if language != current {
            buttons.push((name.clone(), language));
        }
        let _ = item.append_child(&name);
        let _ = list.append_child(&item);
    }
    let nav = el("nav")
        .class("language-control")
        .attr("aria-label", t("language.label"))
        .child(&list)
        .el();
    (nav, buttons)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(code: &str) -> &'static Language {
        language_for_tag(code).unwrap()
    }

    #[test]
    fn the_first_browser_language_the_landlord_offers_wins() {
        let all: Vec<_> = LANGUAGES.iter().collect();
        assert_eq!(first_offered(["ur-PK", "en-GB"], &all).code, "ur");
        assert_eq!(first_offered(["en-GB", "pl"], &all).code, "en");
        assert_eq!(first_offered(["fr", "pl-PL"], &all).code, "pl");
        let no_arabic = [lang("en"), lang("pl")];
        assert_eq!(first_offered(["ar", "pl"], &no_arabic).code, "pl");
        assert_eq!(first_offered(["ar"], &no_arabic).code, "en");
        assert_eq!(first_offered(Vec::<String>::new(), &all).code, "en");
    }
}
