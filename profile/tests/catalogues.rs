//! Every language's catalogue says the same things as English where it matters most: the same
//! numbers, the same web and email addresses, the same services, contacts and sources, and the
//! same placeholders for the code to fill. Only the words around them are translated.

use std::collections::BTreeSet;
use std::path::PathBuf;

use safe_contact_profile::{National, LANGUAGES};
use serde_json::Value;

fn content(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("content")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn others() -> impl Iterator<Item = &'static str> {
    LANGUAGES.iter().skip(1).map(|l| l.code)
}

/// The runs of ASCII digits, sorted: a translation may move a number but not change it.
fn digit_runs(s: &str) -> Vec<String> {
    let mut runs: Vec<String> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|r| !r.is_empty())
        .map(String::from)
        .collect();
    runs.sort();
    runs
}

/// Phone numbers as written, groups and spaces included, sorted.
fn phone_numbers(s: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut current = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        // A space inside a number ("0808 2000 247") belongs to it.
        let inner_space =
            c == ' ' && !current.is_empty() && chars.peek().is_some_and(char::is_ascii_digit);
        if c.is_ascii_digit() || inner_space {
            current.push(c);
        } else if !current.is_empty() {
            found.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        found.push(current);
    }
    found.retain(|n| n.contains(' '));
    found.sort();
    found
}

/// Web addresses, domains and email addresses, sorted.
fn links(s: &str) -> Vec<String> {
    let mut found: Vec<String> = s
        .split(|c: char| c.is_whitespace() || !c.is_ascii())
        .map(|w| w.trim_matches(|c: char| ".,;:()[]\"'!?".contains(c)))
        .filter(|w| {
            let host = w.split('/').next().unwrap_or_default();
            w.contains("://")
                || w.contains('@')
                || host.split('.').count() > 1
                    && host.split('.').all(|part| !part.is_empty())
                    && host.rsplit('.').next().is_some_and(|tld| {
                        tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_lowercase())
                    })
        })
        .map(String::from)
        .collect();
    found.sort();
    found
}

fn placeholders(s: &str) -> BTreeSet<String> {
    s.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
        .collect()
}

/// Compares one translated string with the English one at the same place.
fn same_facts(place: &str, english: &str, translated: &str, problems: &mut Vec<String>) {
    if translated.trim().is_empty() {
        problems.push(format!("{place}: empty"));
    }
    if let Some(c) = translated
        .chars()
        .find(|c| c.is_numeric() && !c.is_ascii_digit())
    {
        problems.push(format!("{place}: digit {c:?} is not 0-9"));
    }
    for (what, ours, theirs) in [
        ("numbers", digit_runs(english), digit_runs(translated)),
        (
            "phone numbers",
            phone_numbers(english),
            phone_numbers(translated),
        ),
        ("links", links(english), links(translated)),
    ] {
        if ours != theirs {
            problems.push(format!("{place}: {what} {theirs:?}, English has {ours:?}"));
        }
    }
    if placeholders(english) != placeholders(translated) {
        problems.push(format!("{place}: placeholders differ from English"));
    }
}

/// Fields that are facts, not words: copied from English unchanged.
const UNCHANGED: &[&str] = &[
    "schema_version",
    "name",
    "kind",
    "value",
    "source",
    "checked",
    "source_date",
    "sources",
];

/// Walks the English and translated national content side by side.
fn compare(place: &str, english: &Value, translated: &Value, problems: &mut Vec<String>) {
    match (english, translated) {
        (Value::Object(e), Value::Object(t)) => {
            let (ek, tk): (Vec<_>, Vec<_>) = (e.keys().collect(), t.keys().collect());
            if ek != tk {
                problems.push(format!("{place}: fields {tk:?}, English has {ek:?}"));
                return;
            }
            for (key, ev) in e {
                let here = format!("{place}.{key}");
                if UNCHANGED.contains(&key.as_str()) {
                    if ev != &t[key] {
                        problems.push(format!("{here}: must be as in English"));
                    }
                } else {
                    compare(&here, ev, &t[key], problems);
                }
            }
        }
        (Value::Array(e), Value::Array(t)) if e.len() == t.len() => {
            for (i, (ev, tv)) in e.iter().zip(t).enumerate() {
                compare(&format!("{place}[{i}]"), ev, tv, problems);
            }
        }
        (Value::String(e), Value::String(t)) => same_facts(place, e, t, problems),
        _ => problems.push(format!("{place}: not shaped as in English")),
    }
}

