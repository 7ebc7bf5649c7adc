//! What an officer needs in front of them before they call: the person's own safety
//! instructions, in the order they matter, in words that need no lookup.

use safe_contact_callback::{
    CallbackRequest, ContactMethod, Day, IfSomeoneElseAnswers, OfficerGender, TimeOfDay,
};

/// One labelled instruction.
#[derive(Debug, PartialEq, Eq)]
pub struct Line {
    pub label: &'static str,
    pub value: String,
}

/// How to make contact, which is shown apart with its copy button, then everything else.
#[derive(Debug, PartialEq, Eq)]
pub struct Instructions {
    pub method: &'static str,
    pub contact_label: &'static str,
    pub contact: String,
    pub lines: Vec<Line>,
}

pub fn instructions(r: &CallbackRequest) -> Instructions {
    let (method, contact_label) = match r.contact_method {
        ContactMethod::Call => ("Phone call", "Number to call"),
        ContactMethod::Text => ("Text message", "Number to text"),
        ContactMethod::Email => ("Email", "Email address"),
    };
    let mut lines = vec![
        Line {
            label: "Safe days",
            value: list_or(r.safe_days.iter().map(|d| day(*d)), "Not given"),
        },
        Line {
            label: "Safe times",
            value: capitalise(list_or(r.safe_times.iter().map(|t| time(*t)), "Not given")),
        },
    ];
    if let Some(note) = present(&r.safe_times_note) {
        lines.push(Line {
            label: "About when it is safe",
            value: note.to_owned(),
        });
    }
    lines.push(Line {
        label: "Voicemail or message",
        value: if r.leave_message {
            "Yes, a voicemail or message may be left"
        } else {
            "No. Do not leave a voicemail or message"
        }
        .to_owned(),
    });
    let name = present(&r.name_to_ask_for);
    lines.push(Line {
        label: "If someone else answers",
        value: match (r.if_someone_else_answers, name) {
            (IfSomeoneElseAnswers::HangUp, _) => {
                "End the call without saying who is calling".to_owned()
            }
            (IfSomeoneElseAnswers::RoutineSurvey, _) => {
                "Say it is a routine survey call. Do not name the landlord".to_owned()
            }
            (IfSomeoneElseAnswers::AskForName, Some(name)) => format!("Ask for {name}"),
            (IfSomeoneElseAnswers::AskForName, None) => {
                "Ask for the person (no name was given)".to_owned()
            }
        },
    });
    if let Some(name) = name {
        lines.push(Line {
            label: "Name to ask for",
            value: name.to_owned(),
        });
    }
    lines.push(Line {
        label: "Officer",
        value: match r.officer_gender {
            OfficerGender::NoPreference => "No preference",
            OfficerGender::Woman => "A woman, please",
            OfficerGender::Man => "A man, please",
        }
        .to_owned(),
    });
    let mut access = Vec::new();
    if let Some(language) = present(&r.interpreter_language) {
        access.push(format!(
            "A professional interpreter in {language} (never family or friends)"
        ));
    }
    if r.bsl {
        access.push("A British Sign Language (BSL) interpreter".to_owned());
    }
    if let Some(other) = present(&r.other_access_needs) {
        access.push(other.to_owned());
    }
    lines.push(Line {
        label: "Interpreter and access needs",
        value: if access.is_empty() {
            "None given".to_owned()
        } else {
            access.join(". ")
        },
    });
    lines.push(Line {
        label: "Area",
        value: present(&r.area).unwrap_or("Not given").to_owned(),
    });
    Instructions {
        method,
        contact_label,
        contact: r.contact.clone(),
        lines,
    }
}

fn present(field: &Option<String>) -> Option<&str> {
    field.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// "Monday, Tuesday and Friday".
fn list_or<'a>(items: impl Iterator<Item = &'a str>, none: &str) -> String {
    let items: Vec<&str> = items.collect();
    match items.split_last() {
        None => none.to_owned(),
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// "Morning and evening": a sentence, so only its first letter is a capital.
fn capitalise(s: String) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => s,
    }
}

fn day(d: Day) -> &'static str {
    match d {
        Day::Monday => "Monday",
        Day::Tuesday => "Tuesday",
        Day::Wednesday => "Wednesday",
        Day::Thursday => "Thursday",
        Day::Friday => "Friday",
        Day::Saturday => "Saturday",
        Day::Sunday => "Sunday",
    }
}

fn time(t: TimeOfDay) -> &'static str {
    match t {
        TimeOfDay::Morning => "morning",
        TimeOfDay::Afternoon => "afternoon",
        TimeOfDay::Evening => "evening",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> CallbackRequest {
        serde_json::from_str(
            r#"{"schema_version":1,"request_id":"3f2b8c1e-9d4a-4e6b-8f0a-2c5d7e9b1a34",
                "landlord":"livin","area":"durham","contact_method":"call",
                "contact":"07700 900123","safe_days":["monday","friday","tuesday"],
                "safe_times":["morning","evening"],"safe_times_note":"Not after 3pm",
                "leave_message":false,"if_someone_else_answers":"ask_for_name",
                "name_to_ask_for":"Sam","officer_gender":"woman",
                "interpreter_language":"Polish","bsl":true,"consent":true}"#,
        )
        .unwrap()
    }

    fn value<'a>(i: &'a Instructions, label: &str) -> &'a str {
        &i.lines.iter().find(|l| l.label == label).unwrap().value
    }

    #[test]
    fn every_instruction_the_person_gave_is_shown() {
        let i = instructions(&request());
        assert_eq!(i.method, "Phone call");
        assert_eq!(i.contact_label, "Number to call");
        assert_eq!(i.contact, "07700 900123");
        assert_eq!(value(&i, "Safe days"), "Monday, Friday and Tuesday");
        assert_eq!(value(&i, "Safe times"), "Morning and evening");
        assert_eq!(value(&i, "About when it is safe"), "Not after 3pm");
        assert_eq!(
            value(&i, "Voicemail or message"),
            "No. Do not leave a voicemail or message"
        );
        assert_eq!(value(&i, "If someone else answers"), "Ask for Sam");
        assert_eq!(value(&i, "Officer"), "A woman, please");
        assert_eq!(
            value(&i, "Interpreter and access needs"),
            "A professional interpreter in Polish (never family or friends). A British Sign \
             Language (BSL) interpreter"
        );
        assert_eq!(value(&i, "Area"), "durham");
    }

    #[test]
    fn missing_answers_say_so() {
        let mut r = request();
        r.contact_method = ContactMethod::Email;
        r.safe_days.clear();
        r.safe_times_note = Some("  ".to_owned());
        r.if_someone_else_answers = IfSomeoneElseAnswers::HangUp;
        r.name_to_ask_for = None;
        r.interpreter_language = None;
        r.bsl = false;
        r.area = None;
        let i = instructions(&r);
        assert_eq!(i.contact_label, "Email address");
        assert_eq!(value(&i, "Safe days"), "Not given");
        assert!(i.lines.iter().all(|l| l.label != "About when it is safe"));
        assert!(i.lines.iter().all(|l| l.label != "Name to ask for"));
        assert_eq!(
            value(&i, "If someone else answers"),
            "End the call without saying who is calling"
        );
        assert_eq!(value(&i, "Interpreter and access needs"), "None given");
        assert_eq!(value(&i, "Area"), "Not given");
    }
}
