use std::fs;
use std::path::Path;

use serde_json::{json, Value as J};

use crate::*;

fn shipped_profiles() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../public/profiles");
    let mut files: Vec<(String, String)> = fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .map(|path| {
            let text = fs::read_to_string(&path).unwrap();
            (path.display().to_string(), text)
        })
        .collect();
    files.sort();
    assert!(files.len() >= 5, "found only {files:?}");
    files
}

/// A profile with every optional field set, every contact kind and every optional question,
/// since the shipped profiles leave some of them out.
fn full_profile() -> J {
    let contact = |kind: &str| {
        json!({
            "kind": kind, "value": "0808 2000 247", "label": "Call \"us\"\n", "hours": "24 hours",
            "source": "https://example.org/é", "checked": "2025-01-01", "source_date": "2024-12-01"
        })
    };
    json!({
        "schema_version": 1,
        "id": "example",
        "name": "Example Homes 😀",
        "launcher_label": "Support and safety",
        "exit_url": "https://www.bbc.co.uk/weather",
        "policy": {
            "title": "Domestic abuse policy",
            "date": "March 2024",
            "review_date": "2027-03-01",
            "link": contact("web")
        },
        "commitments": [{"text": "We will listen.", "policy_ref": "section 9.3",
            "advice": "Someone else at home could see our letter.",
            "advice_translations": {"pl": "Ktoś w domu może zobaczyć nasz list."}}],
        "landlord_contacts": [{
            "name": "Example Homes",
            "about": "Tenancy support.",
            "contacts": [contact("phone"), contact("text"), contact("email"), contact("web"),
                         contact("address")]
        }],
        "areas": [
            {
                "id": "one",
                "name": "One",
                "police_force": {"name": "One Police", "clares_law": contact("web")},
                "services": [{"name": "Refuge", "about": "Safe housing.", "contacts": []}]
            },
            {"id": "two", "name": "Two", "police_force": {"name": "Two Police"}, "services": []}
        ],
        "callback": {
            "endpoint": "https://example.org/v1/callbacks",
            "next_steps": "We will call within two working days.",
            "privacy_notice": contact("web"),
            "not_asked": ["safe_times_note", "name_to_ask_for", "officer_gender", "access_needs"],
            "professional_interpreters_only": true,
            "seal": {"key_id": "example-1", "public_key": "HKKcDcEyYaaYoI0AXHjXVqIQrz1LMOguOCHyhqOsURc"}
        }
    })
}

fn national_value() -> J {
    serde_json::from_str(NATIONAL_JSON).unwrap()
}

/// Both readers of a profile: ours and the serde one the validator uses.
fn both_profile(text: &str) -> (Result<Profile, String>, Result<Profile, String>) {
    (Profile::read_json(text), Profile::from_json(text))
}

fn both_national(text: &str) -> (Result<National, String>, Result<National, String>) {
    (
        National::read_json(text),
        serde_json::from_str::<National>(text).map_err(|e| e.to_string()),
    )
}

#[test]
fn every_shipped_profile_reads_as_serde_reads_it() {
    for (path, text) in shipped_profiles() {
        let (ours, serde) = both_profile(&text);
        assert_eq!(ours, Ok(serde.unwrap()), "{path}");
    }
}

#[test]
fn national_content_reads_as_serde_reads_it() {
    let (ours, serde) = both_national(NATIONAL_JSON);
    assert_eq!(ours, Ok(serde.unwrap()));
    assert_eq!(national(), ours.unwrap());
}

