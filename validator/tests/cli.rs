//! The command line as CI and content editors use it: output format and exit status.

use std::process::{Command, Output};

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_safe-contact-validate"))
        .args(args)
        .output()
        .expect("the validator binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn clean_files_exit_0_and_print_no_problems() {
    let output = run(&[
        "--today",
        "2026-11-23",
        &fixture("good-profile.json"),
        &fixture("good-national.json"),
    ]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(stdout(&output), "");
}

#[test]
fn problems_exit_1_and_are_printed_with_file_line_and_pointer() {
    let good = fixture("good-profile.json");
    let bad = fixture("bad-phone.json");
    let output = run(&["--today", "2026-11-23", &good, &bad]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(
        stdout(&output),
        format!("{bad}:31: /landlord_contacts/0/contacts/0/value: \"0300 303 377\" is not a UK phone number: 03 numbers have 11 digits, this has 10\n")
    );
}

#[test]
fn every_file_is_checked_even_after_one_with_problems() {
    let output = run(&[
        "--today",
        "2026-11-23",
        &fixture("bad-phone.json"),
        &fixture("bad-link.json"),
    ]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(stdout(&output).lines().count(), 2, "{output:?}");
}

#[test]
fn national_flag_checks_a_file_as_national_content() {
    let output = run(&[
        "--national",
        "--today",
        "2026-11-23",
        &fixture("good-profile.json"),
    ]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(
        stdout(&output).contains(": /danger_now: missing field `danger_now`\n"),
        "{output:?}"
    );
}

#[test]
fn usage_and_file_errors_exit_2() {
    let missing = fixture("no-such-file.json");
    for args in [
        vec![],
        vec!["--frobnicate", "x.json"],
        vec!["--today", "23/11/2026", "x.json"],
        vec!["--write-schema", "x.json"],
        vec![missing.as_str()],
    ] {
        let output = run(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
        assert_eq!(stdout(&output), "", "{args:?}");
    }
}

#[test]
fn an_unreadable_file_does_not_stop_the_others_being_checked() {
    let bad = fixture("bad-link.json");
    let output = run(&["--today", "2026-11-23", &fixture("no-such-file.json"), &bad]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(
        stdout(&output).starts_with(&format!("{bad}:98: ")),
        "{output:?}"
    );
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

#[test]
fn warnings_are_printed_and_marked_but_exit_0() {
    let file = fixture("review-date-passed.json");
    let output = run(&["--today", "2026-11-23", &file]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(
        stdout(&output),
        format!("{file}:10: /policy/review_date: warning: Example Homes' policy was due for review on 2 October 2026: check that these commitments still stand, then set the next review date\n")
    );
    assert!(
        stderr(&output).contains("0 problem(s) and 1 warning(s) in 1 file"),
        "{output:?}"
    );
}

#[test]
fn warnings_do_not_hide_errors() {
    let output = run(&["--today", "2026-11-23", &fixture("old-source.json")]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(
        stderr(&output).contains("2 problem(s) and 1 warning(s) in 1 file"),
        "{output:?}"
    );
}

#[test]
fn a_demo_key_fails_without_demo_and_passes_with_it() {
    let file = fixture("demo-key.json");
    let refused = run(&["--today", "2026-11-23", &file]);
    assert_eq!(refused.status.code(), Some(1), "{refused:?}");
    assert!(
        stdout(&refused).starts_with(&format!("{file}:110: /callback/seal: this is a demo key")),
        "{refused:?}"
    );
    let allowed = run(&["--demo", "--today", "2026-11-23", &file]);
    assert_eq!(allowed.status.code(), Some(0), "{allowed:?}");
    assert_eq!(stdout(&allowed), "");
}

#[test]
fn report_prints_the_text_report_and_fails_only_on_problems() {
    let report = run(&[
        "--report",
        &fixture("review-date-passed.json"),
        "--today",
        "2026-12-07",
    ]);
    assert_eq!(report.status.code(), Some(0), "{report:?}");
    let text = stdout(&report);
    assert!(
        text.starts_with("What the Safe Contact panel shows for Example Homes\n"),
        "{report:?}"
    );
    assert!(
        text.contains("* Warning: Example Homes' policy was due for review"),
        "{report:?}"
    );
    // The national content may carry warnings of its own, so only the problems are counted here.
    assert!(
        stderr(&report).starts_with("0 problem(s) and "),
        "{report:?}"
    );

    let demo_key = fixture("demo-key.json");
    let refused = run(&["--report", &demo_key, "--today", "2026-12-07"]);
    assert_eq!(refused.status.code(), Some(1), "{refused:?}");
    assert!(
        stdout(&refused).contains("* Problem: this is a demo key"),
        "{refused:?}"
    );
    // A fixed day, as everywhere here: the fixtures' checked dates age. The report includes the
    // national content built into the widget, so the day is no earlier than its latest check.
    let html = run(&[
        "--demo",
        "--html",
        "--report",
        &demo_key,
        "--today",
        "2026-12-07",
    ]);
    assert_eq!(html.status.code(), Some(0), "{html:?}");
    assert!(stdout(&html).starts_with("<!DOCTYPE html>\n"), "{html:?}");
}

#[test]
fn report_of_an_unreadable_profile_prints_its_problems_and_no_report() {
    let file = fixture("missing-field.json");
    let output = run(&["--report", &file, "--today", "2026-11-23"]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(stdout(&output), "");
    assert!(
        stderr(&output).starts_with(&format!(
            "{file}:36: /landlord_contacts/0/contacts/1/checked: missing field `checked`\n"
        )),
        "{output:?}"
    );
}

#[test]
fn report_options_that_do_not_fit_together_exit_2() {
    let good = fixture("good-profile.json");
    for args in [
        vec!["--report"],
        vec!["--html", good.as_str()],
        vec!["--report", good.as_str(), good.as_str()],
        vec!["--national", "--report", good.as_str()],
    ] {
        let output = run(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
        assert_eq!(stdout(&output), "", "{args:?}");
    }
}
