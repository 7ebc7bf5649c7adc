//! The files the widget actually ships, and the schemas published beside them.

use std::path::{Path, PathBuf};

use safe_contact_validate::{Date, Document, Severity, Validator};

fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

#[test]
fn published_schemas_match_the_types() {
    for document in [Document::Profile, Document::National] {
        let path = workspace().join("public").join(document.schema_file());
        let published = std::fs::read_to_string(&path).unwrap_or_default();
        // Compared as JSON, so that key order (which serde_json features can change) does not matter.
        let parse = |text: &str| serde_json::from_str::<serde_json::Value>(text).ok();
        assert!(
            parse(&published).is_some() && parse(&published) == parse(&document.published_schema()),
            "{} is out of date with the types in profile/src: regenerate it with\n    \
             cargo run -p safe-contact-validate -- --write-schema",
            path.display()
        );
    }
}

/// Checked against the real clock, not a fixed day: a contact that has gone a year without being
/// checked is a defect in what tenants see, and this is where it is caught. The seed profiles
/// carry the demo's sealing keys so the demo works, so those are allowed here. Warnings, such as
/// a policy past its review date, are printed but do not fail: they need a person, not a fix.
#[test]
fn shipped_profiles_and_national_content_are_clean() {
    let validator = Validator::new(Date::today()).allowing_demo_keys();
    let profiles_dir = workspace().join("public/profiles");
    let mut profiles: Vec<PathBuf> = std::fs::read_dir(&profiles_dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    profiles.sort();

    let mut ids = Vec::new();
    let mut problems = Vec::new();
    let mut check = |path: &Path, document: Document| {
        let text = std::fs::read_to_string(path).unwrap();
        let shown = path
            .strip_prefix(workspace())
            .unwrap()
            .display()
            .to_string();
        for problem in validator.check(&text, Some(document)) {
            match problem.severity {
                Severity::Error => problems.push(problem.render(&shown)),
                Severity::Warning => eprintln!("{}", problem.render(&shown)),
            }
        }
        text
    };
    for path in &profiles {
        let text = check(path, Document::Profile);
        let value: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        ids.push(value["id"].as_str().unwrap_or("(no id)").to_owned());
    }
    check(
        &workspace().join("profile/content/national.json"),
        Document::National,
    );

    assert!(
        problems.is_empty(),
        "shipped content has problems:\n{}",
        problems.join("\n")
    );
    ids.sort();
    assert_eq!(
        ids,
        [
            "chesterfield",
            "livin",
            "star-housing",
            "stockport-homes",
            "stoke-on-trent"
        ]
    );
}
