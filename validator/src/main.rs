//! `safe-contact-validate [--national] [--demo] [--today YYYY-MM-DD] FILE...`,
//! `--report FILE [--html]`, `--write-schema`, and the static panel's `--panel-html PROFILE`
//! and `--check-panel-html PAGE PROFILE`.

use std::path::Path;
use std::process::ExitCode;

use safe_contact_profile::Profile;
use safe_contact_validate::{panel_html, Date, Document, Severity, Validator};

const USAGE: &str = "\
usage: safe-contact-validate [--national] [--demo] [--today YYYY-MM-DD] FILE...
       safe-contact-validate --report FILE [--html] [--demo] [--today YYYY-MM-DD]
       safe-contact-validate --write-schema
       safe-contact-validate --panel-html PROFILE [--lang CODE]
       safe-contact-validate --check-panel-html PAGE PROFILE [--lang CODE]

Checks landlord profiles and the national content, printing every problem as
FILE:LINE: /json/pointer: message. Warnings are printed the same way, marked
\"warning:\": they ask someone to look again but do not fail the check. A file is
national content with --national or when it has `danger_now`; otherwise it is a
landlord profile.

  --national      treat every FILE as national content
  --demo          allow the demo's sealing keys, whose private keys are public;
                  only for the demo and the seed profiles, never for a live one
  --today DATE    measure dates from DATE instead of the system clock, for
                  example to see what goes stale next month
  --report FILE   print, for the landlord's staff to sign off, every commitment
                  and contact the panel shows for the profile FILE, national
                  content included, in the panel's order, with each source and
                  the date it was checked; plain text unless --html
  --html          write the report as one self-contained HTML page
  --write-schema  regenerate public/profile.schema.json and public/national.schema.json
  --panel-html PROFILE
                  print the panel for the profile PROFILE as plain HTML, for a
                  support page: pasted inside the inline panel's target, it
                  shows at once and with JavaScript off, until the widget takes
                  its place. Paste it again whenever the profile or the widget
                  changes
  --check-panel-html PAGE PROFILE
                  check that the page PAGE holds the panel exactly as
                  --panel-html prints it for PROFILE now; exit 1 when it is
                  missing or out of date
  --lang CODE     the panel's language: en (the default) or another that the
                  profile offers. A check takes the pasted copy's own language

Exit status: 0 no problems (warnings allowed), 1 problems found, 2 usage or
file errors.";

/// What the command line asked for.
struct Options {
    national: bool,
    demo: bool,
    html: bool,
    today: Option<Date>,
    report: Option<String>,
    files: Vec<String>,
}

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("safe-contact-validate: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(args: Vec<String>) -> Result<ExitCode, String> {
    if args == ["--write-schema"] {
        return write_schemas();
    }
    if let Some(done) = static_panel(&args) {
        return done;
    }
    let Some(options) = parse(args)? else {
        println!("{USAGE}");
        return Ok(ExitCode::SUCCESS);
    };
    let mut validator = Validator::new(options.today.unwrap_or_else(Date::today));
    if options.demo {
        validator = validator.allowing_demo_keys();
    }
    match &options.report {
        Some(file) => report(&validator, file, options.html),
        None => check(&validator, &options),
    }
}

/// The options, or `None` when help was asked for.
fn parse(args: Vec<String>) -> Result<Option<Options>, String> {
    let mut options = Options {
        national: false,
        demo: false,
        html: false,
        today: None,
        report: None,
        files: Vec::new(),
    };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--national" => options.national = true,
            "--demo" => options.demo = true,
            "--html" => options.html = true,
            "--today" => {
                let date = args
                    .next()
                    .ok_or(format!("--today needs a date\n\n{USAGE}"))?;
                let parsed = Date::parse(&date);
                options.today = Some(parsed.ok_or(format!(
                    "--today {date} is not a date written as YYYY-MM-DD"
                ))?);
            }
            "--report" => {
                let file = args
                    .next()
                    .ok_or(format!("--report needs a profile\n\n{USAGE}"))?;
                options.report = Some(file);
            }
            // --write-schema lands here when mixed with checking, which it does not combine with.
            option if option.starts_with('-') => {
                return Err(format!("unknown option {option}\n\n{USAGE}"))
            }
            _ => options.files.push(arg),
        }
    }
    match (&options.report, options.files.is_empty()) {
        (None, true) => Err(format!("no files to check\n\n{USAGE}")),
        (None, false) if options.html => Err(format!("--html goes with --report\n\n{USAGE}")),
        (Some(_), false) => Err(format!(
            "--report takes one profile, and no other files\n\n{USAGE}"
        )),
        (Some(_), true) if options.national => Err(format!(
            "--report is for a landlord's profile, which brings in the national content itself\n\n{USAGE}"
        )),
        _ => Ok(Some(options)),
    }
}

