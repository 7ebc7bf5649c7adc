//! Checks of meaning that a schema cannot express: numbers that can be dialled, links that
//! open, dates that are recent, ids that are unique, lists that are not empty. Four are only
//! warnings, because the content may still be right: a policy past its review date, a source
//! that was already old when it was checked, a contact whose source is only the project's
//! notes, and a call-back endpoint on the page's own origin.
//!
//! They walk the raw JSON by key rather than the typed structs, so that they still run, and
//! still find everything they can, in a file whose structure is broken.

use serde_json::{Map, Value};

use crate::date::Date;
use crate::formats::{self, NumberUse};
use crate::lines::push_token;
use crate::report::Report;

/// Contacts older than this must be checked again against their source: services move,
/// numbers change, and a dead number can cost a person in danger the moment they had.
const MAX_AGE_DAYS: i64 = 365;

/// A page this much older than the day it was read may describe a service as it used to be.
const MAX_SOURCE_AGE_YEARS: i64 = 3;

pub fn check(value: &Value, today: Date, report: &mut Report) {
    policy_review(value, today, report);
    callback_endpoint(value, report);
    crate::languages::check(value, report);
    walk(value, "", None, today, report);
}

/// The commitments are the policy's, so once the policy is due for review they may have changed.
fn policy_review(value: &Value, today: Date, report: &mut Report) {
    let pointer = "/policy/review_date";
    let Some(due) = value
        .pointer(pointer)
        .and_then(Value::as_str)
        .and_then(Date::parse)
    else {
        return; // a malformed date is reported by the walk
    };
    if due < today {
        let landlord = value
            .get("name")
            .and_then(Value::as_str)
            .filter(|name| !name.trim().is_empty())
            .map_or_else(|| "The landlord's".to_owned(), possessive);
        report.warn(
            pointer,
            format!(
                "{landlord} policy was due for review on {}: check that these commitments still stand, then set the next review date",
                due.in_words()
            ),
        );
    }
}

/// The form runs in a frame from the endpoint's origin so that no script on the landlord's page
/// can read it; an endpoint on the page's own origin puts the frame back within their reach.
/// Still only a warning: it works, and a landlord may be part-way through moving the endpoint.
fn callback_endpoint(value: &Value, report: &mut Report) {
    let pointer = "/callback/endpoint";
    let Some(address) = value.pointer(pointer).and_then(Value::as_str) else {
        return;
    };
    if !address.trim().is_empty() && is_relative(address) {
        report.warn(
            pointer,
            format!(
                "callback.endpoint \"{address}\" is on the page's own origin: scripts on the page could read the form. Use the endpoint's own origin, for example https://contact.<landlord>.org.uk/v1/callbacks."
            ),
        );
    }
}

