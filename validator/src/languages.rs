//! The languages a profile offers: the codes must be ones the widget ships, and for each
//! language other than English the report says which of the landlord's own words have no
//! translation, so the panel shows them in English.

use safe_contact_profile::{Language, Profile, Service, LANGUAGES};
use serde_json::Value;

use crate::lines::push_token;
use crate::report::Report;

fn shipped() -> String {
    LANGUAGES
        .iter()
        .map(|l| l.code)
        .collect::<Vec<_>>()
        .join(", ")
}

fn is_shipped(code: &str) -> bool {
    LANGUAGES.iter().any(|l| l.code == code)
}

/// Checks `languages` and every translation's language code, on the raw JSON.
pub fn check(value: &Value, report: &mut Report) {
    let listed: Vec<&str> = value
        .get("languages")
        .and_then(Value::as_array)
        .map(|codes| codes.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for (i, code) in listed.iter().enumerate() {
        let pointer = push_token("/languages", &i.to_string());
        if !is_shipped(code) {
            report.add(
                &pointer,
                format!(
                    "\"{code}\" is not a language the widget ships: use one of {}",
                    shipped()
                ),
            );
        } else if listed[..i].contains(code) {
            report.add(&pointer, format!("\"{code}\" is listed twice"));
        }
    }
    translations(value, "", &listed, report);
}

fn translations(value: &Value, pointer: &str, listed: &[&str], report: &mut Report) {
    match value {
        Value::Object(members) => {
            for (key, member) in members {
                let here = push_token(pointer, key);
                if key == "translations" || key == "next_steps_translations" {
                    for code in member.as_object().into_iter().flat_map(|m| m.keys()) {
                        let at = push_token(&here, code);
                        if !is_shipped(code) || code == "en" {
                            report.add(
                                &at,
                                format!(
                                    "\"{code}\" is not a language to translate into: use one of {}",
                                    &shipped()[4..]
                                ),
                            );
                        } else if !listed.is_empty() && !listed.contains(&code.as_str()) {
                            report.warn(
                                &at,
                                format!("a translation into \"{code}\", which `languages` does not offer: the panel never shows it"),
                            );
                        }
                    }
                } else {
                    translations(member, &here, listed, report);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                translations(item, &push_token(pointer, &i.to_string()), listed, report);
            }
        }
        _ => {}
    }
}

/// For one language the profile offers, what has no translation and shows in English.
pub struct Gaps {
    pub language: &'static Language,
    pub missing: Vec<String>,
}

/// The gaps for each offered language but English, in the order the widget lists them.
pub fn gaps(profile: &Profile) -> Vec<Gaps> {
    profile
        .offered_languages()
        .into_iter()
        .filter(|l| l.code != "en")
        .map(|language| {
            let code = language.code;
            let mut missing = Vec::new();
            let untranslated = profile
                .commitments
                .iter()
                .filter(|c| !c.translations.contains(code))
                .count();
            if untranslated > 0 {
                missing.push(format!(
                    "{untranslated} of {} commitments",
                    profile.commitments.len()
                ));
            }
            if let Some(c) = &profile.callback {
                if !c.next_steps_translations.contains(code) {
                    missing.push("what happens after a call-back request (next_steps)".into());
                }
            }
            let services = profile
                .landlord_contacts
                .iter()
                .chain(profile.areas.iter().flat_map(|a| &a.services));
            let mut names: Vec<&str> = services
                .filter(|s: &&Service| !s.translations.contains(code))
                .map(|s| s.name.as_str())
                .collect();
            names.dedup();
            if !names.is_empty() {
                missing.push(format!("the descriptions of {}", names.join(", ")));
            }
            Gaps { language, missing }
        })
        .collect()
}
