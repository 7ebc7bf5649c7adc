//! Checks Safe Contact landlord profiles and the national content before they ship.
//!
//! Every problem in a file is found in one pass: the structure against the JSON Schema generated
//! from the widget's own types, then the meaning (numbers, links, dates, ids) by walking the JSON,
//! each placed at a JSON pointer and the line it is on.

pub mod checks;
pub mod date;
pub mod formats;
pub mod lines;
pub mod report;
pub mod schema;

pub use date::Date;
pub use report::Problem;
pub use schema::Document;

use lines::Lines;
use report::Report;
use schema::Structure;

pub struct Validator {
    profile: Structure,
    national: Structure,
    today: Date,
}

impl Validator {
    /// `today` is the day "checked" dates are measured from: the real date for shipping,
    /// a fixed one for tests that must not change with the calendar.
    pub fn new(today: Date) -> Validator {
        Validator {
            profile: Structure::new(Document::Profile),
            national: Structure::new(Document::National),
            today,
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
                }];
            }
        };
        let mut report = Report::new(Lines::scan(text));
        let structure = match document.unwrap_or_else(|| Document::detect(&value)) {
            Document::Profile => &self.profile,
            Document::National => &self.national,
        };
        structure.check(&value, &mut report);
        checks::check(&value, self.today, &mut report);
        report.into_problems()
    }
}
