#[cfg(feature = "serde")]
use serde::{Deserialize, Serialize};

/// The only schema version this crate reads and writes.
pub const SCHEMA_VERSION: u32 = 1;

/// The longest `Retry-After`, in seconds, that the endpoint may send and the widget will honour.
/// A longer wait is cut to this; the widget tells the person when to try again and keeps their
/// answers on screen until then. Shared so that the two can never disagree.
pub const MAX_RETRY_AFTER_SECS: u64 = 3600;

/// A request for a safe call back, exactly as the widget sends it (schema version 1).
///
/// It holds only what a landlord needs to make contact safely: no address, no date of birth,
/// no account of the abuse.
#[derive(Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct CallbackRequest {
    /// Always [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// A random UUID the widget makes once per request, so the same request can never be
    /// stored twice, even when it is sent again under another idempotency key.
    pub request_id: String,
    /// The landlord's profile id, for example `livin`.
    pub landlord: String,
    /// The council area id, needed only for landlords with several areas.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub area: Option<String>,
    pub contact_method: ContactMethod,
    /// The safe phone number (for call and text) or email address (for email).
    pub contact: String,
    /// At least one day.
    #[cfg_attr(feature = "serde", serde(default))]
    pub safe_days: Vec<Day>,
    /// At least one time of day.
    #[cfg_attr(feature = "serde", serde(default))]
    pub safe_times: Vec<TimeOfDay>,
    /// Anything more about when it is safe, in the person's own words.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub safe_times_note: Option<String>,
    /// Whether a voicemail or message may be left. A message someone else hears or reads can
    /// put the person at risk, so the default is no.
    #[cfg_attr(feature = "serde", serde(default))]
    pub leave_message: bool,
    pub if_someone_else_answers: IfSomeoneElseAnswers,
    /// Any name the person chooses, not necessarily their own.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub name_to_ask_for: Option<String>,
    #[cfg_attr(feature = "serde", serde(default))]
    pub officer_gender: OfficerGender,
    /// The language for a professional interpreter (never family or friends).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub interpreter_language: Option<String>,
    /// A British Sign Language interpreter is needed.
    #[cfg_attr(feature = "serde", serde(default))]
    pub bsl: bool,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub other_access_needs: Option<String>,
    /// Must be true: the person agrees that the landlord may use these details to contact them.
    pub consent: bool,
}

/// Every field, in the order the form shows them, so error summaries follow the page. The
/// first [`PAGE_SET_FIELDS`] are set by the page, not answered by the person.
pub const FIELDS: &[&str] = &[
    "schema_version",
    "request_id",
    "landlord",
    "area",
    "contact_method",
    "contact",
    "safe_days",
    "safe_times",
    "safe_times_note",
    "leave_message",
    "if_someone_else_answers",
    "name_to_ask_for",
    "officer_gender",
    "interpreter_language",
    "bsl",
    "other_access_needs",
    "consent",
];

/// How many of [`FIELDS`], from the start, the page sets itself.
pub const PAGE_SET_FIELDS: usize = 3;

/// The fields the person answers: an error about any other is not theirs to fix.
pub fn answered_fields() -> &'static [&'static str] {
    &FIELDS[PAGE_SET_FIELDS..]
}

impl CallbackRequest {
    /// A valid request for Livin's Darlington area, as the form sends it: one fixture for
    /// tests and benchmarks across the crates. Its `request_id` is fixed; change it where
    /// requests must differ.
    pub fn example() -> CallbackRequest {
        CallbackRequest {
            schema_version: SCHEMA_VERSION,
            request_id: "3f2b8c1e-9d4a-4e6b-8f0a-2c5d7e9b1a34".into(),
            landlord: "livin".into(),
            area: Some("darlington".into()),
            contact_method: ContactMethod::Call,
            contact: "07700 900123".into(),
            safe_days: vec![Day::Monday, Day::Wednesday],
            safe_times: vec![TimeOfDay::Morning],
            safe_times_note: Some("not after 3pm".into()),
            leave_message: false,
            if_someone_else_answers: IfSomeoneElseAnswers::RoutineSurvey,
            name_to_ask_for: None,
            officer_gender: OfficerGender::Woman,
            interpreter_language: None,
            bsl: false,
            other_access_needs: None,
            consent: true,
        }
    }
}

// A derived Debug would print the phone number or name into any log line that formats a
// request by accident; this one shows only what is safe to see.
impl std::fmt::Debug for CallbackRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallbackRequest")
            .field("schema_version", &self.schema_version)
            .field("landlord", &self.landlord)
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum ContactMethod {
    Call,
    Text,
    Email,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Day {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

/// Broad times of day; the person can say more in `safe_times_note`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum TimeOfDay {
    Morning,
    Afternoon,
    Evening,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum IfSomeoneElseAnswers {
    /// End the call without saying who is calling.
    HangUp,
    /// Say it is a routine survey call, with no organisation name.
    RoutineSurvey,
    /// Ask for the person by the name in `name_to_ask_for`.
    AskForName,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum OfficerGender {
    #[default]
    NoPreference,
    Woman,
    Man,
}

/// One problem with one field, in words the person can act on.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
pub struct FieldError {
    /// The field's name in the JSON, which is also the form input it belongs to.
    pub field: String,
    /// In English, as the endpoint answers.
    pub message: String,
    /// The widget's catalogue key for the message in other languages, where `{max}` stands
    /// for the field's length limit. Empty for an error read from an endpoint's answer, which
    /// is shown as written.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub key: &'static str,
}

/// The same problem whichever language it is told in.
impl PartialEq for FieldError {
    fn eq(&self, other: &Self) -> bool {
        self.field == other.field && self.message == other.message
    }
}

impl Eq for FieldError {}

impl FieldError {
    #[cfg(feature = "serde")]
    pub(crate) fn new(field: &str, message: impl Into<String>) -> Self {
        Self::keyed(field, "", message)
    }

    pub(crate) fn keyed(field: &str, key: &'static str, message: impl Into<String>) -> Self {
        FieldError {
            field: field.to_owned(),
            message: message.into(),
            key,
        }
    }
}
