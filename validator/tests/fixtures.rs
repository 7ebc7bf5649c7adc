//! Each fixture under tests/fixtures holds known problems; these pin down what is reported and where.

use safe_contact_validate::demo_keys::DEMO_PUBLIC_KEYS;
use safe_contact_validate::{Date, Document, Validator};

/// Fixed, so that the fixtures' dates keep meaning the same thing as the calendar moves on.
const TODAY: &str = "2026-11-23";

fn validator() -> Validator {
    Validator::new(Date::parse(TODAY).unwrap())
}

fn check_with(validator: &Validator, text: &str, document: Option<Document>) -> Vec<String> {
    validator
        .check(text, document)
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn check_text(text: &str, document: Option<Document>) -> Vec<String> {
    check_with(&validator(), text, document)
}

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn check(name: &str) -> Vec<String> {
    check_text(&fixture(name), None)
}

#[test]
fn good_fixtures_pass() {
    assert_eq!(check("good-profile.json"), Vec::<String>::new());
    assert_eq!(check("good-national.json"), Vec::<String>::new());
}

#[test]
fn missing_field_is_placed_where_it_belongs_on_the_line_of_its_object() {
    assert_eq!(
        check("missing-field.json"),
        ["36: /landlord_contacts/0/contacts/1/checked: missing field `checked`"]
    );
}

#[test]
fn unknown_key() {
    assert_eq!(
        check("unknown-key.json"),
        ["32: /landlord_contacts/0/contacts/0/phon: unknown key `phon`"]
    );
}

#[test]
fn malformed_phone_number() {
    assert_eq!(
        check("bad-phone.json"),
        ["31: /landlord_contacts/0/contacts/0/value: \"0300 303 377\" is not a UK phone number: 03 numbers have 11 digits, this has 10"]
    );
}

#[test]
fn link_that_is_not_https() {
    assert_eq!(
        check("bad-link.json"),
        ["98: /areas/1/services/0/contacts/0/value: \"http://www.south-wa.org.uk\" is not a https:// link"]
    );
}

#[test]
fn date_a_year_and_a_day_old_is_stale() {
    // good-profile.json has one checked exactly 365 days before TODAY, which passes.
    assert_eq!(
        check("stale-date.json"),
        ["101: /areas/1/services/0/contacts/0/checked: checked 2025-11-22 is more than a year ago: check it again"]
    );
}

#[test]
fn date_in_the_future() {
    assert_eq!(
        check("future-date.json"),
        ["15: /policy/link/checked: checked 2026-11-24 is in the future"]
    );
}

#[test]
fn duplicate_area_id() {
    assert_eq!(
        check("duplicate-area.json"),
        ["86: /areas/1/id: area id `north` is also used by /areas/0"]
    );
}

#[test]
fn every_problem_in_a_file_is_reported_at_its_line() {
    assert_eq!(
        check("several-problems.json"),
        [
            "2: /schema_version: schema_version must be 1, not 2",
            "3: /id: \"Example_Homes\" is not an id: use lower-case letters and digits, in words joined by single hyphens, like `stoke-on-trent`",
            "8: /policy/link/lable: unknown key `lable`",
            "10: /commitments: no commitments: add at least one from the landlord's policy",
            "16: /landlord_contacts/0/contacts/0/kind: \"fone\" is not one of: phone, text, email, web, address",
            "17: /landlord_contacts/0/contacts/1/checked: \"01/10/2026\" is not a date written as YYYY-MM-DD",
            "17: /landlord_contacts/0/contacts/1/source: source is empty: say where this was read",
            "17: /landlord_contacts/0/contacts/1/value: \"safety@example\" has `example` after @, which is not a domain name",
            "25: /areas/0/police_force/force: unknown key `force`",
            "26: /areas/0/services: no services: list at least one",
            "29: /areas/1/id: area id `north` is also used by /areas/0",
            "30: /areas/1/name: should be text in quotes, not a number",
            "31: /areas/1/police_force/clares_law: should be an object { } or null, not text",
            "37: /areas/1/services/0/contacts/0/checked: checked 2024-01-31 is more than a year ago: check it again",
            "37: /areas/1/services/0/contacts/0/value: \"0300 303 377\" is not a UK phone number: 03 numbers have 11 digits, this has 10",
            "38: /areas/1/services/0/contacts/1/checked: checked 2026-11-24 is in the future",
            "38: /areas/1/services/0/contacts/1/source: missing field `source`",
            "38: /areas/1/services/0/contacts/1/value: \"www.helpline.org.uk\" is not a https:// link",
        ]
    );
}

#[test]
fn national_content_is_recognised_and_its_blocks_explained() {
    assert_eq!(
        check("national-problems.json"),
        [
            "7: /danger_now/blocks/1: should have exactly one of the keys `text`, `steps`, `points`, `services`",
            "8: /danger_now/blocks/2/steps: should be a list [ ], not text",
            "14: /danger_now/blocks/3/services/0/contacts/0/value: \"55\" is not a UK phone number: too short for a full number and not a UK short code such as 999, 101 or 116 123",
            "19: /danger_now/sources: no sources: name where the facts in this section come from",
            "26: /helplines: is an empty list",
        ]
    );
}

#[test]
fn a_profile_checked_as_national_content_is_missing_the_national_sections() {
    let path = format!(
        "{}/tests/fixtures/good-profile.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let problems = check_text(
        &std::fs::read_to_string(path).unwrap(),
        Some(Document::National),
    );
    assert!(
        problems.contains(&"1: /danger_now: missing field `danger_now`".to_owned()),
        "{problems:#?}"
    );
    assert!(
        problems.contains(&"3: /id: unknown key `id`".to_owned()),
        "{problems:#?}"
    );
}

#[test]
fn broken_json_is_reported_at_its_line() {
    let problems = check_text("{\n  \"schema_version\": 1,\n}\n", None);
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].starts_with("3: /: not valid JSON (column 1): trailing comma"),
        "{problems:?}"
    );
}