#[test]
fn every_optional_field_and_variant_reads_as_serde_reads_it() {
    let text = full_profile().to_string();
    let (ours, serde) = both_profile(&text);
    let ours = ours.unwrap();
    assert_eq!(ours, serde.unwrap());
    let callback = ours.callback.as_ref().unwrap();
    assert_eq!(callback.not_asked.len(), 4);
    assert!(callback.professional_interpreters_only);
    assert!(callback.seal.is_some() && callback.privacy_notice.is_some());
    assert!(ours.policy.link.is_some() && ours.areas[0].police_force.clares_law.is_some());
    assert_eq!(
        ours.landlord_contacts[0].contacts[1].kind,
        ContactKind::Text
    );
    assert_eq!(
        ours.landlord_contacts[0].contacts[0].label.as_deref(),
        Some("Call \"us\"\n")
    );

    let blocks = json!([
        {"text": "A paragraph."},
        {"steps": ["One.", "Two."]},
        {"points": []},
        {"services": [{"name": "Helpline", "about": "Free.", "contacts": []}]}
    ]);
    let mut n = national_value();
    n["children"]["blocks"] = blocks;
    let (ours, serde) = both_national(&n.to_string());
    assert_eq!(ours, Ok(serde.unwrap()));
}

#[test]
fn missing_or_null_optional_fields_read_as_none_or_empty() {
    let mut v = full_profile();
    for key in ["launcher_label", "exit_url", "callback"] {
        v[key] = J::Null;
    }
    v["policy"]["link"] = J::Null;
    v["areas"][0]["police_force"]
        .as_object_mut()
        .unwrap()
        .remove("clares_law");
    let p = Profile::read_json(&v.to_string()).unwrap();
    assert_eq!(p, Profile::from_json(&v.to_string()).unwrap());
    assert_eq!(
        (p.launcher_label, p.exit_url, p.callback),
        (None, None, None)
    );

    let mut v = full_profile();
    let callback = v["callback"].as_object_mut().unwrap();
    callback.retain(|key, _| key == "next_steps");
    let p = Profile::read_json(&v.to_string()).unwrap();
    assert_eq!(p, Profile::from_json(&v.to_string()).unwrap());
    let callback = p.callback.unwrap();
    assert!(callback.not_asked.is_empty() && !callback.professional_interpreters_only);
}

fn refused_by_both(text: &str, what: &str) {
    let (ours, serde) = both_profile(text);
    assert!(serde.is_err(), "serde read {what}");
    assert!(ours.is_err(), "read_json read {what}: {ours:?}");
}

