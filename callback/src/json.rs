//! The widget's JSON for requests, without serde (the widget's wasm budget): the request it sends and the field
//! errors the endpoint answers with. The endpoint keeps the serde derives; the tests hold the
//! two to the same bytes.

use safe_contact_json::{parse, ObjectWriter};

use crate::request::*;

impl CallbackRequest {
    /// The request as compact JSON, byte for byte what `serde_json::to_string` writes: the same
    /// field order, and absent options left out. The bytes matter, since a sealed request is
    /// opened and read by the serde side.
    pub fn to_json(&self) -> String {
        let days: Vec<&str> = self.safe_days.iter().map(|&d| day(d)).collect();
        let times: Vec<&str> = self.safe_times.iter().map(|&t| time_of_day(t)).collect();
        let mut w = ObjectWriter::new();
        w.u32("schema_version", self.schema_version)
            .str("request_id", &self.request_id)
            .str("landlord", &self.landlord)
            .opt_str("area", self.area.as_deref())
            .str("contact_method", contact_method(self.contact_method))
            .str("contact", &self.contact)
            .str_array("safe_days", &days)
            .str_array("safe_times", &times)
            .opt_str("safe_times_note", self.safe_times_note.as_deref())
            .bool("leave_message", self.leave_message)
            .str(
                "if_someone_else_answers",
                if_someone_else_answers(self.if_someone_else_answers),
            )
            .opt_str("name_to_ask_for", self.name_to_ask_for.as_deref())
            .str("officer_gender", officer_gender(self.officer_gender))
            .opt_str("interpreter_language", self.interpreter_language.as_deref())
            .bool("bsl", self.bsl)
            .opt_str("other_access_needs", self.other_access_needs.as_deref())
            .bool("consent", self.consent);
        w.finish()
    }
}

/// The field errors in an endpoint's answer, `{"errors":[{"field":"…","message":"…"}]}`, or
/// `None` for a body of any other shape. Other members are ignored, as serde ignores them for
/// a struct without `deny_unknown_fields`, so the endpoint can add to its answers.
pub fn field_errors_from_json(body: &str) -> Option<Vec<FieldError>> {
    let value = parse(body).ok()?;
    let errors = value.get("errors")?.as_array()?;
    let mut out = Vec::with_capacity(errors.len());
    for error in errors {
        out.push(FieldError {
            field: error.get("field")?.as_str()?.to_owned(),
            message: error.get("message")?.as_str()?.to_owned(),
            key: "",
        });
    }
    Some(out)
}

// The names serde's `rename_all = "snake_case"` gives each variant.

fn contact_method(m: ContactMethod) -> &'static str {
    match m {
        ContactMethod::Call => "call",
        ContactMethod::Text => "text",
        ContactMethod::Email => "email",
    }
}

fn day(d: Day) -> &'static str {
    match d {
        Day::Monday => "monday",
        Day::Tuesday => "tuesday",
        Day::Wednesday => "wednesday",
        Day::Thursday => "thursday",
        Day::Friday => "friday",
        Day::Saturday => "saturday",
        Day::Sunday => "sunday",
    }
}

fn time_of_day(t: TimeOfDay) -> &'static str {
    match t {
        TimeOfDay::Morning => "morning",
        TimeOfDay::Afternoon => "afternoon",
        TimeOfDay::Evening => "evening",
    }
}

fn if_someone_else_answers(a: IfSomeoneElseAnswers) -> &'static str {
    match a {
        IfSomeoneElseAnswers::HangUp => "hang_up",
        IfSomeoneElseAnswers::RoutineSurvey => "routine_survey",
        IfSomeoneElseAnswers::AskForName => "ask_for_name",
    }
}