#[test]
fn a_policy_past_its_review_date_is_a_warning() {
    assert_eq!(
        check("review-date-passed.json"),
        ["10: /policy/review_date: warning: Example Homes' policy was due for review on 2 October 2026: check that these commitments still stand, then set the next review date"]
    );
}

#[test]
fn a_review_date_from_today_on_is_not_flagged_and_a_malformed_one_is_an_error() {
    let text = fixture("review-date-passed.json");
    for due in [TODAY, "2027-06-01"] {
        let problems = check_text(&text.replace("2026-10-02", due), None);
        assert_eq!(problems, Vec::<String>::new(), "{due}");
    }
    assert_eq!(
        check_text(&text.replace("2026-10-02", "October 2026"), None),
        ["10: /policy/review_date: \"October 2026\" is not a date written as YYYY-MM-DD"]
    );
}

#[test]
fn a_source_dated_more_than_three_years_before_its_check_is_a_warning() {
    // The policy link's source is dated exactly three years before its check, which passes.
    assert_eq!(
        check("old-source.json"),
        [
            "68: /areas/0/services/0/contacts/0/source_date: warning: the source is dated 14 September 2023, more than three years before it was checked: look for a newer source that says the same",
            "75: /areas/0/services/0/contacts/1/source_date: the source is dated 2026-09-16, after it was checked on 2026-09-15",
            "82: /areas/0/services/0/contacts/2/source_date: \"April 2020\" is not a date written as YYYY-MM-DD",
        ]
    );
}

#[test]
fn an_old_source_for_a_national_section_is_a_warning() {
    assert_eq!(
        check("old-national-source.json"),
        ["41: /danger_now/sources/0/source_date: warning: the source is dated 1 April 2020, more than three years before it was checked: look for a newer source that says the same"]
    );
}

/// A demo key is known by its public key, or by a key id marked as a demo's.
#[test]
fn demo_keys_are_refused_unless_demo_keys_are_allowed() {
    let what_to_do = "run `safe-contact-staff keygen`, then replace callback.seal with the \"seal\" line it prints";
    for (name, problem) in [
        (
            "demo-key.json",
            format!("110: /callback/seal: this is a demo key, and anyone can open requests sealed to it: {what_to_do}"),
        ),
        (
            "demo-key-id.json",
            format!("110: /callback/seal: key id \"example-homes-demo-2\" marks a demo key, which must not go live: {what_to_do}"),
        ),
    ] {
        assert_eq!(check(name), [problem], "{name}");
        let demo = validator().allowing_demo_keys();
        assert_eq!(check_with(&demo, &fixture(name), None), Vec::<String>::new(), "{name}");
    }
}

#[test]
fn a_landlords_own_key_passes() {
    let text = fixture("demo-key-id.json").replace("example-homes-demo-2", "example-homes-2027-01");
    assert_eq!(check_text(&text, None), Vec::<String>::new());
}