/// A broken document: what is wrong with it, and how to make it from a valid one.
type Breakage = (&'static str, fn(&mut J));

#[test]
fn broken_profiles_are_refused() {
    let cases: Vec<Breakage> = vec![
        ("schema_version 2", |v| v["schema_version"] = json!(2)),
        ("schema_version 0", |v| v["schema_version"] = json!(0)),
        ("schema_version -1", |v| v["schema_version"] = json!(-1)),
        ("schema_version 1.5", |v| v["schema_version"] = json!(1.5)),
        ("schema_version text", |v| v["schema_version"] = json!("1")),
        ("no schema_version", |v| {
            v.as_object_mut().unwrap().remove("schema_version");
        }),
        ("id a number", |v| v["id"] = json!(5)),
        ("name null", |v| v["name"] = J::Null),
        ("policy a string", |v| v["policy"] = json!("policy")),
        ("commitments an object", |v| v["commitments"] = json!({})),
        ("areas null", |v| v["areas"] = J::Null),
        ("label a number", |v| {
            v["landlord_contacts"][0]["contacts"][0]["label"] = json!(7)
        }),
        ("not_asked null", |v| v["callback"]["not_asked"] = J::Null),
        ("professional_interpreters_only null", |v| {
            v["callback"]["professional_interpreters_only"] = J::Null
        }),
        ("professional_interpreters_only text", |v| {
            v["callback"]["professional_interpreters_only"] = json!("true")
        }),
        ("not_asked a string", |v| {
            v["callback"]["not_asked"] = json!("officer_gender")
        }),
        ("unknown top field", |v| v["exit_link"] = json!("x")),
        ("unknown policy field", |v| {
            v["policy"]["reviewed"] = json!("x")
        }),
        ("unknown contact field", |v| {
            v["landlord_contacts"][0]["contacts"][0]["note"] = json!("x")
        }),
        ("unknown callback field", |v| {
            v["callback"]["email"] = json!("x")
        }),
        ("unknown seal field", |v| {
            v["callback"]["seal"]["alg"] = json!("x")
        }),
        ("no id", |v| {
            v.as_object_mut().unwrap().remove("id");
        }),
        ("no policy title", |v| {
            v["policy"].as_object_mut().unwrap().remove("title");
        }),
        ("no police force", |v| {
            v["areas"][1]
                .as_object_mut()
                .unwrap()
                .remove("police_force");
        }),
        ("no next steps", |v| {
            v["callback"].as_object_mut().unwrap().remove("next_steps");
        }),
        ("no seal key", |v| {
            v["callback"]["seal"]
                .as_object_mut()
                .unwrap()
                .remove("public_key");
        }),
        ("kind in capitals", |v| {
            v["landlord_contacts"][0]["contacts"][0]["kind"] = json!("Phone")
        }),
        ("kind fax", |v| {
            v["landlord_contacts"][0]["contacts"][0]["kind"] = json!("fax")
        }),
        ("kind a number", |v| {
            v["landlord_contacts"][0]["contacts"][0]["kind"] = json!(0)
        }),
        ("unknown question", |v| {
            v["callback"]["not_asked"] = json!(["gender"])
        }),
        ("question in camel case", |v| {
            v["callback"]["not_asked"] = json!(["officerGender"])
        }),
        ("a profile that is an array", |v| *v = json!([])),
    ];
    for (what, change) in cases {
        let mut v = full_profile();
        change(&mut v);
        refused_by_both(&v.to_string(), what);
    }

    let text = full_profile().to_string();
    let duplicate = text.replacen("\"id\":", "\"id\":\"other\",\"id\":", 1);
    refused_by_both(&duplicate, "a duplicate field");
    refused_by_both(&text[..text.len() - 1], "a cut-off profile");
    refused_by_both(&text.replacen('}', ",}", 1), "a trailing comma");
    refused_by_both("", "nothing");
}

#[test]
fn broken_blocks_are_refused() {
    for block in [
        json!("text"),
        json!({}),
        json!({"text": "a", "steps": ["b"]}),
        json!({"list": ["a"]}),
        json!({"Text": "a"}),
        json!({"text": 5}),
        json!({"text": null}),
        json!({"steps": "a"}),
        json!({"steps": [1]}),
        json!({"services": [{"name": "x"}]}),
        json!(["text", "a"]),
    ] {
        let mut n = national_value();
        n["danger_now"]["blocks"] = json!([block]);
        let (ours, serde) = both_national(&n.to_string());
        assert!(serde.is_err() && ours.is_err(), "{block}: {ours:?}");
    }
    let mut n = national_value();
    n.as_object_mut().unwrap().remove("children");
    let (ours, serde) = both_national(&n.to_string());
    assert!(serde.is_err() && ours.is_err());
}

/// The sources and dates behind the content, which the browser's copies leave out
/// (`crate::shown`): serde, for the validator, requires them; the browser's reader takes a copy
/// without them, and `the_browsers_copies_read_without_sources` covers that.
use crate::shown::NOT_SHOWN;

#[test]
fn the_browsers_copies_read_without_sources() {
    // A contact and a section with no source or date, or null ones, read as empty.
    let mut v = full_profile();
    v["areas"][0]["services"][0]["contacts"] = json!([{"kind": "web", "value": "x"}]);
    v["policy"]["link"]["source"] = J::Null;
    let p = Profile::read_json(&v.to_string()).unwrap();
    let contact = &p.areas[0].services[0].contacts[0];
    assert_eq!(
        (contact.source.as_str(), contact.checked.as_str()),
        ("", "")
    );
    assert_eq!(p.policy.link.unwrap().source, "");
    // Still a string where one is given.
    v["policy"]["link"]["checked"] = json!(1);
    assert!(Profile::read_json(&v.to_string()).is_err());
    // The national content as built into the browser's wasm: no source or date left in it,
    // and otherwise what the full file says.
    let shown: J = serde_json::from_str(crate::NATIONAL_SHOWN_JSON).unwrap();
    for key in NOT_SHOWN {
        assert!(
            !crate::NATIONAL_SHOWN_JSON.contains(&format!("\"{key}\":")),
            "{key} in {shown}"
        );
    }
    let mut full: J = serde_json::from_str(NATIONAL_JSON).unwrap();
    crate::shown::shown(&mut full);
    assert_eq!(full, shown);
    let without = crate::national_shown();
    assert_eq!(without, National::read_json(&full.to_string()).unwrap());
    assert!(without.danger_now.sources.is_empty() && !national().danger_now.sources.is_empty());
}

/// Every way of changing one field of a valid document, checked against serde: both read it
/// to the same value, or both refuse it. This covers each field's default, type and name, but
/// for the sources and dates the browser's copies leave out (`NOT_SHOWN`).
fn one_field_changes(document: &J, check: &dyn Fn(&str)) {
    /// JSON pointers to every member and item, each with its parent and its own key or index.
    fn walk(v: &J, at: &str, out: &mut Vec<(String, String)>) {
        let children: Vec<(String, &J)> = match v {
            J::Object(map) => map.iter().map(|(k, c)| (k.clone(), c)).collect(),
            J::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, c)| (i.to_string(), c))
                .collect(),
            _ => return,
        };
        for (step, child) in children {
            out.push((at.to_owned(), step.clone()));
            walk(child, &format!("{at}/{step}"), out);
        }
    }
    let mut places = Vec::new();
    walk(document, "", &mut places);
    places.retain(|(parent, step)| {
        !NOT_SHOWN.contains(&step.as_str()) && !parent.split('/').any(|s| NOT_SHOWN.contains(&s))
    });
    let replacements = [
        J::Null,
        json!(1),
        json!("x"),
        json!([]),
        json!({}),
        json!(true),
    ];
    for (parent, step) in places {
        let mut changed = Vec::new();
        for replacement in &replacements {
            let mut v = document.clone();
            let pointer = format!("{parent}/{step}");
            *v.pointer_mut(&pointer).unwrap() = replacement.clone();
            changed.push(v);
        }
        let mut v = document.clone();
        if let Some(map) = v.pointer_mut(&parent).unwrap().as_object_mut() {
            let value = map.remove(&step).unwrap();
            changed.push(v.clone());
            let map = v.pointer_mut(&parent).unwrap().as_object_mut().unwrap();
            map.insert(format!("{step}_"), value);
            changed.push(v);
        }
        for v in changed {
            check(&v.to_string());
        }
    }
}

