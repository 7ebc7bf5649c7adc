//! Every word of the panel, looked up by key in the chosen language's catalogue, so that other
//! languages replace the English without touching the components.
//!
//! A catalogue is `profile/content/ui.<lang>.json`: its `lang`, `name`, `dir` and `reviewed`,
//! then `ui`, an object from dotted keys to text with `{placeholders}`. The build joins each
//! language but English with its `national.<lang>.json` into one file, `lang/<lang>.json`,
//! fetched only when that language is chosen. English is built in. Catalogues are read with the
//! workspace's own JSON reader, since serde would cost the wasm more than a whole catalogue.

use std::cell::Cell;
use std::sync::OnceLock;

use safe_contact_json::{parse, Value};
use safe_contact_profile::{
    language_for_tag, national_shown, Block, Language, National, Translations, LANGUAGES,
};
use web_sys::Element;

use crate::dom::{append_text, el};

/// Built in, so that the English panel never waits for a request and is the fallback for any
/// other language.
const ENGLISH: &str = include_str!("../../profile/content/ui.en.json");

/// One language's text: the panel's own words and the national content.
pub struct Catalogue {
    pub language: &'static Language,
    /// Checked by a fluent speaker. Until then the panel says so, in the language itself.
    pub reviewed: bool,
    ui: Value,
    pub national: National,
}

impl Catalogue {
    /// Reads a catalogue for `code`. `national` is English's built-in content, or `None` to read
    /// the content from the catalogue's own `national` member.
    pub fn read(code: &str, text: &str, national: Option<National>) -> Result<Catalogue, String> {
        let value = parse(text).map_err(|e| e.message().to_owned())?;
        let language = value
            .get("lang")
            .and_then(Value::as_str)
            .filter(|lang| *lang == code)
            .and_then(language_for_tag)
            .ok_or("the catalogue is for another language")?;
        let national = match national {
            Some(n) => n,
            None => {
                let mut n =
                    National::read_value(value.get("national").ok_or("no national content")?)?;
                written_in(&mut n, code);
                n
            }
        };
        Ok(Catalogue {
            language,
            reviewed: value.get("reviewed").and_then(Value::as_bool) == Some(true),
            ui: value.get("ui").cloned().ok_or("no `ui` texts")?,
            national,
        })
    }

    pub fn text(&self, key: &str) -> Option<&str> {
        self.ui.get(key).and_then(Value::as_str)
    }
}

/// Records that each national service's description in a catalogue is already in that
/// catalogue's language, so [`own_words`] does not mark it as English.
fn written_in(national: &mut National, code: &str) {
    let sections = [
        &mut national.danger_now,
        &mut national.clares_law,
        &mut national.covering_tracks,
        &mut national.worried_about_someone,
        &mut national.own_behaviour,
        &mut national.children,
    ];
    let in_sections = sections
        .into_iter()
        .flat_map(|s| s.blocks.iter_mut())
        .filter_map(|b| match b {
            Block::Services(services) => Some(services.iter_mut()),
            _ => None,
        })
        .flatten();
    for service in national.helplines.iter_mut().chain(in_sections) {
        service
            .translations
            .0
            .push((code.to_owned(), service.about.clone()));
    }
}

/// Parsed at the first lookup and kept while the page is open. A broken English catalogue
/// reads as empty, so every lookup shows its key: the tests refuse one, and the 999 advice
/// does not depend on it.
pub fn english() -> &'static Catalogue {
    static EN: OnceLock<Catalogue> = OnceLock::new();
    EN.get_or_init(|| {
        Catalogue::read("en", ENGLISH, Some(national_shown())).unwrap_or_else(|_| Catalogue {
            language: &LANGUAGES[0],
            reviewed: true,
            ui: Value::Null,
            national: national_shown(),
        })
    })
}

thread_local! {
    /// The language the panel is drawn in. Catalogues live as long as the page, so lookups can
    /// hand out plain `&'static str`; at most one per shipped language is ever read.
    static CURRENT: Cell<Option<&'static Catalogue>> = const { Cell::new(None) };
}