/// The list in the validator must be exactly the demo's keys, so none slips through.
#[test]
fn the_demo_public_keys_are_those_in_endpoint_demo_keys() {
    let folder = format!("{}/../endpoint/demo-keys", env!("CARGO_MANIFEST_DIR"));
    let mut in_files: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap())
        .map(|text| {
            let line = text
                .lines()
                .find(|line| line.starts_with("public_key = "))
                .expect("each demo key file names its public key");
            line.trim_start_matches("public_key = ")
                .trim_matches('"')
                .to_owned()
        })
        .collect();
    in_files.sort();
    let mut listed = DEMO_PUBLIC_KEYS.map(str::to_owned).to_vec();
    listed.sort();
    assert_eq!(listed, in_files);
}

/// The form's frame is on the endpoint's origin only if the endpoint is; a relative address
/// puts it on the page's, within reach of the page's scripts.
#[test]
fn a_callback_endpoint_on_the_pages_own_origin_is_a_warning() {
    let own_key =
        fixture("demo-key-id.json").replace("example-homes-demo-2", "example-homes-2027-01");
    let with_endpoint = |address: &str| {
        own_key.replace(
            "\"callback\": {\n",
            &format!("\"callback\": {{\n    \"endpoint\": \"{address}\",\n"),
        )
    };
    for address in [
        "/v1/callbacks",
        "/v1/callbacks/sealed",
        "v1/callbacks",
        "/x:y",
    ] {
        assert_eq!(
            check_text(&with_endpoint(address), None),
            [format!("109: /callback/endpoint: warning: callback.endpoint \"{address}\" is on the page's own origin: scripts on the page could read the form. Use the endpoint's own origin, for example https://contact.<landlord>.org.uk/v1/callbacks.")],
            "{address}"
        );
    }
    for address in [
        "https://contact.example-homes.org.uk/v1/callbacks",
        "http://localhost:8080/v1/callbacks",
        "//contact.example-homes.org.uk/v1/callbacks",
    ] {
        assert_eq!(
            check_text(&with_endpoint(address), None),
            Vec::<String>::new(),
            "{address}"
        );
    }
}

#[test]
fn languages_must_be_shipped_once_each_and_translations_offered() {
    assert_eq!(check("translations.json"), Vec::<String>::new());
    let problems = check("bad-languages.json");
    let expected = [
        "/languages/2: \"fr\" is not a language the widget ships: use one of en, pl, ur, ar",
        "/languages/3: \"pl\" is listed twice",
        "/commitments/0/translations/en: \"en\" is not a language to translate into: use one of pl, ur, ar",
        "/commitments/0/translations/ur: warning: a translation into \"ur\", which `languages` does not offer: the panel never shows it",
        "/landlord_contacts/0/translations/ar: warning: a translation into \"ar\", which `languages` does not offer: the panel never shows it",
    ];
    for e in expected {
        assert!(
            problems.iter().any(|p| p.ends_with(e)),
            "{e}\nnot in {problems:#?}"
        );
    }
    assert_eq!(problems.len(), expected.len(), "{problems:#?}");
}

/// A fact that rests only on the project's notes cannot be checked again by anyone without
/// them: each such contact is a warning, at its own source. A notes file beside the page it
/// came from, or after the document it names, is no warning.
#[test]
fn a_contact_sourced_only_from_a_notes_file_is_a_warning() {
    let good = fixture("good-profile.json");
    let first = "\"source\": \"Domestic Abuse Policy, section 6\"";
    let north = "\"source\": \"https://www.north-das.org.uk/contact\"";
    let notes = good.replacen(
        first,
        "\"source\": \"content-sources.md (research notes), Example Homes: tenancy team\"",
        1,
    );
    let notes = notes.replacen(north, "\"source\": \"Notes.MD, North DAS\"", 1);
    let warning = |line: usize, at: &str, file: &str| {
        format!("{line}: {at}/source: warning: the source is only the notes file {file}: name the page it was read on, with its web address, and give its source_date")
    };
    assert_eq!(
        check_text(&notes, None),
        [
            warning(33, "/landlord_contacts/0/contacts/0", "content-sources.md"),
            warning(66, "/areas/0/services/0/contacts/0", "Notes.MD"),
        ]
    );
    for fine in [
        "content-sources.md (research notes), from https://www.example.org.uk/safety",
        "Example Homes leaflet, May 2023 (content-sources.md (research notes), Example Homes)",
        "Domestic Abuse Policy, section 6 (also content-sources.md)",
    ] {
        let text = good.replacen(first, &format!("\"source\": \"{fine}\""), 1);
        assert_eq!(check_text(&text, None), Vec::<String>::new(), "{fine}");
    }
}
