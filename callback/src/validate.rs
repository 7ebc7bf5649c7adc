//! The content rules: what makes a well-formed request one a landlord can act on safely.

use crate::normalise_email;
use crate::phone::{normalise_uk_phone, PhoneKind};
use crate::request::*;
use safe_contact_rules::id::is_id;

/// Size caps, in characters, after surrounding spaces are removed. Short on purpose: the form
/// asks for the minimum, and a long free-text box invites an account of the abuse.
pub mod limits {
    pub const SAFE_TIMES_NOTE: usize = 200;
    pub const NAME_TO_ASK_FOR: usize = 50;
    pub const INTERPRETER_LANGUAGE: usize = 50;
    pub const OTHER_ACCESS_NEEDS: usize = 200;
    pub const ID: usize = safe_contact_rules::id::MAX;

    /// The length limit of a free-text field, by its name in the JSON.
    pub fn of(field: &str) -> Option<usize> {
        match field {
            "safe_times_note" => Some(SAFE_TIMES_NOTE),
            "name_to_ask_for" => Some(NAME_TO_ASK_FOR),
            "interpreter_language" => Some(INTERPRETER_LANGUAGE),
            "other_access_needs" => Some(OTHER_ACCESS_NEEDS),
            _ => None,
        }
    }
}

pub const PHONE_MESSAGE: &str = "Enter a UK phone number, like 07700 900123 or 0114 496 0123";
pub const MOBILE_MESSAGE: &str = "Enter a UK mobile number for texts, like 07700 900123";
pub const EMAIL_MESSAGE: &str =
    "Enter an email address in the correct format, like name@example.com";

impl CallbackRequest {
    /// Checks every field and returns the request with its values tidied (spaces trimmed, the
    /// phone number as national digits, empty optional text as absent), or every problem found,
    /// in form order.
    ///
    /// `area_ids` are the landlord's council areas from its profile: with more than one, the
    /// person must choose one of them.
    pub fn validate<S: AsRef<str>>(
        &self,
        area_ids: &[S],
    ) -> Result<CallbackRequest, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut out = self.clone();

        if self.schema_version != SCHEMA_VERSION {
            errors.push(FieldError::keyed(
                "schema_version",
                "callback.error.schema_version",
                "This form is out of date. Reload the page and try again",
            ));
        }

        match normalise_request_id(&self.request_id) {
            Some(id) => out.request_id = id,
            None => errors.push(FieldError::keyed(
                "request_id",
                "callback.error.request_id",
                "The request ID must be a random UUID, like 3f2b8c1e-9d4a-4e6b-8f0a-2c5d7e9b1a34",
            )),
        }

        if !is_id(&self.landlord) {
            errors.push(FieldError::keyed(
                "landlord",
                "callback.error.landlord",
                "The landlord is not one this service knows",
            ));
        }

