use safe_contact_callback::{
    CallbackRequest, ContactMethod, Day, FieldError, IfSomeoneElseAnswers, OfficerGender,
    TimeOfDay, SCHEMA_VERSION,
};

use crate::text::t;

/// The answers as read from the form's inputs when the person presses Send, to be checked and
/// sent. It lives in the page's memory only, never in any storage, and is dropped at once.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Draft {
    pub area: Option<String>,
    pub contact_method: Option<ContactMethod>,
    pub contact: String,
    pub safe_days: Vec<Day>,
    pub safe_times: Vec<TimeOfDay>,
    pub safe_times_note: String,
    pub leave_message: bool,
    pub if_someone_else_answers: Option<IfSomeoneElseAnswers>,
    pub name_to_ask_for: String,
    pub officer_gender: OfficerGender,
    pub interpreter_language: String,
    pub bsl: bool,
    pub other_access_needs: String,
    pub consent: bool,
    /// Set by the first attempt to send, and kept while the answers stay the same, so that
    /// retries carry the same request id and idempotency key.
    pub sending: Option<Attempt>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Attempt {
    pub request_id: String,
    pub idempotency_key: String,
    /// The request as first sent: a changed answer means a new request with new ids.
    pub request: CallbackRequest,
    /// The envelope it was sealed into, kept so that every retry sends the same bytes.
    pub sealed: Option<Sealed>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Sealed {
    /// The landlord key it was sealed to.
    pub key_id: String,
    /// The envelope as posted.
    pub envelope: String,
}

fn optional(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

impl Draft {
    /// Turns the answers into a request and checks it with the same rules as the endpoint.
    /// Every problem is returned at once, in the order the form shows the fields.
    pub fn to_request(
        &self,
        landlord: &str,
        area_ids: &[String],
        request_id: &str,
    ) -> Result<CallbackRequest, Vec<FieldError>> {
        let request = CallbackRequest {
            schema_version: SCHEMA_VERSION,
            request_id: request_id.to_string(),
            landlord: landlord.to_string(),
            area: self.area.clone(),
            // Placeholders only while the choice is missing: its own error replaces theirs below.
            contact_method: self.contact_method.unwrap_or(ContactMethod::Call),
            contact: self.contact.trim().to_string(),
            safe_days: self.safe_days.clone(),
            safe_times: self.safe_times.clone(),
            safe_times_note: optional(&self.safe_times_note),
            leave_message: self.leave_message,
            if_someone_else_answers: self
                .if_someone_else_answers
                .unwrap_or(IfSomeoneElseAnswers::HangUp),
            name_to_ask_for: optional(&self.name_to_ask_for),
            officer_gender: self.officer_gender,
            interpreter_language: optional(&self.interpreter_language),
            bsl: self.bsl,
            other_access_needs: optional(&self.other_access_needs),
            consent: self.consent,
        };
        let mut errors = match request.validate(area_ids) {
            Ok(valid)
                if self.contact_method.is_some() && self.if_someone_else_answers.is_some() =>
            {
                return Ok(valid)
            }
            Ok(_) => Vec::new(),
            Err(errors) => errors,
        };
        if self.contact_method.is_none() {
            errors.retain(|e| e.field != "contact_method" && e.field != "contact");
            errors.push(FieldError {
                field: "contact_method".into(),
                message: t("callback.contact_method.error_missing").into(),
                key: "callback.contact_method.error_missing",
            });
        }
        if self.if_someone_else_answers.is_none() {
            errors.retain(|e| e.field != "if_someone_else_answers");
            errors.push(FieldError {
                field: "if_someone_else_answers".into(),
                message: t("callback.if_someone_else_answers.error_missing").into(),
                key: "callback.if_someone_else_answers.error_missing",
            });
        }
        let order = |e: &FieldError| {
            safe_contact_callback::FIELDS
                .iter()
                .position(|f| *f == e.field)
                .unwrap_or(usize::MAX)
        };
        errors.sort_by_key(order);
        Err(errors)
    }

    /// The ids to send under: the previous attempt's when nothing changed, so the endpoint
    /// can tell a retry from a new request; otherwise fresh ones from `new_id`. An envelope
    /// sealed to a key that `seal_key_id` no longer names is never resent: the request is
    /// sealed again under fresh ids.
    pub fn attempt(
        &mut self,
        landlord: &str,
        area_ids: &[String],
        seal_key_id: Option<&str>,
        mut new_id: impl FnMut() -> String,
    ) -> Result<Attempt, Vec<FieldError>> {
        if let Some(previous) = &self.sending {
            let same_answers = self
                .to_request(landlord, area_ids, &previous.request_id)
                .as_ref()
                == Ok(&previous.request);
            let same_key = previous
                .sealed
                .as_ref()
                .is_none_or(|s| Some(s.key_id.as_str()) == seal_key_id);
            if same_answers && same_key {
                return Ok(previous.clone());
            }
        }
        let request_id = new_id();
        let request = self.to_request(landlord, area_ids, &request_id)?;
        let attempt = Attempt {
            request_id,
            idempotency_key: new_id(),
            request,
            sealed: None,
        };
        self.sending = Some(attempt.clone());
        Ok(attempt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AREAS: [&str; 0] = [];

    fn filled() -> Draft {
        Draft {
            contact_method: Some(ContactMethod::Text),
            contact: "07700 900123".into(),
            safe_days: vec![Day::Monday],
            safe_times: vec![TimeOfDay::Morning],
            if_someone_else_answers: Some(IfSomeoneElseAnswers::HangUp),
            consent: true,
            ..Draft::default()
        }
    }

    fn ids() -> impl FnMut() -> String {
        let mut n = 0;
        move || {
            n += 1;
            format!("00000000-0000-4000-8000-{n:012}")
        }
    }

    fn areas() -> Vec<String> {
        AREAS.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn an_empty_draft_names_every_missing_answer_in_form_order() {
        let errors = Draft::default()
            .to_request(
                "stockport-homes",
                &areas(),
                "00000000-0000-4000-8000-000000000001",
            )
            .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields.first(), Some(&"contact_method"));
        for needed in [
            "contact_method",
            "safe_days",
            "safe_times",
            "if_someone_else_answers",
            "consent",
        ] {
            assert!(
                fields.contains(&needed),
                "no error for {needed}: {fields:?}"
            );
        }
        assert!(
            !fields.contains(&"contact"),
            "ask for the method before the number: {fields:?}"
        );
        let mut sorted = fields.clone();
        sorted.sort_by_key(|f| safe_contact_callback::FIELDS.iter().position(|x| x == f));
        assert_eq!(fields, sorted);
    }

    #[test]
    fn a_filled_draft_becomes_a_valid_request_with_blank_optionals_left_out() {
        let mut draft = filled();
        draft.name_to_ask_for = "   ".into();
        let request = draft
            .to_request(
                "stockport-homes",
                &areas(),
                "00000000-0000-4000-8000-000000000001",
            )
            .unwrap();
        assert_eq!(request.landlord, "stockport-homes");
        assert_eq!(request.name_to_ask_for, None);
        assert!(
            !request.leave_message,
            "no voicemail unless the person says yes"
        );
    }

    #[test]
    fn a_retry_with_the_same_answers_reuses_its_ids_and_a_changed_answer_gets_new_ones() {
        let mut draft = filled();
        let mut next = ids();
        let first = draft
            .attempt("stockport-homes", &areas(), None, &mut next)
            .unwrap();
        let again = draft
            .attempt("stockport-homes", &areas(), None, &mut next)
            .unwrap();
        assert_eq!(first, again);
        draft.safe_days.push(Day::Tuesday);
        let changed = draft
            .attempt("stockport-homes", &areas(), None, &mut next)
            .unwrap();
        assert_ne!(changed.request_id, first.request_id);
        assert_ne!(changed.idempotency_key, first.idempotency_key);
    }

    #[test]
    fn an_envelope_sealed_to_a_key_the_profile_no_longer_has_is_sealed_again_under_new_ids() {
        let mut draft = filled();
        let mut next = ids();
        let first = draft
            .attempt("stockport-homes", &areas(), Some("old-1"), &mut next)
            .unwrap();
        let sealed = Sealed {
            key_id: "old-1".into(),
            envelope: "{}".into(),
        };
        draft.sending.as_mut().unwrap().sealed = Some(sealed);
        let retry = draft
            .attempt("stockport-homes", &areas(), Some("old-1"), &mut next)
            .unwrap();
        assert_eq!(retry.request_id, first.request_id);
        assert!(retry.sealed.is_some(), "a retry resends the same envelope");
        let rotated = draft
            .attempt("stockport-homes", &areas(), Some("new-1"), &mut next)
            .unwrap();
        assert_ne!(rotated.request_id, first.request_id);
        assert_ne!(rotated.idempotency_key, first.idempotency_key);
        assert_eq!(
            rotated.sealed, None,
            "nothing sealed to the old key is kept"
        );
    }
}