/// Whether a web address is relative, and so on the origin of the page it is used on: it has no
/// scheme (`https:`) and does not start with `//`, which names a host.
fn is_relative(address: &str) -> bool {
    if address.starts_with("//") {
        return false;
    }
    let scheme = address.split_once(':').map(|(scheme, _)| scheme);
    !scheme.is_some_and(|s| {
        s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

/// "Livin's", but "Stockport Homes'".
fn possessive(name: &str) -> String {
    if name.ends_with('s') {
        format!("{name}'")
    } else {
        format!("{name}'s")
    }
}

fn walk(value: &Value, pointer: &str, key: Option<&str>, today: Date, report: &mut Report) {
    match value {
        Value::Object(members) => {
            contact(members, pointer, report);
            source_age(members, pointer, report);
            for (key, member) in members {
                walk(member, &push_token(pointer, key), Some(key), today, report);
            }
        }
        Value::Array(items) => {
            if let Some(message) = items.is_empty().then(|| empty_list(key)).flatten() {
                report.add(pointer, message);
            }
            if key == Some("areas") {
                unique_ids(items, pointer, report);
            }
            for (index, item) in items.iter().enumerate() {
                walk(
                    item,
                    &push_token(pointer, &index.to_string()),
                    None,
                    today,
                    report,
                );
            }
        }
        Value::String(text) => string(text, pointer, key, today, report),
        _ => {}
    }
}

fn empty_list(key: Option<&str>) -> Option<&'static str> {
    Some(match key {
        Some("areas") => "no areas: a profile needs at least one council area",
        Some("services") => "no services: list at least one",
        Some("commitments") => "no commitments: add at least one from the landlord's policy",
        Some("sources") => "no sources: name where the facts in this section come from",
        Some("contacts") => "no contacts: say how to reach this service",
        // A landlord may have no domestic abuse contact that could be checked against a source,
        // and an unchecked number must not be shipped to fill the gap.
        Some("landlord_contacts") => return None,
        // Every other list is something the panel shows; an empty one shows a gap.
        _ => "is an empty list",
    })
}

fn string(text: &str, pointer: &str, key: Option<&str>, today: Date, report: &mut Report) {
    if text.trim().is_empty() {
        let message = match key {
            Some("source") => "source is empty: say where this was read",
            _ => "is empty",
        };
        report.add(pointer, message);
        return;
    }
    match key {
        Some("checked") => checked(text, pointer, today, report),
        Some("review_date" | "source_date") => {
            date(text, pointer, report);
        }
        Some("id") => {
            if let Err(reason) = formats::id(text) {
                report.add(pointer, format!("\"{text}\" is not an id: {reason}"));
            }
        }
        Some("exit_url") => {
            if let Err(reason) = formats::https_link(text) {
                report.add(pointer, format!("\"{text}\" {reason}"));
            }
        }
        _ => {}
    }
}

/// The date in `text`, or `None` after reporting that it is not one.
fn date(text: &str, pointer: &str, report: &mut Report) -> Option<Date> {
    let date = Date::parse(text);
    if date.is_none() {
        report.add(
            pointer,
            format!("\"{text}\" is not a date written as YYYY-MM-DD"),
        );
    }
    date
}

fn checked(text: &str, pointer: &str, today: Date, report: &mut Report) {
    let Some(date) = date(text, pointer, report) else {
        return;
    };
    if date > today {
        report.add(pointer, format!("checked {date} is in the future"));
    } else if today.days() - date.days() > MAX_AGE_DAYS {
        report.add(
            pointer,
            format!("checked {date} is more than a year ago: check it again"),
        );
    }
}

/// Any object with a `kind` and a `value` is a contact, wherever it sits.
fn contact(members: &Map<String, Value>, pointer: &str, report: &mut Report) {
    let (Some(kind), Some(value)) = (
        members.get("kind").and_then(Value::as_str),
        members.get("value").and_then(Value::as_str),
    ) else {
        return;
    };
    if value.trim().is_empty() {
        return; // reported as empty by the walk
    }
    let verdict = match kind {
        "phone" => formats::uk_number(value, NumberUse::Call)
            .map_err(|reason| format!("\"{value}\" is not a UK phone number: {reason}")),
        "text" => formats::uk_number(value, NumberUse::Text)
            .map_err(|reason| format!("\"{value}\" is not a UK number that takes texts: {reason}")),
        "email" => formats::email(value).map_err(|reason| format!("\"{value}\" {reason}")),
        "web" => formats::https_link(value).map_err(|reason| format!("\"{value}\" {reason}")),
        "address" => {
            formats::postal_address(value).map_err(|reason| format!("\"{value}\" {reason}"))
        }
        _ => Ok(()), // an unknown kind is the schema's to report
    };
    if let Err(message) = verdict {
        report.add(&push_token(pointer, "value"), message);
    }
    if let Some(notes) = members
        .get("source")
        .and_then(Value::as_str)
        .and_then(only_notes)
    {
        report.warn(
            &push_token(pointer, "source"),
            format!(
                "the source is only the notes file {notes}: name the page it was read on, with its web address, and give its source_date"
            ),
        );
    }
}

/// The notes file a source names first, such as `content-sources.md`, when nothing in it leads
/// anyone else to the page the fact was read on: no web address. Notes are where a fact was
/// written down, not where it can be checked again.
fn only_notes(source: &str) -> Option<&str> {
    let first = source.trim_start().split([' ', ',', ';', '(']).next()?;
    let notes = first.len() > 3 && first.to_ascii_lowercase().ends_with(".md");
    (notes && !source.contains("https://") && !source.contains("http://")).then_some(first)
}

/// Any object with a `source_date` and a `checked` date is a sourced fact, wherever it sits.
fn source_age(members: &Map<String, Value>, pointer: &str, report: &mut Report) {
    let date = |key| {
        members
            .get(key)
            .and_then(Value::as_str)
            .and_then(Date::parse)
    };
    let (Some(source), Some(checked)) = (date("source_date"), date("checked")) else {
        return; // malformed dates are reported by the walk
    };
    let pointer = push_token(pointer, "source_date");
    if source > checked {
        report.add(
            &pointer,
            format!("the source is dated {source}, after it was checked on {checked}"),
        );
    } else if old_source(source, checked) {
        report.warn(
            &pointer,
            format!(
                "the source is dated {}, more than three years before it was checked: look for a newer source that says the same",
                source.in_words()
            ),
        );
    }
}

/// Whether a source was already more than three years old on the day it was checked.
pub fn old_source(source: Date, checked: Date) -> bool {
    source.more_than_years_before(checked, MAX_SOURCE_AGE_YEARS)
}

/// A person picks their area by id, so two areas with one id would make one unreachable.
fn unique_ids(areas: &[Value], pointer: &str, report: &mut Report) {
    let mut seen: Vec<(&str, usize)> = Vec::new();
    for (index, area) in areas.iter().enumerate() {
        let Some(id) = area.get("id").and_then(Value::as_str) else {
            continue;
        };
        match seen.iter().find(|(other, _)| *other == id) {
            Some((_, first)) => report.add(
                &push_token(&push_token(pointer, &index.to_string()), "id"),
                format!(
                    "area id `{id}` is also used by {}",
                    push_token(pointer, &first.to_string())
                ),
            ),
            None => seen.push((id, index)),
        }
    }
}
