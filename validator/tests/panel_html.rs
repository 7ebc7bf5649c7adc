//! The static panel on the command line: printed for a landlord to paste, then checked in the
//! page, as `scripts/static-panel.sh` and CI use them.

use std::path::PathBuf;
use std::process::{Command, Output};

fn seed(id: &str) -> String {
    format!(
        "{}/../public/profiles/{id}.json",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_safe-contact-validate"))
        .args(args)
        .output()
        .expect("the validator binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// A page holding `inside` in its support panel's target, written where only this test looks.
fn page(name: &str, inside: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("panel-html");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<body>\n<div id=\"safe-contact-support\" class=\"support-mount\">{inside}</div>\n</body>\n</html>\n"
    );
    std::fs::write(&path, html).unwrap();
    path
}

fn printed(args: &[&str]) -> String {
    let output = run(args);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let html = String::from_utf8(output.stdout).unwrap();
    html.strip_suffix('\n')
        .expect("one line break at the end")
        .to_owned()
}

#[test]
fn the_printed_panel_pasted_into_a_page_is_current() {
    let livin = seed("livin");
    let html = printed(&["--panel-html", &livin]);
    assert!(html.starts_with("<div data-safe-contact-static lang=\"en\" dir=\"ltr\" data-hj-suppress data-clarity-mask=\"true\" class=\"rr-block ph-no-capture fs-exclude\">\n<!-- safe-contact panel-html livin en sha256:"));
    let page = page("current.html", &html);
    let output = run(&["--check-panel-html", page.to_str().unwrap(), &livin]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(
        stderr(&output).contains("the static panel is current"),
        "{output:?}"
    );
}

#[test]
fn another_language_is_printed_and_checked_as_itself() {
    let livin = seed("livin");
    let html = printed(&["--panel-html", &livin, "--lang", "ar"]);
    assert!(
        html.starts_with("<div data-safe-contact-static lang=\"ar\" dir=\"rtl\" data-hj-suppress")
    );
    let page = page("arabic.html", &html);
    let output = run(&["--check-panel-html", page.to_str().unwrap(), &livin]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let output = run(&["--panel-html", &livin, "--lang", "fr"]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(
        stderr(&output).contains("use one of en, pl, ur, ar"),
        "{output:?}"
    );
}

#[test]
fn a_stale_copy_fails_with_one_line_saying_to_paste_it_again() {
    let pasted = printed(&["--panel-html", &seed("livin")]);
    let stale = pasted.replace("0800 587 4538", "0800 587 4530");
    let page = page("stale.html", &stale);
    let output = run(&["--check-panel-html", page.to_str().unwrap(), &seed("livin")]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let message = stderr(&output);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(message.contains("re-run --panel-html"), "{message}");
    assert!(message.contains("paste it again"), "{message}");
    let other = run(&[
        "--check-panel-html",
        page.to_str().unwrap(),
        &seed("chesterfield"),
    ]);
    assert_eq!(
        other.status.code(),
        Some(1),
        "a copy for another landlord: {other:?}"
    );
}

#[test]
fn a_page_without_the_panel_fails_and_says_how_to_add_it() {
    let page = page("missing.html", "");
    let output = run(&["--check-panel-html", page.to_str().unwrap(), &seed("livin")]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(stderr(&output).lines().count(), 1, "{output:?}");
    assert!(stderr(&output).contains("no static panel"), "{output:?}");
}

#[test]
fn usage_and_file_errors_exit_2() {
    let livin = seed("livin");
    for args in [
        vec!["--panel-html"],
        vec!["--panel-html", &livin, "--demo"],
        vec!["--check-panel-html", &livin],
        vec!["--panel-html", &livin, "--lang"],
        vec!["--panel-html", "no-such-profile.json"],
        vec!["--check-panel-html", "no-such-page.html", &livin],
    ] {
        let output = run(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
    }
}

#[test]
fn no_copy_is_printed_from_a_profile_with_problems() {
    // A landlord number with no source or date, and one that is not a UK number: the widget's
    // lenient reader would take it, but a copy left in a page must not carry it.
    let mut profile: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(seed("livin")).unwrap()).unwrap();
    let contact = &mut profile["landlord_contacts"][0]["contacts"][0];
    contact.as_object_mut().unwrap().remove("source");
    contact["value"] = serde_json::json!("0900 PREMIUM <b>x</b>");
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("panel-html");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("broken-livin.json");
    std::fs::write(&file, profile.to_string()).unwrap();
    let output = run(&["--panel-html", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(output.stdout.is_empty(), "{output:?}");
    assert!(
        stderr(&output).contains("no plain copy of the panel until"),
        "{output:?}"
    );
}