pub fn current() -> &'static Catalogue {
    CURRENT.with(Cell::get).unwrap_or_else(english)
}

pub fn set_current(catalogue: &'static Catalogue) {
    CURRENT.with(|c| c.set(Some(catalogue)));
    crate::dom::set_right_to_left(catalogue.language.rtl);
}

/// The text for `key` in the current language, else in English, else the key itself: a
/// visible defect to report rather than a panic that would take the whole panel, and its
/// 999 advice, with it.
pub fn t(key: &'static str) -> &'static str {
    current()
        .text(key)
        .or_else(|| english().text(key))
        .unwrap_or(key)
}

/// The quick exit's label in `language`, keeping its hidden "Emergency" cue for screen readers.
pub fn label_exit(exit: &Element, language: &Language) {
    exit.set_text_content(None);
    let cue = el("span").class("vh").text(t("exit.cue")).text(" ").el();
    let _ = exit.append_child(&cue);
    append_text(exit, t("exit.label"));
    let _ = exit.set_attribute("lang", language.code);
    let _ = exit.set_attribute("dir", if language.rtl { "rtl" } else { "ltr" });
}

/// A landlord's or a service's own words, in the current language where the profile has them.
/// Otherwise the English stands in, marked as English so a screen reader speaks it as English.
pub fn own_words(tag: &str, english: &str, translations: &Translations) -> Element {
    let code = current().language.code;
    match translations.get(code) {
        Some(text) if code != "en" => el(tag).text(text).el(),
        _ if code == "en" => el(tag).text(english).el(),
        _ => el(tag).attr("lang", "en").text(english).el(),
    }
}

/// Whether some of these own words have no translation into the current language.
pub fn lacks_translation<'a>(all: impl IntoIterator<Item = &'a Translations>) -> bool {
    let code = current().language.code;
    code != "en" && all.into_iter().any(|t| !t.contains(code))
}

// The searches below go byte by byte: braces are ASCII, so every cut falls between
// characters, and a `str` pattern search would cost the wasm its searcher's code.