#[test]
fn every_shipped_language_has_a_catalogue_naming_it() {
    for language in LANGUAGES {
        let ui = content(&format!("ui.{}.json", language.code));
        assert_eq!(ui["lang"], language.code);
        assert_eq!(ui["name"], language.name);
        assert_eq!(ui["dir"], if language.rtl { "rtl" } else { "ltr" });
        assert!(ui["reviewed"].is_boolean(), "{}: reviewed", language.code);
    }
    let names: BTreeSet<_> =
        std::fs::read_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("content"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
    for name in names {
        let code = name
            .split('.')
            .nth(1)
            .filter(|_| name.split('.').count() == 3);
        if let Some(code) = code {
            assert!(
                LANGUAGES.iter().any(|l| l.code == code),
                "{name} is for a language the widget does not ship"
            );
        }
    }
}

#[test]
fn interface_texts_keep_the_numbers_links_and_placeholders_of_english() {
    let english = content("ui.en.json");
    let english = english["ui"].as_object().unwrap();
    let mut problems = Vec::new();
    for code in others() {
        let ui = content(&format!("ui.{code}.json"));
        let ui = ui["ui"].as_object().unwrap();
        let (ek, tk): (Vec<_>, Vec<_>) = (english.keys().collect(), ui.keys().collect());
        assert_eq!(
            ek, tk,
            "ui.{code}.json must have English's keys in English's order"
        );
        for (key, text) in english {
            same_facts(
                &format!("ui.{code}.json {key}"),
                text.as_str().unwrap(),
                ui[key].as_str().unwrap_or_default(),
                &mut problems,
            );
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn national_content_keeps_every_service_contact_source_number_and_link_of_english() {
    let english = content("national.json");
    let mut problems = Vec::new();
    for code in others() {
        let name = format!("national.{code}.json");
        let translated = content(&name);
        compare(&name, &english, &translated, &mut problems);
        // And it reads as national content, by the widget's own reader too.
        let text = serde_json::to_string(&translated).unwrap();
        if let Err(e) = National::read_json(&text) {
            problems.push(format!("{name}: {e}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_comparison_catches_a_changed_number_link_or_contact() {
    let mut problems = Vec::new();
    same_facts(
        "a",
        "Call 0808 2000 247 or 999",
        "Zadzwoń 999 lub 0808 2000 247",
        &mut problems,
    );
    same_facts(
        "b",
        "Go to www.gov.uk/x.",
        "اذهب إلى www.gov.uk/x.",
        &mut problems,
    );
    assert!(problems.is_empty(), "{problems:?}");
    for (english, translated) in [
        ("Call 0808 2000 247", "Zadzwoń 0808 2000 248"),
        ("Call 0808 2000 247", "Zadzwoń 08082000247"),
        ("Call 999", "اتصل ٩٩٩"),
        ("See gov.uk/clares-law", "Zobacz gov.uk/prawo-clare"),
        ("Email a@b.org", "Napisz"),
        ("From {landlord}", "Od {wynajmujący}"),
    ] {
        let mut found = Vec::new();
        same_facts("x", english, translated, &mut found);
        assert!(!found.is_empty(), "{translated:?} passed");
    }
    let english = serde_json::json!({"name": "Refuge", "contacts": [{"value": "0808"}]});
    let changed = serde_json::json!({"name": "Schronienie", "contacts": [{"value": "0808"}]});
    let mut found = Vec::new();
    compare("n", &english, &changed, &mut found);
    assert_eq!(found.len(), 1, "{found:?}");
}
