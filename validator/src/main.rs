//! `safe-contact-validate [--national] [--today YYYY-MM-DD] FILE...` and `--write-schema`.

use std::path::Path;
use std::process::ExitCode;

use safe_contact_validate::{Date, Document, Validator};

const USAGE: &str = "\
usage: safe-contact-validate [--national] [--today YYYY-MM-DD] FILE...
       safe-contact-validate --write-schema

Checks landlord profiles and the national content, printing every problem as
FILE:LINE: /json/pointer: message. A file is national content with --national or
when it has `danger_now`; otherwise it is a landlord profile.

  --national      treat every FILE as national content
  --today DATE    measure \"checked\" dates from DATE instead of the system clock,
                  for example to see what goes stale next month
  --write-schema  regenerate public/profile.schema.json and public/national.schema.json

Exit status: 0 no problems, 1 problems found, 2 usage or file errors.";

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
    let mut national = false;
    let mut today = None;
    let mut files = Vec::new();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            "--national" => national = true,
            "--today" => {
                let date = args
                    .next()
                    .ok_or(format!("--today needs a date\n\n{USAGE}"))?;
                let parsed = Date::parse(&date);
                today = Some(parsed.ok_or(format!(
                    "--today {date} is not a date written as YYYY-MM-DD"
                ))?);
            }
            // --write-schema lands here when mixed with checking, which it does not combine with.
            option if option.starts_with('-') => {
                return Err(format!("unknown option {option}\n\n{USAGE}"))
            }
            _ => files.push(arg),
        }
    }
    if files.is_empty() {
        return Err(format!("no files to check\n\n{USAGE}"));
    }

    let validator = Validator::new(today.unwrap_or_else(Date::today));
    let document = national.then_some(Document::National);
    let (mut problems, mut unreadable) = (0, 0);
    for file in &files {
        match std::fs::read_to_string(file) {
            Ok(text) => {
                for problem in validator.check(&text, document) {
                    println!("{}", problem.render(file));
                    problems += 1;
                }
            }
            Err(error) => {
                eprintln!("safe-contact-validate: {file}: {error}");
                unreadable += 1;
            }
        }
    }
    let files_word = if files.len() == 1 { "file" } else { "files" };
    eprintln!("{problems} problem(s) in {} {files_word}", files.len());
    Ok(if unreadable > 0 {
        ExitCode::from(2)
    } else if problems > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
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
