//! The report a landlord's staff sign off, compared whole with stored copies in tests/expected.
//!
//! The seed content is still being checked and changed, so the stored copies follow it. After a
//! change to `public/profiles/stockport-homes.json` or `profile/content/national.json`, write
//! them again and read the difference before committing:
//!
//!     UPDATE_EXPECTED=1 cargo test -p safe-contact-validate --test content_report

use std::path::PathBuf;

use safe_contact_validate::{ContentReport, Date, Validator};

/// Fixed, so that what the report says about dates does not change with the calendar. It is the
/// day the shipped content was last checked, so that no check date is in the future.
const TODAY: &str = "2026-12-07";

/// The day the hand-written fixtures in tests/fixtures were dated against (their checks are a
/// year old on it, not more).
const FIXTURES_TODAY: &str = "2026-11-23";

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn report_for(text: &str) -> ContentReport {
    let validator = Validator::new(Date::parse(TODAY).unwrap());
    match validator.content_report(text) {
        Ok(report) => report,
        Err(problems) => panic!("no report: {problems:#?}"),
    }
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(manifest_dir().join("tests/fixtures").join(name)).unwrap()
}

fn stockport_homes() -> ContentReport {
    let path = manifest_dir().join("../public/profiles/stockport-homes.json");
    report_for(&std::fs::read_to_string(path).unwrap())
}

/// Compares `actual` with the stored copy, or stores it when `UPDATE_EXPECTED` is set.
fn matches_stored(name: &str, actual: &str) {
    let path = manifest_dir().join("tests/expected").join(name);
    if std::env::var_os("UPDATE_EXPECTED").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected == actual {
        return;
    }
    let (line, (want, got)) = expected
        .lines()
        .chain(std::iter::repeat(""))
        .zip(actual.lines().chain(std::iter::repeat("")))
        .enumerate()
        .find(|(_, (want, got))| want != got)
        .expect("the texts differ, so some line does");
    panic!(
        "{} differs from the report, first at line {}:\n  stored: {want}\n  now:    {got}\n\
         If the content changed on purpose, run\n    \
         UPDATE_EXPECTED=1 cargo test -p safe-contact-validate --test content_report\n\
         and read the new copy before committing it.",
        path.display(),
        line + 1
    );
}

#[test]
fn stockport_homes_report_as_text_matches_the_stored_copy() {
    matches_stored("stockport-homes-report.txt", &stockport_homes().to_text());
}

#[test]
fn stockport_homes_report_as_html_matches_the_stored_copy() {
    matches_stored("stockport-homes-report.html", &stockport_homes().to_html());
}

#[test]
fn sections_come_in_the_order_the_panel_shows_them() {
    let demo = Validator::new(Date::parse(TODAY).unwrap()).allowing_demo_keys();
    let text = match demo.content_report(&fixture("demo-key.json")) {
        Ok(report) => report.to_text(),
        Err(problems) => panic!("no report: {problems:#?}"),
    };
    let headings: Vec<&str> = text
        .lines()
        .zip(text.lines().skip(1))
        .filter(|(_, under)| under.starts_with("---"))
        .map(|(heading, _)| heading)
        .collect();
    let national = safe_contact_profile::national();
    assert_eq!(
        headings,
        [
            "Before you sign off".to_owned(),
            "About this profile".to_owned(),
            "Languages".to_owned(),
            format!("1. {}", national.danger_now.heading),
            "2. Ask us to contact you safely".to_owned(),
            "3. Support near you".to_owned(),
            "4. What Example Homes, your landlord, can do".to_owned(),
            "5. National helplines".to_owned(),
            format!("6. {}", national.clares_law.heading),
            format!("7. {}", national.covering_tracks.heading),
            format!("8. {}", national.worried_about_someone.heading),
            format!("9. {}", national.own_behaviour.heading),
            format!("10. {}", national.children.heading),
        ]
    );
}