        let area = self
            .area
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty());
        let area_known = |a: &str| area_ids.iter().any(|id| id.as_ref() == a);
        match area {
            Some(a) if area_known(a) => out.area = Some(a.to_owned()),
            None if area_ids.len() <= 1 => out.area = None,
            _ => errors.push(FieldError::keyed(
                "area",
                "callback.error.area",
                "Choose your council area",
            )),
        }

        match self.contact_method {
            ContactMethod::Call | ContactMethod::Text => {
                let wanted_mobile = self.contact_method == ContactMethod::Text;
                match normalise_uk_phone(&self.contact) {
                    _ if self.contact.trim().is_empty() => errors.push(if wanted_mobile {
                        FieldError::keyed(
                            "contact",
                            "callback.error.contact_text_missing",
                            "Enter the mobile number we can safely text",
                        )
                    } else {
                        FieldError::keyed(
                            "contact",
                            "callback.error.contact_call_missing",
                            "Enter the phone number we can safely call",
                        )
                    }),
                    Some((_, PhoneKind::Landline)) if wanted_mobile => {
                        errors.push(FieldError::keyed(
                            "contact",
                            "callback.error.contact_mobile",
                            MOBILE_MESSAGE,
                        ))
                    }
                    Some((number, _)) => out.contact = number,
                    None => errors.push(if wanted_mobile {
                        FieldError::keyed(
                            "contact",
                            "callback.error.contact_mobile",
                            MOBILE_MESSAGE,
                        )
                    } else {
                        FieldError::keyed("contact", "callback.error.contact_phone", PHONE_MESSAGE)
                    }),
                }
            }
            ContactMethod::Email => match normalise_email(&self.contact) {
                _ if self.contact.trim().is_empty() => errors.push(FieldError::keyed(
                    "contact",
                    "callback.error.contact_email_missing",
                    "Enter the email address we can safely use",
                )),
                Some(address) => out.contact = address,
                None => errors.push(FieldError::keyed(
                    "contact",
                    "callback.error.contact_email",
                    EMAIL_MESSAGE,
                )),
            },
        }

        check_choices(
            &self.safe_days,
            "safe_days",
            (
                "callback.error.safe_days_missing",
                "Choose at least one day when it is safe to contact you",
            ),
            (
                "callback.error.safe_days_repeated",
                "Choose each day only once",
            ),
            &mut errors,
        );
        check_choices(
            &self.safe_times,
            "safe_times",
            (
                "callback.error.safe_times_missing",
                "Choose at least one time of day when it is safe to contact you",
            ),
            (
                "callback.error.safe_times_repeated",
                "Choose each time of day only once",
            ),
            &mut errors,
        );
        out.safe_times_note = check_text(
            &self.safe_times_note,
            "safe_times_note",
            "Safe times",
            [
                "callback.error.safe_times_note_too_long",
                "callback.error.safe_times_note_one_line",
            ],
            limits::SAFE_TIMES_NOTE,
            &mut errors,
        );

        out.name_to_ask_for = check_text(
            &self.name_to_ask_for,
            "name_to_ask_for",
            "The name",
            [
                "callback.error.name_to_ask_for_too_long",
                "callback.error.name_to_ask_for_one_line",
            ],
            limits::NAME_TO_ASK_FOR,
            &mut errors,
        );
        if self.if_someone_else_answers == IfSomeoneElseAnswers::AskForName
            && out.name_to_ask_for.is_none()
            && !errors.iter().any(|e| e.field == "name_to_ask_for")
        {
            errors.push(FieldError::keyed(
                "name_to_ask_for",
                "callback.error.name_to_ask_for_missing",
                "Enter the name we should ask for",
            ));
        }

        out.interpreter_language = check_text(
            &self.interpreter_language,
            "interpreter_language",
            "The language",
            [
                "callback.error.interpreter_language_too_long",
                "callback.error.interpreter_language_one_line",
            ],
            limits::INTERPRETER_LANGUAGE,
            &mut errors,
        );
        out.other_access_needs = check_text(
            &self.other_access_needs,
            "other_access_needs",
            "Other access needs",
            [
                "callback.error.other_access_needs_too_long",
                "callback.error.other_access_needs_one_line",
            ],
            limits::OTHER_ACCESS_NEEDS,
            &mut errors,
        );

        if !self.consent {
            errors.push(FieldError::keyed(
                "consent",
                "callback.error.consent",
                "Tick the box to agree that we can use these details to contact you",
            ));
        }

        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }
}

/// Accepts the canonical 8-4-4-4-12 hex form that `crypto.randomUUID()` gives, in either case.
pub fn normalise_request_id(s: &str) -> Option<String> {
    let ok = s.len() == 36
        && s.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        });
    ok.then(|| s.to_ascii_lowercase())
}

fn check_choices<T: PartialEq>(
    values: &[T],
    field: &str,
    (empty_key, empty): (&'static str, &str),
    (repeated_key, repeated): (&'static str, &str),
    errors: &mut Vec<FieldError>,
) {
    if values.is_empty() {
        errors.push(FieldError::keyed(field, empty_key, empty));
    } else if values
        .iter()
        .enumerate()
        .any(|(i, v)| values[..i].contains(v))
    {
        errors.push(FieldError::keyed(field, repeated_key, repeated));
    }
}

/// Trims optional free text and turns an empty answer into no answer.
fn check_text(
    value: &Option<String>,
    field: &str,
    label: &str,
    [too_long, one_line]: [&'static str; 2],
    max: usize,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    let text = value.as_deref().map(str::trim).filter(|t| !t.is_empty())?;
    if text.chars().count() > max {
        errors.push(FieldError::keyed(
            field,
            too_long,
            format!("{label} must be {max} characters or fewer"),
        ));
        return None;
    }
    if text.chars().any(is_disallowed_char) {
        errors.push(FieldError::keyed(
            field,
            one_line,
            format!("{label} must be on one line, without special characters"),
        ));
        return None;
    }
    Some(text.to_owned())
}

/// Line breaks and control characters have no place in one-line answers, and bidirectional
/// overrides could make text read differently on a staff screen than it was written.
fn is_disallowed_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}