fn officer_gender(g: OfficerGender) -> &'static str {
    match g {
        OfficerGender::NoPreference => "no_preference",
        OfficerGender::Woman => "woman",
        OfficerGender::Man => "man",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minimal() -> CallbackRequest {
        CallbackRequest {
            schema_version: SCHEMA_VERSION,
            request_id: "3f2b8c1e-9d4a-4e6b-8f0a-2c5d7e9b1a34".into(),
            landlord: "livin".into(),
            area: None,
            contact_method: ContactMethod::Call,
            contact: "07700900123".into(),
            safe_days: vec![],
            safe_times: vec![],
            safe_times_note: None,
            leave_message: false,
            if_someone_else_answers: IfSomeoneElseAnswers::HangUp,
            name_to_ask_for: None,
            officer_gender: OfficerGender::NoPreference,
            interpreter_language: None,
            bsl: false,
            other_access_needs: None,
            consent: false,
        }
    }

    fn full() -> CallbackRequest {
        CallbackRequest {
            area: Some("darlington".into()),
            contact_method: ContactMethod::Email,
            contact: "sam@example.org".into(),
            safe_days: vec![Day::Monday, Day::Thursday],
            safe_times: vec![TimeOfDay::Morning, TimeOfDay::Evening],
            safe_times_note: Some("Not after 3pm".into()),
            leave_message: true,
            if_someone_else_answers: IfSomeoneElseAnswers::AskForName,
            name_to_ask_for: Some("Sam".into()),
            officer_gender: OfficerGender::Woman,
            interpreter_language: Some("Polish".into()),
            bsl: true,
            other_access_needs: Some("Please speak slowly".into()),
            consent: true,
            ..minimal()
        }
    }

    fn assert_same(request: &CallbackRequest) {
        let ours = request.to_json();
        assert_eq!(ours, serde_json::to_string(request).unwrap());
        assert_eq!(crate::parse(ours.as_bytes()).unwrap(), *request);
    }

    #[test]
    fn requests_are_written_as_serde_writes_them() {
        assert_same(&minimal());
        assert_same(&full());
        assert_same(&CallbackRequest {
            safe_times_note: Some("\"quotes\" \\ new\nline\ttab \u{1} \u{7f} é 😀 \u{2028}".into()),
            name_to_ask_for: Some(String::new()),
            other_access_needs: Some("</script>".into()),
            schema_version: u32::MAX,
            ..full()
        });
        // Each option alone, so a wrong comma before or after any of them shows.
        let options: [fn(&mut CallbackRequest); 5] = [
            |r| r.area = Some("a".into()),
            |r| r.safe_times_note = Some("b".into()),
            |r| r.name_to_ask_for = Some("c".into()),
            |r| r.interpreter_language = Some("d".into()),
            |r| r.other_access_needs = Some("e".into()),
        ];
        for set in options {
            let mut request = minimal();
            set(&mut request);
            assert_same(&request);
        }
    }

    #[test]
    fn every_variant_is_named_as_serde_names_it() {
        let days = [
            Day::Monday,
            Day::Tuesday,
            Day::Wednesday,
            Day::Thursday,
            Day::Friday,
            Day::Saturday,
            Day::Sunday,
        ];
        let times = [TimeOfDay::Morning, TimeOfDay::Afternoon, TimeOfDay::Evening];
        let methods = [
            ContactMethod::Call,
            ContactMethod::Text,
            ContactMethod::Email,
        ];
        let answers = [
            IfSomeoneElseAnswers::HangUp,
            IfSomeoneElseAnswers::RoutineSurvey,
            IfSomeoneElseAnswers::AskForName,
        ];
        let genders = [
            OfficerGender::NoPreference,
            OfficerGender::Woman,
            OfficerGender::Man,
        ];
        assert_same(&CallbackRequest {
            safe_days: days.to_vec(),
            safe_times: times.to_vec(),
            ..minimal()
        });
        for contact_method in methods {
            for if_someone_else_answers in answers {
                for officer_gender in genders {
                    assert_same(&CallbackRequest {
                        contact_method,
                        if_someone_else_answers,
                        officer_gender,
                        ..full()
                    });
                }
            }
        }
    }

    #[test]
    fn field_errors_are_read_from_the_endpoint_answer() {
        let body = r#"{"errors":[{"field":"contact","message":"Enter a UK phone number"},
            {"message":"Choose \"morning\"","field":"safe_times","hint":1}],"status":422}"#;
        assert_eq!(
            field_errors_from_json(body),
            Some(vec![
                FieldError::new("contact", "Enter a UK phone number"),
                FieldError::new("safe_times", "Choose \"morning\""),
            ])
        );
        assert_eq!(field_errors_from_json(r#"{"errors":[]}"#), Some(vec![]));
        // What the endpoint itself writes reads back whole.
        let errors = vec![FieldError::new("consent", "Tick the box ☑\n")];
        let written = serde_json::json!({ "errors": errors }).to_string();
        assert_eq!(field_errors_from_json(&written), Some(errors));
    }

    #[test]
    fn other_answers_hold_no_field_errors() {
        for body in [
            "",
            "not json",
            "null",
            "[]",
            r#"{"errors":[{"field":"contact","message":"x"}]"#,
            r#"{"error":"Too many requests"}"#,
            r#"{"errors":null}"#,
            r#"{"errors":{"field":"contact","message":"x"}}"#,
            r#"{"errors":["contact"]}"#,
            r#"{"errors":[{"field":"contact"}]}"#,
            r#"{"errors":[{"message":"x"}]}"#,
            r#"{"errors":[{"field":1,"message":"x"}]}"#,
            r#"{"errors":[{"field":"contact","message":null}]}"#,
            r#"{"errors":[{"field":"contact","message":"x"},7]}"#,
        ] {
            assert_eq!(field_errors_from_json(body), None, "{body}");
        }
    }
}