#[test]
fn every_contact_shows_its_source_and_checked_date() {
    let text = report_for(&fixture("old-source.json")).to_text();
    assert!(
        text.contains(
            "    - Phone: 01782 234567\n      \
             Source: https://www.north-das.org.uk/contact\n      \
             Source dated: 14 September 2023: more than three years before it was checked, \
             so look for a newer source\n      \
             Checked: 15 September 2026\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "  - Website: Read the full policy\n    \
             Link: https://www.example.org.uk/policies/domestic-abuse\n    \
             Source: https://www.example.org.uk/policies\n    \
             Source dated: 1 October 2023\n    \
             Checked: 1 October 2026\n"
        ),
        "{text}"
    );
}

#[test]
fn what_the_validator_finds_comes_first() {
    let text = report_for(&fixture("review-date-passed.json")).to_text();
    let warning = "  * Warning: Example Homes' policy was due for review on 2 October 2026";
    let found = text.find(warning).unwrap_or_else(|| panic!("{text}"));
    assert!(found < text.find("About this profile").unwrap(), "{text}");
    assert!(text.contains("Due for review on 2 October 2026."), "{text}");
}

#[test]
fn html_shows_profile_text_as_text_and_loads_nothing() {
    let profile = fixture("good-profile.json").replace(
        "\"name\": \"Example Homes\"",
        r#""name": "Example <b>Homes</b> & \"Co\" <script>alert('x')</script>""#,
    );
    let html = report_for(&profile).to_html();
    assert!(
        html.contains(
            "Example &lt;b&gt;Homes&lt;/b&gt; &amp; &quot;Co&quot; \
             &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
        ),
        "{html}"
    );
    for markup in [
        "<b>", "<script", "src=", "href=", "<link", "url(", "@import",
    ] {
        assert!(!html.contains(markup), "{markup} in {html}");
    }
    assert!(html.contains("default-src 'none'"), "{html}");
}

#[test]
fn a_profile_the_widget_cannot_read_gets_no_report() {
    let validator = Validator::new(Date::parse(FIXTURES_TODAY).unwrap());
    let problems = match validator.content_report(&fixture("missing-field.json")) {
        Ok(_) => panic!("a report for a profile missing a field"),
        Err(problems) => problems,
    };
    assert_eq!(
        problems.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["36: /landlord_contacts/0/contacts/1/checked: missing field `checked`"]
    );
}

/// The report says, for each language the landlord offers, what shows in English.
#[test]
fn the_report_lists_what_each_language_lacks() {
    let text = report_for(&fixture("translations.json")).to_text();
    let part = text
        .split("\nLanguages\n")
        .nth(1)
        .expect("a Languages part")
        .split("\n1. ")
        .next()
        .unwrap();
    assert!(
        part.contains("The panel offers: English (en), Polski (pl), العربية (ar)."),
        "{part}"
    );
    let polski = part
        .split("\nPolski (pl):")
        .nth(1)
        .unwrap()
        .split("\nالعربية (ar):")
        .next()
        .unwrap();
    assert!(
        !polski.contains("commitments"),
        "Polish has its commitment: {polski}"
    );
    assert!(
        polski.contains(
            "No translation: the descriptions of North Domestic Abuse Service, South Women's Aid"
        ),
        "{polski}"
    );
    assert!(!polski.contains("Example Homes tenancy team"), "{polski}");
    let arabic = part.split("\nالعربية (ar):").nth(1).unwrap();
    assert!(
        arabic.contains("No translation: 1 of 1 commitments"),
        "{arabic}"
    );
    assert!(
        arabic.contains(
            "No translation: the descriptions of North Domestic Abuse Service, South Women's Aid"
        ),
        "{arabic}"
    );
    assert!(!part.contains("(ur)"), "Urdu is not offered: {part}");
}

#[test]
fn advice_beside_a_commitment_is_reported_apart_from_the_policys_words() {
    let path = manifest_dir().join("../public/profiles/stoke-on-trent.json");
    let text = report_for(&std::fs::read_to_string(path).unwrap()).to_text();
    let at = text
        .find("If you apply for a transfer, we will tell you the decision in writing.")
        .expect("the commitment is in the report");
    let advice = text[at..]
        .find("Shown beside it as advice, not the policy's words")
        .expect("its advice is reported with it");
    assert!(text[at + advice..].contains("someone else there could see it"));
}
