//! The JSON Schemas generated from the profile types, and the structural check made with them.
//!
//! The schemas come from the same Rust types the widget parses with, so the published schema,
//! this check and the widget cannot drift apart.

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::ValidationError;
use safe_contact_profile::{National, Profile, SCHEMA_VERSION};
use schemars::Schema;
use serde_json::{json, Value};

use crate::lines::push_token;
use crate::report::Report;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Document {
    Profile,
    National,
}

impl Document {
    /// Only the national content has `danger_now`, and every copy of it must.
    pub fn detect(value: &Value) -> Document {
        if value.get("danger_now").is_some() {
            Document::National
        } else {
            Document::Profile
        }
    }

    /// The file name under `public/`.
    pub fn schema_file(self) -> &'static str {
        match self {
            Document::Profile => "profile.schema.json",
            Document::National => "national.schema.json",
        }
    }

    pub fn schema(self) -> Schema {
        let (title, mut schema) = match self {
            Document::Profile => (
                "Safe Contact landlord profile",
                schemars::schema_for!(Profile),
            ),
            Document::National => (
                "Safe Contact national content",
                schemars::schema_for!(National),
            ),
        };
        schema.insert("title".into(), json!(title));
        // A `u32` would let any version through; the widget refuses all but one, so the schema
        // says so and an editor flags a wrong version as it is typed.
        *schema
            .pointer_mut("/properties/schema_version")
            .expect("both documents have a schema_version") = json!({
            "description": format!(
                "The version of this file format. Always {SCHEMA_VERSION}: the widget refuses a file written for any other."
            ),
            "const": SCHEMA_VERSION,
        });
        schema
    }

    /// The schema as published: pretty-printed with a final newline, so diffs stay readable.
    /// Serialising the `Schema` itself, not a plain `Value`, puts `$schema`, `title` and
    /// `description` first, where a reader looks for them.
    pub fn published_schema(self) -> String {
        let mut text =
            serde_json::to_string_pretty(&self.schema()).expect("a schema always serialises");
        text.push('\n');
        text
    }
}

/// A compiled schema for one kind of document.
pub struct Structure {
    validator: jsonschema::Validator,
}

impl Structure {
    pub fn new(document: Document) -> Structure {
        let validator = jsonschema::validator_for(document.schema().as_value())
            .expect("the generated schema is valid JSON Schema");
        Structure { validator }
    }

    /// Reports every missing field, unknown key, wrong type and bad enum value.
    pub fn check(&self, value: &Value, report: &mut Report) {
        for error in self.validator.iter_errors(value) {
            explain(&error, report);
        }
    }
}

fn explain(error: &ValidationError, report: &mut Report) {
    let at = error.instance_path().as_str();
    let instance = error.instance();
    match error.kind() {
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            report.add(&push_token(at, name), format!("missing field `{name}`"));
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            for key in unexpected {
                report.add(&push_token(at, key), format!("unknown key `{key}`"));
            }
        }
        ValidationErrorKind::Type { kind } => report.add(
            at,
            format!(
                "should be {}, not {}",
                expected_types(kind),
                kind_of(instance)
            ),
        ),
        ValidationErrorKind::Enum { options } => {
            let options: Vec<String> = options
                .as_array()
                .into_iter()
                .flatten()
                .map(|o| o.as_str().map_or_else(|| o.to_string(), str::to_owned))
                .collect();
            report.add(
                at,
                format!("{instance} is not one of: {}", options.join(", ")),
            );
        }
        ValidationErrorKind::Constant { expected_value } => {
            let field = at.rsplit('/').next().unwrap_or_default();
            report.add(
                at,
                format!("{field} must be {expected_value}, not {instance}"),
            );
        }
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            explain_alternatives(at, instance, context, report);
        }
        _ => report.add(at, error.to_string()),
    }
}

/// `Option<Contact>` and the `Block` enum become `anyOf`/`oneOf`, whose raw errors list every
/// alternative's failures. Usually one alternative is plainly the one meant (the only one whose
/// type and keys fit), and its errors are the useful ones; otherwise the value is summarised.
fn explain_alternatives(
    at: &str,
    instance: &Value,
    context: &[Vec<ValidationError>],
    report: &mut Report,
) {
    let fit = |errors: &Vec<ValidationError>| {
        let own: Vec<&ValidationError> = errors
            .iter()
            .filter(|e| e.instance_path().as_str() == at)
            .collect();
        let wrong_type = own
            .iter()
            .any(|e| matches!(e.kind(), ValidationErrorKind::Type { .. }));
        (wrong_type, own.len(), errors.len())
    };
    let mut ranked: Vec<_> = context.iter().map(|errors| (fit(errors), errors)).collect();
    ranked.sort_by_key(|(fit, _)| *fit);
    if let [(best, errors), rest @ ..] = ranked.as_slice() {
        let clear_winner = !best.0 && rest.first().is_none_or(|(next, _)| best < next);
        if clear_winner {
            for error in *errors {
                explain(error, report);
            }
            return;
        }
    }
    let own_errors = || {
        context
            .iter()
            .flatten()
            .filter(|e| e.instance_path().as_str() == at)
    };
    let keys: Vec<String> = own_errors()
        .filter_map(|e| match e.kind() {
            ValidationErrorKind::Required { property } => Some(format!("`{}`", property.as_str()?)),
            _ => None,
        })
        .collect();
    if instance.is_object() && !keys.is_empty() {
        report.add(
            at,
            format!("should have exactly one of the keys {}", keys.join(", ")),
        );
        return;
    }
    let types: Vec<String> = own_errors()
        .filter_map(|e| match e.kind() {
            ValidationErrorKind::Type { kind } => Some(expected_types(kind)),
            _ => None,
        })
        .collect();
    if types.is_empty() {
        report.add(at, "does not match any of the forms allowed here");
    } else {
        report.add(
            at,
            format!(
                "should be {}, not {}",
                types.join(" or "),
                kind_of(instance)
            ),
        );
    }
}

fn expected_types(kind: &TypeKind) -> String {
    let mut names: Vec<&str> = match kind {
        TypeKind::Single(one) => vec![type_name(&one.to_string())],
        TypeKind::Multiple(set) => set.iter().map(|t| type_name(&t.to_string())).collect(),
    };
    // Optional fields allow null, but the useful thing to say is what to write there.
    names.sort_by_key(|name| *name == "null");
    names.join(" or ")
}

/// JSON Schema's type names, in words for people who write content rather than code.
fn type_name(json_type: &str) -> &'static str {
    match json_type {
        "string" => "text in quotes",
        "array" => "a list [ ]",
        "object" => "an object { }",
        "integer" => "a whole number",
        "number" => "a number",
        "boolean" => "true or false",
        _ => "null",
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}