#[test]
fn every_one_field_change_reads_as_serde_reads_it() {
    let agree_profile = |text: &str| {
        let (ours, serde) = both_profile(text);
        assert_eq!(ours.is_ok(), serde.is_ok(), "{text}: {ours:?} / {serde:?}");
        if let Ok(p) = ours {
            assert_eq!(p, serde.unwrap());
        }
    };
    one_field_changes(&full_profile(), &agree_profile);
    let agree_national = |text: &str| {
        let (ours, serde) = both_national(text);
        assert_eq!(ours.is_ok(), serde.is_ok(), "{text}: {ours:?} / {serde:?}");
        if let Ok(n) = ours {
            assert_eq!(n, serde.unwrap());
        }
    };
    one_field_changes(&one_of_each_shape(national_value()), &agree_national);
}

/// The document with each array cut to its first item of each shape (the set of keys of an
/// object, or the kind of value), so every variant stays but the test runs in seconds.
fn one_of_each_shape(v: J) -> J {
    fn shape(v: &J) -> String {
        match v {
            J::Object(map) => map.keys().cloned().collect::<Vec<_>>().join(","),
            other => format!("{:?}", std::mem::discriminant(other)),
        }
    }
    match v {
        J::Array(items) => {
            let mut seen = Vec::new();
            let kept = items
                .into_iter()
                .filter(|item| {
                    let s = shape(item);
                    let new = !seen.contains(&s);
                    seen.push(s);
                    new
                })
                .map(one_of_each_shape)
                .collect();
            J::Array(kept)
        }
        J::Object(map) => J::Object(
            map.into_iter()
                .map(|(k, c)| (k, one_of_each_shape(c)))
                .collect(),
        ),
        other => other,
    }
}
