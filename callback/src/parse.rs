//! Strict reading of a request body that still tells the sender about every bad field at once,
//! which a plain `serde_json::from_slice` cannot: it stops at the first problem.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::request::*;
use crate::validate::PHONE_MESSAGE;

/// Why a body could not be read as a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseError {
    /// Not JSON, not an object, or an object that names a field twice. Nothing a person typed
    /// can cause this; it is a broken or hostile sender.
    Malformed(&'static str),
    /// Missing fields, unknown fields, or values of the wrong type, in form order.
    Fields(Vec<FieldError>),
}

const REQUIRED: &[&str] = &[
    "schema_version",
    "request_id",
    "landlord",
    "contact_method",
    "contact",
    "if_someone_else_answers",
    "consent",
];

/// Reads a body as a [`CallbackRequest`], refusing unknown fields and values of the wrong type.
/// The result still needs [`CallbackRequest::validate`].
pub fn parse(body: &[u8]) -> Result<CallbackRequest, ParseError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|_| ParseError::Malformed("The request is not valid JSON"))?;
    let Value::Object(map) = value else {
        return Err(ParseError::Malformed("The request must be a JSON object"));
    };

    let mut errors = Vec::new();
    for &field in FIELDS {
        match map.get(field) {
            None if REQUIRED.contains(&field) => {
                errors.push(FieldError::new(field, shape_message(field)))
            }
            None => {}
            Some(v) if !fits(field, v) => errors.push(FieldError::new(field, shape_message(field))),
            Some(_) => {}
        }
    }
    for key in map.keys().filter(|k| !FIELDS.contains(&k.as_str())) {
        // The name is echoed only to the sender, cut short so a huge key cannot bloat the answer.
        let name: String = key.chars().take(40).collect();
        errors.push(FieldError {
            field: name,
            message: "This is not part of the form".into(),
            key: "",
        });
    }
    if !errors.is_empty() {
        return Err(ParseError::Fields(errors));
    }

    // The checks above went through a map, which keeps only the last of two equal keys; reading
    // the raw body again with the derived, strict deserializer refuses such ambiguous objects.
    serde_json::from_slice(body)
        .map_err(|_| ParseError::Malformed("Each field may appear only once"))
}

fn fits(field: &str, v: &Value) -> bool {
    fn is<T: DeserializeOwned>(v: &Value) -> bool {
        T::deserialize(v).is_ok()
    }
    match field {
        "schema_version" => is::<u32>(v),
        "contact_method" => is::<ContactMethod>(v),
        "safe_days" => is::<Vec<Day>>(v),
        "safe_times" => is::<Vec<TimeOfDay>>(v),
        "if_someone_else_answers" => is::<IfSomeoneElseAnswers>(v),
        "officer_gender" => is::<OfficerGender>(v),
        "leave_message" | "bsl" | "consent" => is::<bool>(v),
        "request_id" | "landlord" | "contact" => is::<String>(v),
        _ => is::<Option<String>>(v),
    }
}

/// The message for a field that is missing or holds the wrong kind of value.
fn shape_message(field: &str) -> &'static str {
    match field {
        "schema_version" => "This form is out of date. Reload the page and try again",
        "request_id" => {
            "The request ID must be a random UUID, like 3f2b8c1e-9d4a-4e6b-8f0a-2c5d7e9b1a34"
        }
        "landlord" => "The landlord is not one this service knows",
        "area" => "Choose your council area",
        "contact_method" => "Choose how we should contact you: call, text or email",
        "contact" => PHONE_MESSAGE,
        "safe_days" => "Choose days from Monday to Sunday",
        "safe_times" => "Choose morning, afternoon or evening",
        "safe_times_note" => "Enter safe times as text",
        "leave_message" => "Choose whether we may leave a voicemail or message",
        "if_someone_else_answers" => "Choose what we should do if someone else answers",
        "name_to_ask_for" => "Enter the name as text",
        "officer_gender" => "Choose no preference, a woman or a man",
        "interpreter_language" => "Enter the language as text",
        "bsl" => "Choose whether you need a British Sign Language interpreter",
        "other_access_needs" => "Enter other access needs as text",
        "consent" => "Tick the box to agree that we can use these details to contact you",
        _ => "This is not part of the form",
    }
}
