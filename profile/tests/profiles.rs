//! The shipped content parses with the types the widget uses, and area choice picks the
//! right local services.

use std::fs;

use safe_contact_profile::{national, AreaChoice, Contact, ContactKind, Profile, SCHEMA_VERSION};

const SEED_IDS: [&str; 5] = [
    "stoke-on-trent",
    "chesterfield",
    "star-housing",
    "stockport-homes",
    "livin",
];

fn shipped(id: &str) -> Profile {
    let path = format!(
        "{}/../public/profiles/{id}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    Profile::from_json(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn national_content_parses_and_leads_with_999() {
    let n = national();
    assert_eq!(n.schema_version, SCHEMA_VERSION);
    let text = serde_json::to_string(&n.danger_now).unwrap();
    assert!(text.contains("999"), "the danger section must give 999");
    assert!(
        text.contains("55"),
        "the danger section must explain the Silent Solution"
    );
    let first = &n.helplines[0];
    assert!(
        first.name.contains("National Domestic Abuse Helpline"),
        "got {}",
        first.name
    );
    assert!(first.contacts.iter().any(|c| c.value == "0808 2000 247"));
}

#[test]
fn every_seed_landlord_ships_a_profile_with_its_own_id() {
    for id in SEED_IDS {
        let p = shipped(id);
        assert_eq!(p.id, id);
        assert!(
            !p.areas.is_empty() && !p.commitments.is_empty(),
            "{id} is incomplete"
        );
        for area in &p.areas {
            assert!(
                !area.services.is_empty(),
                "{id}/{} has no services",
                area.id
            );
        }
    }
}

#[test]
fn a_single_area_landlord_needs_no_choice() {
    let p = shipped("stockport-homes");
    assert_eq!(p.areas.len(), 1);
    assert_eq!(p.area(None), AreaChoice::Chosen(&p.areas[0]));
    assert_eq!(p.area(Some("anything")), AreaChoice::Chosen(&p.areas[0]));
}

#[test]
fn livin_asks_for_an_area_then_shows_that_area_only() {
    let p = shipped("livin");
    let ids: Vec<_> = p.areas.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "county-durham",
            "darlington",
            "hartlepool",
            "stockton-on-tees"
        ]
    );
    assert_eq!(p.area(None), AreaChoice::Ask(&p.areas));
    match p.area(Some("hartlepool")) {
        AreaChoice::Chosen(a) => {
            assert_eq!(a.name, "Hartlepool");
            assert_eq!(a.police_force.name, "Cleveland Police");
        }
        other => panic!("expected Hartlepool, got {other:?}"),
    }
    match p.area(Some("county-durham")) {
        AreaChoice::Chosen(a) => assert_eq!(a.police_force.name, "Durham Constabulary"),
        other => panic!("expected County Durham, got {other:?}"),
    }
    // A stale or made-up pick must not hide the list.
    assert_eq!(p.area(Some("leeds")), AreaChoice::Ask(&p.areas));
}

#[test]
fn a_profile_for_another_schema_version_is_refused() {
    let path = format!(
        "{}/../public/profiles/livin.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut value: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
    value["schema_version"] = 2.into();
    let err = Profile::from_json(&value.to_string()).unwrap_err();
    assert!(err.contains("schema_version 2"), "{err}");
}

#[test]
fn unknown_keys_are_refused_at_run_time_too() {
    let err = Profile::from_json(r#"{"schema_version":1,"nme":"x"}"#).unwrap_err();
    assert!(err.contains("unknown field `nme`"), "{err}");
}

fn contact(kind: ContactKind, value: &str) -> Contact {
    Contact {
        kind,
        value: value.into(),
        label: None,
        hours: None,
        source: "test".into(),
        checked: "2026-11-23".into(),
        source_date: None,
    }
}

#[test]
fn contact_links_are_what_a_phone_or_browser_expects() {
    assert_eq!(
        contact(ContactKind::Phone, "0808 2000 247").href().unwrap(),
        "tel:08082000247"
    );
    assert_eq!(
        contact(ContactKind::Phone, "+44 20 7008 0151")
            .href()
            .unwrap(),
        "tel:+442070080151"
    );
    assert_eq!(
        contact(ContactKind::Phone, "116 123").href().unwrap(),
        "tel:116123"
    );
    assert_eq!(
        contact(ContactKind::Text, "07534 617252").href().unwrap(),
        "sms:07534617252"
    );
    assert_eq!(
        contact(ContactKind::Email, "help@galop.org.uk")
            .href()
            .unwrap(),
        "mailto:help@galop.org.uk"
    );
    assert_eq!(
        contact(ContactKind::Web, "https://www.new-era.uk/")
            .href()
            .unwrap(),
        "https://www.new-era.uk/"
    );
    assert_eq!(
        contact(
            ContactKind::Address,
            "6 Fairfield Road, Chesterfield S40 4TP"
        )
        .href(),
        None
    );
}

/// The loader's fallback text is the one place numbers live outside the content files.
/// Each number it links must be one the national content sources and dates.
#[test]
fn loader_fallback_numbers_are_sourced_in_national_content() {
    let path = format!("{}/../public/safe-contact.js", env!("CARGO_MANIFEST_DIR"));
    let loader = fs::read_to_string(path).unwrap();
    let sourced: Vec<String> = serde_json::to_value(national())
        .unwrap()
        .to_string()
        .split("\"value\":\"")
        .skip(1)
        .map(|rest| {
            rest.split('"')
                .next()
                .unwrap()
                .chars()
                .filter(char::is_ascii_digit)
                .collect()
        })
        .collect();
    let linked: Vec<&str> = loader
        .split("href=\"tel:")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap())
        .collect();
    assert!(
        linked.len() >= 2,
        "the fallback must link 999 and a helpline, found {linked:?}"
    );
    for number in linked {
        assert!(
            sourced.iter().any(|s| s == number),
            "tel:{number} in the loader has no sourced entry"
        );
    }
}
