//! Problems found in one file, each placed at a line and a JSON pointer.
//!
//! Most are errors, which stop a profile shipping. A few are warnings: things that were right
//! once and need a person to look again, such as a policy past its review date.

use std::fmt;

use crate::lines::Lines;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    /// A JSON pointer (RFC 6901); empty for the whole document.
    pub pointer: String,
    pub message: String,
    pub severity: Severity,
}

impl Problem {
    /// One line in the `FILE:LINE: /json/pointer: message` form editors and CI logs link to.
    pub fn render(&self, file: &str) -> String {
        format!("{file}:{self}")
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // An empty pointer would leave a bare "::" that reads like a formatting fault.
        let pointer = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        // Marked the way compilers mark them, so editors and CI logs tell the two apart.
        let mark = match self.severity {
            Severity::Error => "",
            Severity::Warning => "warning: ",
        };
        write!(f, "{}: {pointer}: {mark}{}", self.line, self.message)
    }
}

/// Collects problems from every check so that one run shows them all.
pub struct Report {
    lines: Lines,
    problems: Vec<Problem>,
}

impl Report {
    pub fn new(lines: Lines) -> Report {
        Report {
            lines,
            problems: Vec::new(),
        }
    }

    pub fn add(&mut self, pointer: &str, message: impl Into<String>) {
        self.push(pointer, message.into(), Severity::Error);
    }

    pub fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        self.push(pointer, message.into(), Severity::Warning);
    }

    fn push(&mut self, pointer: &str, message: String, severity: Severity) {
        self.problems.push(Problem {
            line: self.lines.line(pointer),
            pointer: pointer.to_owned(),
            message,
            severity,
        });
    }

    /// In file order, so the output reads top to bottom alongside the file.
    pub fn into_problems(mut self) -> Vec<Problem> {
        self.problems.sort_by(|a, b| {
            (a.line, &a.pointer, &a.message).cmp(&(b.line, &b.pointer, &b.message))
        });
        self.problems.dedup();
        self.problems
    }
}