/// `template` with each `{name}` replaced by its value in `args`. One pass over the template,
/// so a value that itself contains braces, such as a landlord's name, is never filled again.
/// An unknown `{name}` stays as written, which makes a mismatch between a catalogue and the
/// code visible.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.bytes().position(|b| b == b'{') {
        out.push_str(&rest[..open]);
        rest = &rest[open..];
        let filled = rest.bytes().position(|b| b == b'}').and_then(|close| {
            let value = args.iter().find(|(name, _)| *name == &rest[1..close])?.1;
            Some((value, close))
        });
        match filled {
            Some((value, close)) => {
                out.push_str(value);
                rest = &rest[close + 1..];
            }
            None => {
                out.push('{');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Appends `template` to `parent` as text, filled from `args`, with `child` where `{slot}`
/// stands: a translation can then put a link or an emphasised name wherever its grammar needs.
pub fn append_filled(
    parent: &Element,
    template: &str,
    args: &[(&str, &str)],
    slot: &str,
    child: &Element,
) {
    // Split before filling, so that a filled-in value cannot pose as the slot.
    let bytes = template.as_bytes();
    let at = (0..bytes.len()).find(|&i| {
        bytes[i] == b'{'
            && bytes[i + 1..].starts_with(slot.as_bytes())
            && bytes.get(i + 1 + slot.len()) == Some(&b'}')
    });
    let (before, after) = match at {
        Some(i) => (&template[..i], &template[i + slot.len() + 2..]),
        None => (template, ""),
    };
    append_text(parent, &fill(before, args));
    let _ = parent.append_child(child);
    if !after.is_empty() {
        append_text(parent, &fill(after, args));
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use super::*;

    fn catalogue() -> Value {
        parse(ENGLISH).expect("ui.en.json is valid JSON")
    }

    #[test]
    fn english_reads_as_a_reviewed_catalogue() {
        let en = Catalogue::read("en", ENGLISH, Some(national_shown())).unwrap();
        assert!(en.reviewed);
        assert_eq!(en.language.code, "en");
        assert!(Catalogue::read("pl", ENGLISH, Some(national_shown())).is_err());
    }

    fn catalogue_keys() -> Vec<String> {
        match catalogue().get("ui") {
            Some(Value::Object(members)) => members.iter().map(|(k, _)| k.clone()).collect(),
            other => panic!("`ui` must be an object, not {other:?}"),
        }
    }

    fn is_key(s: &str) -> bool {
        s.starts_with(|c: char| c.is_ascii_lowercase())
            && s.contains('.')
            && !s.ends_with('.')
            && !s.contains("..")
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.')
    }

    /// Every string literal in src/ shaped like a key. Each text between two quote marks is
    /// taken, inside a literal or not, so the scan errs towards finding too many keys: a
    /// false one fails the test loudly rather than letting a real one pass unseen.
    fn keys_in_sources(dir: &Path, found: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).expect("src/ is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                keys_in_sources(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let source = std::fs::read_to_string(&path).expect("a source file");
                found.extend(source.split('"').filter(|s| is_key(s)).map(String::from));
            }
        }
    }

    #[test]
    fn every_key_in_the_sources_is_in_the_catalogue_and_every_catalogue_key_is_used() {
        // The catalogue serves the panel (src/), the form frame (form/src/) and what both
        // share (ui/src/).
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut used = BTreeSet::new();
        for dir in ["src", "form/src", "ui/src"] {
            keys_in_sources(&root.join(dir), &mut used);
        }
        // The call-back crate's content rules name the keys of their own messages.
        let mut rules = BTreeSet::new();
        keys_in_sources(&root.join("callback/src"), &mut rules);
        used.extend(
            rules
                .into_iter()
                .filter(|k| k.starts_with("callback.error.")),
        );
        let keys: BTreeSet<String> = catalogue_keys().into_iter().collect();
        assert!(used.len() > 50, "the scan found too few keys: {used:?}");
        let missing: Vec<_> = used.difference(&keys).collect();
        assert!(missing.is_empty(), "not in ui.en.json: {missing:?}");
        let unused: Vec<_> = keys.difference(&used).collect();
        assert!(
            unused.is_empty(),
            "in ui.en.json but not used in src/, form/src/, ui/src/ or callback/src/: {unused:?}"
        );
    }

    #[test]
    fn the_english_catalogue_is_well_formed() {
        let c = catalogue();
        assert_eq!(c.get("lang").and_then(Value::as_str), Some("en"));
        assert_eq!(c.get("name").and_then(Value::as_str), Some("English"));
        assert_eq!(c.get("dir").and_then(Value::as_str), Some("ltr"));
        assert_eq!(c.get("reviewed").and_then(Value::as_bool), Some(true));
        let Value::Object(members) = &c else {
            panic!("a catalogue is an object")
        };
        let fields: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(fields, ["lang", "name", "dir", "reviewed", "ui"]);
        let keys = catalogue_keys();
        for (i, key) in keys.iter().enumerate() {
            assert!(is_key(key), "not a dotted lower-case key: {key}");
            assert!(!keys[..i].contains(key), "duplicate key: {key}");
            let text = c.get("ui").and_then(|ui| ui.get(key));
            assert!(
                text.and_then(Value::as_str)
                    .is_some_and(|t| !t.trim().is_empty()),
                "{key} must be a non-empty string"
            );
        }
    }

    #[test]
    fn lookup_gives_the_text_or_else_the_key() {
        assert_eq!(t("callback.button.send"), "Send request");
        assert_eq!(t("no such key"), "no such key");
    }

    #[test]
    fn fill_replaces_known_placeholders_once() {
        assert_eq!(
            fill(
                t("callback.consent.label"),
                &[("landlord", "Livin {landlord}")]
            ),
            "I agree that Livin {landlord} can use these details to contact me about support."
        );
        assert_eq!(fill("{a} and {b}", &[("a", "1")]), "1 and {b}");
        assert_eq!(fill("{open", &[("open", "x")]), "{open");
        assert_eq!(fill("{x {a}} £", &[("a", "1")]), "{x 1} £");
        assert_eq!(fill("", &[]), "");
    }
}
