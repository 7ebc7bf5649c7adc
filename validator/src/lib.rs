//! Checks Safe Contact landlord profiles and the national content before they ship.
//!
//! Every problem in a file is found in one pass: the structure against the JSON Schema generated
//! from the widget's own types, then the meaning (numbers, links, dates, ids) by walking the JSON,
//! each placed at a JSON pointer and the line it is on. Most problems are errors; a few are
//! warnings that ask a person to look again. The same checks head the [`ContentReport`] that a
//! landlord's staff sign off.

pub mod checks;
pub mod content_report;
pub mod date;
pub mod demo_keys;
pub mod formats;
pub mod languages;
pub mod lines;
pub mod panel_html;
pub mod report;
pub mod schema;

pub use content_report::ContentReport;
pub use date::Date;
pub use report::{Problem, Severity};
pub use schema::Document;

use content_report::Findings;
use lines::Lines;
use report::Report;
use safe_contact_profile::{national, Profile, NATIONAL_JSON};
use schema::Structure;

pub struct Validator {
    profile: Structure,
    national: Structure,
    today: Date,
    allow_demo_keys: bool,
}

impl Validator {
    /// `today` is the day "checked" dates are measured from: the real date for shipping,
    /// a fixed one for tests that must not change with the calendar.
    pub fn new(today: Date) -> Validator {
        Validator {
            profile: Structure::new(Document::Profile),
            national: Structure::new(Document::National),
            today,
            allow_demo_keys: false,
        }
    }

    /// Lets profiles carry the demo's sealing keys, for the demo and the seed profiles only.
    /// Anywhere else a demo key is an error: its private half is public.
    pub fn allowing_demo_keys(self) -> Validator {
        Validator {
            allow_demo_keys: true,
            ..self
        }
    }

    /// All problems in `text`, in file order. `document` says what it is; `None` works it out.
    pub fn check(&self, text: &str, document: Option<Document>) -> Vec<Problem> {
        let value: serde_json::Value = match serde_json::from_str(text) {
            Ok(value) => value,
            Err(error) => {
                // The position is given as the line; the text repeats it as "at line L column C".
                let message = error.to_string();
                let message = message
                    .rsplit_once(" at line ")
                    .map_or(message.as_str(), |(m, _)| m);
                return vec![Problem {
                    line: error.line(),
                    pointer: String::new(),
                    message: format!("not valid JSON (column {}): {message}", error.column()),
                    severity: Severity::Error,
                }];
            }
        };
        let mut report = Report::new(Lines::scan(text));
        let document = document.unwrap_or_else(|| Document::detect(&value));
        let structure = match document {
            Document::Profile => &self.profile,
            Document::National => &self.national,
        };
        structure.check(&value, &mut report);
        if document == Document::Profile && !self.allow_demo_keys {
            demo_keys::check(&value, &mut report);
        }
        checks::check(&value, self.today, &mut report);
        report.into_problems()
    }

    /// The report a landlord's staff sign off (see [`content_report`]), headed by what this
    /// validator finds in the profile and in the national content. When the profile cannot be
    /// read at all there is no report, only the problems that stop it being read.
    pub fn content_report(&self, text: &str) -> Result<ContentReport, Vec<Problem>> {
        let problems = self.check(text, Some(Document::Profile));
        let profile = match Profile::from_json(text) {
            Ok(profile) => profile,
            Err(_) if !problems.is_empty() => return Err(problems),
            Err(message) => {
                return Err(vec![Problem {
                    line: 1,
                    pointer: String::new(),
                    message,
                    severity: Severity::Error,
                }])
            }
        };
        let findings = Findings {
            profile: &problems,
            national: &self.check(NATIONAL_JSON, Some(Document::National)),
        };
        Ok(ContentReport::new(
            &profile,
            &national(),
            &findings,
            self.today,
        ))
    }
}
