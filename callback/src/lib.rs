//! The Safe Contact callback request: what the widget sends and the endpoint stores.
//!
//! A request holds only what a landlord needs to call, text or email someone back safely. It is
//! read strictly ([`parse`]: unknown fields and wrong types refused, every problem reported) and
//! then checked ([`CallbackRequest::validate`]: plain-English messages per field, values tidied).
//! The same code runs natively in the endpoint and as wasm32 in the widget, so the form and the
//! server never disagree about what is valid.
//!
//! A request as JSON (`POST /v1/callbacks`, `Content-Type: application/json`, with an
//! `Idempotency-Key` header):
//!
//! ```json
//! {
//!   "schema_version": 1,
//!   "request_id": "3f2b8c1e-9d4a-4e6b-8f0a-2c5d7e9b1a34",
//!   "landlord": "livin",
//!   "area": "darlington",
//!   "contact_method": "call",
//!   "contact": "07700 900123",
//!   "safe_days": ["monday", "thursday"],
//!   "safe_times": ["morning"],
//!   "safe_times_note": "Not after 3pm",
//!   "leave_message": false,
//!   "if_someone_else_answers": "ask_for_name",
//!   "name_to_ask_for": "Sam",
//!   "officer_gender": "woman",
//!   "interpreter_language": "Polish",
//!   "bsl": false,
//!   "other_access_needs": "Please speak slowly",
//!   "consent": true
//! }
//! ```

#![forbid(unsafe_code)]

mod json;
#[cfg(feature = "serde")]
mod parse;
mod phone;
mod request;
mod validate;