fn check(validator: &Validator, options: &Options) -> Result<ExitCode, String> {
    let document = options.national.then_some(Document::National);
    let (mut errors, mut warnings, mut unreadable) = (0, 0, 0);
    for file in &options.files {
        match std::fs::read_to_string(file) {
            Ok(text) => {
                for problem in validator.check(&text, document) {
                    println!("{}", problem.render(file));
                    match problem.severity {
                        Severity::Error => errors += 1,
                        Severity::Warning => warnings += 1,
                    }
                }
            }
            Err(error) => {
                eprintln!("safe-contact-validate: {file}: {error}");
                unreadable += 1;
            }
        }
    }
    let count = options.files.len();
    let files_word = if count == 1 { "file" } else { "files" };
    eprintln!("{errors} problem(s) and {warnings} warning(s) in {count} {files_word}");
    Ok(if unreadable > 0 {
        ExitCode::from(2)
    } else {
        exit_status(errors)
    })
}

/// The report goes to standard output, so it can be saved to a file; anything about the run
/// goes to standard error.
fn report(validator: &Validator, file: &str, html: bool) -> Result<ExitCode, String> {
    let text = std::fs::read_to_string(file).map_err(|error| format!("{file}: {error}"))?;
    match validator.content_report(&text) {
        Ok(report) => {
            print!(
                "{}",
                if html {
                    report.to_html()
                } else {
                    report.to_text()
                }
            );
            eprintln!(
                "{} problem(s) and {} warning(s), listed at the top of the report",
                report.errors(),
                report.warnings()
            );
            Ok(exit_status(report.errors()))
        }
        Err(problems) => {
            for problem in &problems {
                eprintln!("{}", problem.render(file));
            }
            eprintln!("no report: the widget cannot read {file} until these are fixed");
            Ok(ExitCode::from(1))
        }
    }
}

fn exit_status(errors: usize) -> ExitCode {
    if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `--panel-html PROFILE` and `--check-panel-html PAGE PROFILE`, each with an optional
/// `--lang CODE` at the end and no other option. `None` for any other command.
fn static_panel(args: &[String]) -> Option<Result<ExitCode, String>> {
    let (rest, lang) = match args {
        [rest @ .., flag, code] if flag == "--lang" => (rest, Some(code.as_str())),
        rest => (rest, None),
    };
    match rest {
        [flag, profile] if flag == "--panel-html" => Some(print_panel(profile, lang)),
        [flag, page, profile] if flag == "--check-panel-html" => {
            Some(check_panel(page, profile, lang))
        }
        _ if args
            .iter()
            .any(|a| a == "--panel-html" || a == "--check-panel-html") =>
        {
            Some(Err(format!(
                "--panel-html takes one profile and --check-panel-html a page and a profile, \
                 each with an optional --lang CODE after them\n\n{USAGE}"
            )))
        }
        _ => None,
    }
}

/// The profile as the widget reads it, or `None` once the reason is printed. A plain copy of
/// the panel stays in a page with no app to correct it, so it is made only from a profile with
/// no problems: every number sourced and dated, every contact well formed. (The seal key is not
/// in the copy, so the demo's keys are allowed.)
fn widget_profile(file: &str) -> Result<Option<Profile>, String> {
    let text = std::fs::read_to_string(file).map_err(|error| format!("{file}: {error}"))?;
    let problems = Validator::new(Date::today())
        .allowing_demo_keys()
        .check(&text, Some(Document::Profile));
    let errors: Vec<_> = problems
        .iter()
        .filter(|p| matches!(p.severity, Severity::Error))
        .collect();
    if !errors.is_empty() {
        for problem in &errors {
            eprintln!("{}", problem.render(file));
        }
        eprintln!("safe-contact-validate: no plain copy of the panel until {file} has no problems");
        return Ok(None);
    }
    match Profile::read_json(&text) {
        Ok(profile) => Ok(Some(profile)),
        Err(message) => {
            eprintln!(
                "safe-contact-validate: {file}: the widget cannot read it ({message}): \
                 run safe-contact-validate {file} to see why"
            );
            Ok(None)
        }
    }
}

/// The fragment goes to standard output, so it can be saved to a file or piped.
fn print_panel(file: &str, lang: Option<&str>) -> Result<ExitCode, String> {
    let Some(profile) = widget_profile(file)? else {
        return Ok(ExitCode::from(1));
    };
    println!(
        "{}",
        safe_contact_panel_html::render(&profile, lang.unwrap_or("en"))?
    );
    Ok(ExitCode::SUCCESS)
}

fn check_panel(page: &str, file: &str, lang: Option<&str>) -> Result<ExitCode, String> {
    let html = std::fs::read_to_string(page).map_err(|error| format!("{page}: {error}"))?;
    let Some(profile) = widget_profile(file)? else {
        return Ok(ExitCode::from(1));
    };
    match panel_html::check(page, &html, file, &profile, lang) {
        Ok(current) => {
            eprintln!("{current}");
            Ok(ExitCode::SUCCESS)
        }
        Err(problem) => {
            eprintln!("{problem}");
            Ok(ExitCode::from(1))
        }
    }
}

/// Written beside the widget's other public files, wherever the command is run from.
fn write_schemas() -> Result<ExitCode, String> {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the validator is inside the workspace");
    let public = workspace.join("public");
    for document in [Document::Profile, Document::National] {
        let path = public.join(document.schema_file());
        std::fs::write(&path, document.published_schema())
            .map_err(|error| format!("{}: {error}", path.display()))?;
        println!("wrote {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}
