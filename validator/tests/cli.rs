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