// The rules the form, the validator and the endpoint share live in safe-contact-rules; these
// are their names in the request's own vocabulary.
pub use json::field_errors_from_json;
#[cfg(feature = "serde")]
pub use parse::{parse, ParseError};
pub use phone::{normalise_uk_phone, PhoneKind};
pub use request::*;
pub use safe_contact_rules::email::{form_address as normalise_email, MAX_EMAIL};
pub use safe_contact_rules::id::is_id;
pub use validate::{limits, normalise_request_id, EMAIL_MESSAGE, MOBILE_MESSAGE, PHONE_MESSAGE};

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    const ONE_AREA: &[&str] = &["stockport"];
    const LIVIN: &[&str] = &[
        "county-durham",
        "darlington",
        "hartlepool",
        "stockton-on-tees",
    ];

    fn valid() -> Value {
        json!({
            "schema_version": 1,
            "request_id": "3F2B8C1E-9D4A-4E6B-8F0A-2C5D7E9B1A34",
            "landlord": "stockport-homes",
            "contact_method": "call",
            "contact": " 07700 900123 ",
            "safe_days": ["monday", "thursday"],
            "safe_times": ["morning"],
            "safe_times_note": "  not after 3pm  ",
            "leave_message": false,
            "if_someone_else_answers": "routine_survey",
            "name_to_ask_for": "",
            "officer_gender": "woman",
            "interpreter_language": "Polish",
            "bsl": false,
            "other_access_needs": null,
            "consent": true
        })
    }

    fn check(v: &Value, areas: &[&str]) -> Result<CallbackRequest, Vec<FieldError>> {
        match parse(v.to_string().as_bytes()) {
            Ok(r) => r.validate(areas),
            Err(ParseError::Fields(e)) => Err(e),
            Err(ParseError::Malformed(m)) => panic!("malformed: {m}"),
        }
    }

    fn errors_with(change: impl FnOnce(&mut Value), areas: &[&str]) -> Vec<FieldError> {
        let mut v = valid();
        change(&mut v);
        check(&v, areas).expect_err("should be refused")
    }

    fn only_error(change: impl FnOnce(&mut Value), areas: &[&str]) -> FieldError {
        let errs = errors_with(change, areas);
        assert_eq!(errs.len(), 1, "{errs:?}");
        errs.into_iter().next().unwrap()
    }

    fn set(field: &'static str, value: Value) -> impl FnOnce(&mut Value) {
        move |v| {
            v[field] = value;
        }
    }

    fn remove(field: &'static str) -> impl FnOnce(&mut Value) {
        move |v| {
            v.as_object_mut().unwrap().remove(field);
        }
    }

    #[test]
    fn the_shared_example_is_valid_and_the_page_sets_only_the_first_fields() {
        let example = CallbackRequest::example();
        let again = parse(serde_json::to_string(&example).unwrap().as_bytes()).unwrap();
        assert!(again.validate(LIVIN).is_ok());
        assert_eq!(
            &FIELDS[..PAGE_SET_FIELDS],
            ["schema_version", "request_id", "landlord"]
        );
        assert!(!answered_fields().contains(&"landlord"));
        assert!(answered_fields().contains(&"consent"));
    }

    #[test]
    fn documented_example_is_valid() {
        let doc = include_str!("lib.rs");
        let json: String = doc
            .lines()
            .skip_while(|l| *l != "//! ```json")
            .skip(1)
            .take_while(|l| *l != "//! ```")
            .map(|l| l.trim_start_matches("//!"))
            .collect();
        let r = parse(json.as_bytes()).unwrap().validate(LIVIN).unwrap();
        assert_eq!(r.contact, "07700900123");
    }

    #[test]
    fn valid_request_is_tidied() {
        let r = check(&valid(), ONE_AREA).unwrap();
        assert_eq!(r.request_id, "3f2b8c1e-9d4a-4e6b-8f0a-2c5d7e9b1a34");
        assert_eq!(r.contact, "07700900123");
        assert_eq!(r.safe_times_note.as_deref(), Some("not after 3pm"));
        assert_eq!(r.name_to_ask_for, None);
        assert_eq!(r.other_access_needs, None);
        assert_eq!(r.officer_gender, OfficerGender::Woman);
        assert_eq!(r.area, None);
    }

    #[test]
    fn defaults_are_the_safe_ones() {
        let mut v = valid();
        for f in [
            "leave_message",
            "officer_gender",
            "bsl",
            "safe_times_note",
            "name_to_ask_for",
            "interpreter_language",
            "other_access_needs",
        ] {
            v.as_object_mut().unwrap().remove(f);
        }
        let r = check(&v, ONE_AREA).unwrap();
        assert!(!r.leave_message);
        assert_eq!(r.officer_gender, OfficerGender::NoPreference);
        assert!(!r.bsl);
    }

    #[test]
    fn round_trips_through_json() {
        let r = check(&valid(), ONE_AREA).unwrap();
        let again = parse(serde_json::to_string(&r).unwrap().as_bytes()).unwrap();
        assert_eq!(again, r);
        assert_eq!(again.validate(ONE_AREA).unwrap(), r);
    }

    #[test]
    fn debug_shows_no_submitted_value() {
        let r = check(&valid(), ONE_AREA).unwrap();
        let shown = format!("{r:?}");
        assert!(!shown.contains("07700"), "{shown}");
        assert!(!shown.contains("Polish"), "{shown}");
    }

    #[test]
    fn malformed_bodies() {
        assert!(matches!(parse(b"not json"), Err(ParseError::Malformed(_))));
        assert!(matches!(parse(b"[1,2]"), Err(ParseError::Malformed(_))));
        assert!(matches!(parse(b"\"text\""), Err(ParseError::Malformed(_))));
        let body = valid().to_string();
        let doubled = body.replacen("{", "{\"contact\":\"07700 900999\",", 1);
        assert_eq!(
            parse(doubled.as_bytes()),
            Err(ParseError::Malformed("Each field may appear only once"))
        );
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let errs = errors_with(
            |v| {
                v["contact_method"] = json!("pigeon");
                v["consent"] = json!("yes");
                v["colour"] = json!("blue");
                v.as_object_mut().unwrap().remove("landlord");
            },
            ONE_AREA,
        );
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["landlord", "contact_method", "consent", "colour"]);
        assert_eq!(errs[3].message, "This is not part of the form");

        let errs = errors_with(
            |v| {
                v["contact"] = json!("12345");
                v["safe_days"] = json!([]);
                v["consent"] = json!(false);
            },
            ONE_AREA,
        );
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["contact", "safe_days", "consent"]);
    }

    #[test]
    fn schema_version() {
        assert_eq!(
            only_error(set("schema_version", json!(2)), ONE_AREA).field,
            "schema_version"
        );
        assert_eq!(
            only_error(set("schema_version", json!("1")), ONE_AREA).field,
            "schema_version"
        );
        assert_eq!(
            only_error(remove("schema_version"), ONE_AREA).field,
            "schema_version"
        );
    }

    #[test]
    fn request_id() {
        for bad in [
            json!("abc"),
            json!(""),
            json!("3f2b8c1e9d4a4e6b8f0a2c5d7e9b1a34"),
            json!("3f2b8c1e-9d4a-4e6b-8f0a-2c5d7e9b1a3g"),
            json!(42),
        ] {
            assert_eq!(
                only_error(set("request_id", bad), ONE_AREA).field,
                "request_id"
            );
        }
        assert_eq!(
            only_error(remove("request_id"), ONE_AREA).field,
            "request_id"
        );
    }

    #[test]
    fn landlord() {
        for bad in [
            json!(""),
            json!("Livin"),
            json!("a b"),
            json!("x".repeat(65)),
            json!(null),
        ] {
            assert_eq!(only_error(set("landlord", bad), ONE_AREA).field, "landlord");
        }
    }

    #[test]
    fn area_needed_only_with_several() {
        let e = only_error(|_| {}, LIVIN);
        assert_eq!(
            (e.field.as_str(), e.message.as_str()),
            ("area", "Choose your council area")
        );
        assert_eq!(
            only_error(set("area", json!("stockport")), LIVIN).field,
            "area"
        );
        assert_eq!(only_error(set("area", json!(7)), LIVIN).field, "area");
        let mut v = valid();
        v["area"] = json!("darlington");
        assert_eq!(
            check(&v, LIVIN).unwrap().area.as_deref(),
            Some("darlington")
        );
        // One area: it may be named, but not a wrong one.
        v["area"] = json!("stockport");
        assert!(check(&v, ONE_AREA).is_ok());
        assert_eq!(
            only_error(set("area", json!("darlington")), ONE_AREA).field,
            "area"
        );
        assert!(check(&valid(), &[] as &[&str]).is_ok());
    }

    #[test]
    fn contact_method() {
        for bad in [json!("phone"), json!("CALL"), json!(1), json!(null)] {
            assert_eq!(
                only_error(set("contact_method", bad), ONE_AREA).field,
                "contact_method"
            );
        }
    }

    #[test]
    fn contact_by_method() {
        let e = only_error(set("contact", json!("0114 49")), ONE_AREA);
        assert_eq!(
            (e.field.as_str(), e.message.as_str()),
            ("contact", PHONE_MESSAGE)
        );
        let e = only_error(set("contact", json!("  ")), ONE_AREA);
        assert_eq!(e.message, "Enter the phone number we can safely call");
        assert_eq!(
            only_error(set("contact", json!(7700900123u64)), ONE_AREA).field,
            "contact"
        );

        let text = |c: &'static str| {
            move |v: &mut Value| {
                v["contact_method"] = json!("text");
                v["contact"] = json!(c);
            }
        };
        assert_eq!(
            only_error(text("0114 496 0123"), ONE_AREA).message,
            MOBILE_MESSAGE
        );
        let mut v = valid();
        text("+44 7700 900123")(&mut v);
        assert_eq!(check(&v, ONE_AREA).unwrap().contact, "07700900123");

        let email = |c: &'static str| {
            move |v: &mut Value| {
                v["contact_method"] = json!("email");
                v["contact"] = json!(c);
            }
        };
        assert_eq!(
            only_error(email("07700 900123"), ONE_AREA).message,
            EMAIL_MESSAGE
        );
        assert_eq!(
            only_error(email(""), ONE_AREA).message,
            "Enter the email address we can safely use"
        );
        let mut v = valid();
        email("Safe@Example.ORG")(&mut v);
        assert_eq!(check(&v, ONE_AREA).unwrap().contact, "Safe@example.org");
    }

    #[test]
    fn safe_days_and_times() {
        assert_eq!(
            only_error(set("safe_days", json!([])), ONE_AREA).field,
            "safe_days"
        );
        assert_eq!(only_error(remove("safe_days"), ONE_AREA).field, "safe_days");
        assert_eq!(
            only_error(set("safe_days", json!(["mon"])), ONE_AREA).field,
            "safe_days"
        );
        assert_eq!(
            only_error(set("safe_days", json!("monday")), ONE_AREA).field,
            "safe_days"
        );
        let e = only_error(set("safe_days", json!(["monday", "monday"])), ONE_AREA);
        assert_eq!(e.message, "Choose each day only once");
        assert_eq!(
            only_error(set("safe_times", json!([])), ONE_AREA).field,
            "safe_times"
        );
        assert_eq!(
            only_error(set("safe_times", json!(["night"])), ONE_AREA).field,
            "safe_times"
        );
        assert_eq!(
            only_error(set("safe_times", json!(["evening", "evening"])), ONE_AREA).field,
            "safe_times"
        );
    }

    #[test]
    fn safe_times_note() {
        let e = only_error(set("safe_times_note", json!("x".repeat(201))), ONE_AREA);
        assert_eq!(
            (e.field.as_str(), e.message.as_str()),
            (
                "safe_times_note",
                "Safe times must be 200 characters or fewer"
            )
        );
        assert!(check(
            &{
                let mut v = valid();
                v["safe_times_note"] = json!("é".repeat(200));
                v
            },
            ONE_AREA
        )
        .is_ok());
        assert_eq!(
            only_error(set("safe_times_note", json!("before\nnoon")), ONE_AREA).field,
            "safe_times_note"
        );
        assert_eq!(
            only_error(set("safe_times_note", json!("a\u{202e}b")), ONE_AREA).field,
            "safe_times_note"
        );
        assert_eq!(
            only_error(set("safe_times_note", json!(["x"])), ONE_AREA).field,
            "safe_times_note"
        );
    }

    #[test]
    fn leave_message() {
        assert_eq!(
            only_error(set("leave_message", json!("no")), ONE_AREA).field,
            "leave_message"
        );
        assert_eq!(
            only_error(set("leave_message", json!(null)), ONE_AREA).field,
            "leave_message"
        );
        let mut v = valid();
        v["leave_message"] = json!(true);
        assert!(check(&v, ONE_AREA).unwrap().leave_message);
    }

    #[test]
    fn if_someone_else_answers_and_name() {
        assert_eq!(
            only_error(set("if_someone_else_answers", json!("lie")), ONE_AREA).field,
            "if_someone_else_answers"
        );
        assert_eq!(
            only_error(remove("if_someone_else_answers"), ONE_AREA).field,
            "if_someone_else_answers"
        );
        let e = only_error(
            set("if_someone_else_answers", json!("ask_for_name")),
            ONE_AREA,
        );
        assert_eq!(
            (e.field.as_str(), e.message.as_str()),
            ("name_to_ask_for", "Enter the name we should ask for")
        );
        let mut v = valid();
        v["if_someone_else_answers"] = json!("ask_for_name");
        v["name_to_ask_for"] = json!(" Jo ");
        assert_eq!(
            check(&v, ONE_AREA).unwrap().name_to_ask_for.as_deref(),
            Some("Jo")
        );
        v["name_to_ask_for"] = json!("J".repeat(51));
        let errs = check(&v, ONE_AREA).unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].message, "The name must be 50 characters or fewer");
        assert_eq!(
            only_error(set("name_to_ask_for", json!(5)), ONE_AREA).field,
            "name_to_ask_for"
        );
    }

    #[test]
    fn officer_gender() {
        assert_eq!(
            only_error(set("officer_gender", json!("female")), ONE_AREA).field,
            "officer_gender"
        );
        assert_eq!(
            only_error(set("officer_gender", json!(null)), ONE_AREA).field,
            "officer_gender"
        );
    }

    #[test]
    fn access_needs() {
        assert_eq!(
            only_error(set("interpreter_language", json!("x".repeat(51))), ONE_AREA).field,
            "interpreter_language"
        );
        assert_eq!(
            only_error(set("interpreter_language", json!("Urdu\u{0}")), ONE_AREA).field,
            "interpreter_language"
        );
        assert_eq!(only_error(set("bsl", json!(1)), ONE_AREA).field, "bsl");
        assert_eq!(
            only_error(set("other_access_needs", json!("x".repeat(201))), ONE_AREA).field,
            "other_access_needs"
        );
        assert_eq!(
            only_error(set("other_access_needs", json!({"a": 1})), ONE_AREA).field,
            "other_access_needs"
        );
        let mut v = valid();
        v["bsl"] = json!(true);
        v["other_access_needs"] = json!("Step-free access to a phone");
        let r = check(&v, ONE_AREA).unwrap();
        assert!(r.bsl);
        assert_eq!(
            r.other_access_needs.as_deref(),
            Some("Step-free access to a phone")
        );
    }

    #[test]
    fn consent() {
        assert_eq!(
            only_error(set("consent", json!(false)), ONE_AREA).field,
            "consent"
        );
        assert_eq!(
            only_error(set("consent", json!("true")), ONE_AREA).field,
            "consent"
        );
        assert_eq!(only_error(remove("consent"), ONE_AREA).field, "consent");
    }

    #[test]
    fn unknown_fields_refused_with_short_names() {
        let long = "k".repeat(500);
        let e = only_error(move |v| v[long.as_str()] = json!(1), ONE_AREA);
        assert_eq!(e.field.len(), 40);
        assert_eq!(
            only_error(set("address", json!("1 High St")), ONE_AREA).field,
            "address"
        );
    }

    /// Every message the content rules give has a key in the widget's English catalogue whose
    /// text is the same message, so the other languages' catalogues translate what the person
    /// would read in English, and every such key is one the rules can give.
    #[test]
    fn every_message_is_keyed_to_the_same_english_in_the_catalogue() {
        let catalogue: Value =
            serde_json::from_str(include_str!("../../profile/content/ui.en.json")).unwrap();
        let long = |n: usize| json!("x".repeat(n + 1));
        type Change = Box<dyn FnOnce(&mut Value)>;
        let changes: Vec<(Change, &[&str])> = vec![
            (Box::new(set("schema_version", json!(2))), &[]),
            (Box::new(set("request_id", json!("x"))), &[]),
            (Box::new(set("landlord", json!("Not An Id"))), &[]),
            (Box::new(|_: &mut Value| {}), LIVIN),
            (Box::new(set("contact", json!(""))), &[]),
            (Box::new(set("contact", json!("12"))), &[]),
            (
                Box::new(|v: &mut Value| {
                    v["contact_method"] = json!("text");
                    v["contact"] = json!("");
                }),
                &[],
            ),
            (
                Box::new(|v: &mut Value| {
                    v["contact_method"] = json!("text");
                    v["contact"] = json!("0114 496 0123");
                }),
                &[],
            ),
            (
                Box::new(|v: &mut Value| {
                    v["contact_method"] = json!("email");
                    v["contact"] = json!("");
                }),
                &[],
            ),
            (
                Box::new(|v: &mut Value| {
                    v["contact_method"] = json!("email");
                    v["contact"] = json!("no");
                }),
                &[],
            ),
            (Box::new(set("safe_days", json!([]))), &[]),
            (Box::new(set("safe_days", json!(["monday", "monday"]))), &[]),
            (Box::new(set("safe_times", json!([]))), &[]),
            (
                Box::new(set("safe_times", json!(["morning", "morning"]))),
                &[],
            ),
            (
                Box::new(set("safe_times_note", long(limits::SAFE_TIMES_NOTE))),
                &[],
            ),
            (Box::new(set("safe_times_note", json!("a\nb"))), &[]),
            (
                Box::new(set("name_to_ask_for", long(limits::NAME_TO_ASK_FOR))),
                &[],
            ),
            (Box::new(set("name_to_ask_for", json!("a\u{202e}b"))), &[]),
            (
                Box::new(set("if_someone_else_answers", json!("ask_for_name"))),
                &[],
            ),
            (
                Box::new(set(
                    "interpreter_language",
                    long(limits::INTERPRETER_LANGUAGE),
                )),
                &[],
            ),
            (Box::new(set("interpreter_language", json!("a\tb"))), &[]),
            (
                Box::new(set("other_access_needs", long(limits::OTHER_ACCESS_NEEDS))),
                &[],
            ),
            (Box::new(set("other_access_needs", json!("a\rb"))), &[]),
            (Box::new(set("consent", json!(false))), &[]),
        ];
        let mut seen = std::collections::BTreeSet::new();
        for (change, areas) in changes {
            for e in errors_with(change, areas) {
                assert!(!e.key.is_empty(), "{} has no key: {}", e.field, e.message);
                let text = catalogue["ui"][e.key]
                    .as_str()
                    .unwrap_or_else(|| panic!("{} is not in ui.en.json", e.key));
                let max = limits::of(&e.field)
                    .map(|m| m.to_string())
                    .unwrap_or_default();
                assert_eq!(text.replace("{max}", &max), e.message, "{}", e.key);
                seen.insert(e.key);
            }
        }
        let all: Vec<&str> = catalogue["ui"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .filter(|k| k.starts_with("callback.error."))
            .collect();
        let unseen: Vec<_> = all.iter().filter(|k| !seen.contains(*k)).collect();
        assert!(unseen.is_empty(), "keys no rule gives: {unseen:?}");
    }
}
