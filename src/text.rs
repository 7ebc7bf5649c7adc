//! Every word of the panel's own interface, looked up by key in a catalogue, so that other
//! languages can replace the English without touching the components (issue 11). The national
//! content and the landlord's profile carry their own text and are not in here.
//!
//! A catalogue is `profile/content/ui.<lang>.json`: its `lang`, `name`, `dir` and `reviewed`,
//! then `ui`, an object from dotted keys to text with `{placeholders}`. It is read with the workspace's own JSON
//! reader, since serde would cost the wasm more than the whole catalogue.

use std::sync::OnceLock;

use safe_contact_json::{parse, Value};
use web_sys::Element;

use crate::dom::append_text;

/// Built in, so that the English panel never waits for a request and is the fallback for any
/// other language.
const ENGLISH: &str = include_str!("../profile/content/ui.en.json");

/// Parsed at the first lookup and kept while the page is open, since every open of the panel
/// needs it; lookups can then hand out plain `&str`. A broken catalogue reads as empty, so
/// every lookup shows its key: the tests refuse one, and the 999 advice does not depend on it.
static CATALOGUE: OnceLock<Value> = OnceLock::new();

/// The text for `key`, or the key itself when the catalogue lacks it: a visible defect to
/// report rather than a panic that would take the whole panel, and its 999 advice, with it.
pub fn t(key: &'static str) -> &'static str {
    CATALOGUE
        .get_or_init(|| parse(ENGLISH).unwrap_or(Value::Null))
        .get("ui")
        .and_then(|ui| ui.get(key))
        .and_then(Value::as_str)
        .unwrap_or(key)
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
        let mut used = BTreeSet::new();
        keys_in_sources(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut used,
        );
        let keys: BTreeSet<String> = catalogue_keys().into_iter().collect();
        assert!(used.len() > 50, "the scan found too few keys: {used:?}");
        let missing: Vec<_> = used.difference(&keys).collect();
        assert!(missing.is_empty(), "not in ui.en.json: {missing:?}");
        let unused: Vec<_> = keys.difference(&used).collect();
        assert!(
            unused.is_empty(),
            "in ui.en.json but not used in src/: {unused:?}"
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
