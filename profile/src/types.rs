use std::collections::BTreeMap;

#[cfg(feature = "serde")]
use serde::{Deserialize, Serialize};

#[cfg(feature = "schema")]
use schemars::JsonSchema;

/// One landlord: who it is, what it commits to, and the support near its homes.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Profile {
    /// Always 1 for this schema.
    pub schema_version: u32,
    /// Short lower-case name used in the embed snippet, for example `livin`.
    pub id: String,
    /// The landlord's name as tenants know it.
    pub name: String,
    /// The label this landlord wants on the launcher, for example a discreet "Support and
    /// safety". The launcher shows before the profile is fetched, so it takes its label from the
    /// snippet's `data-label`: the validator's report tells the landlord to copy this there.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub launcher_label: Option<String>,
    /// Where the quick exit goes once the panel has been opened, unless the snippet's
    /// `data-exit-url` says otherwise. It should be a neutral page that gives nothing away.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub exit_url: Option<String>,
    /// The landlord's domestic abuse policy, linked in full from the summary.
    pub policy: Policy,
    /// What the landlord will do, in plain English, taken from its own policy.
    pub commitments: Vec<Commitment>,
    /// How to reach the landlord itself about domestic abuse.
    pub landlord_contacts: Vec<Service>,
    /// The council areas the landlord's homes are in. With more than one, the person picks theirs.
    pub areas: Vec<Area>,
    /// The languages the panel offers, by code (`en`, `pl`, `ur`, `ar`). Without it, every
    /// language the widget ships in. English is always offered, as the fallback.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub languages: Vec<String>,
    /// The safe call-back request form. Without it (and without an endpoint in the embed
    /// snippet) the panel shows no form.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub callback: Option<CallbackSettings>,
}

/// How the landlord takes safe call-back requests.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct CallbackSettings {
    /// Where requests are posted. The embed snippet's `data-endpoint` overrides it.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub endpoint: Option<String>,
    /// What happens after a request is sent, in the landlord's own words from its policy,
    /// for example when it aims to make contact.
    pub next_steps: String,
    /// `next_steps` in other languages, by language code.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Translations::is_empty")
    )]
    #[cfg_attr(feature = "schema", schemars(with = "BTreeMap<String, String>"))]
    pub next_steps_translations: Translations,
    /// The landlord's privacy notice, linked beside the consent box, once its address is checked.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub privacy_notice: Option<Contact>,
    /// Optional questions this landlord chooses not to ask.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub not_asked: Vec<OptionalQuestion>,
    /// Set to `true` only where the landlord's own policy promises professional interpreters and
    /// never family or friends: the form then says so beside its interpreter question.
    /// Otherwise the form says only that a person can ask for a professional interpreter, since
    /// the stronger promise would be made in the landlord's name.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "std::ops::Not::not")
    )]
    pub professional_interpreters_only: bool,
    /// The landlord's public key. With it the widget seals each request in the browser, so the
    /// endpoint stores only ciphertext and only staff holding the private key can read it.
    /// Without it requests are sent in the clear, which the endpoint refuses unless its config
    /// allows plaintext for this landlord.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub seal: Option<SealKey>,
}

/// A public key that call-back requests are sealed to, made with `safe-contact-staff keygen`.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct SealKey {
    /// Names the key, so staff know which private key opens a request. It must also be listed
    /// in the endpoint's `seal_key_ids` for this landlord.
    #[cfg_attr(feature = "schema", schemars(pattern(r"^[a-z0-9-]{1,64}$")))]
    pub key_id: String,
    /// The 32-byte X25519 public key, in base64url without padding.
    #[cfg_attr(
        feature = "schema",
        schemars(pattern(r"^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$"))
    )]
    pub public_key: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum OptionalQuestion {
    /// "Anything else about safe times"
    SafeTimesNote,
    /// The name to ask for if someone else answers.
    NameToAskFor,
    /// The preferred gender of the officer.
    OfficerGender,
    /// Interpreter, BSL and other access needs.
    AccessNeeds,
}

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Policy {
    pub title: String,
    /// When the policy took effect or was last approved, as the policy states it.
    pub date: String,
    /// When the landlord is due to review the policy, as YYYY-MM-DD. Once it has passed, the
    /// validator warns that the commitments taken from the policy may no longer stand.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub review_date: Option<String>,
    /// The policy's public address, when one is known. Without it the panel names the policy
    /// and says to ask the landlord for a copy.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub link: Option<Contact>,
}

/// One promise from the policy, rewritten in plain English, with the part of the policy it comes from.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Commitment {
    pub text: String,
    /// `text` in other languages, by language code, for example `{"pl": "..."}`. Where a
    /// language has none, the panel shows the English, marked as English.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Translations::is_empty")
    )]
    #[cfg_attr(feature = "schema", schemars(with = "BTreeMap<String, String>"))]
    pub translations: Translations,
    /// Where in the policy it is said, for example "section 9.3".
    pub policy_ref: String,
    /// Our advice about the commitment, which the policy itself does not give, for example that
    /// someone else at the address could see a letter. The panel shows it apart from the
    /// commitment, so the landlord's promise stays in the policy's own words.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub advice: Option<String>,
    /// `advice` in other languages, by language code.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Translations::is_empty")
    )]
    #[cfg_attr(feature = "schema", schemars(with = "BTreeMap<String, String>"))]
    pub advice_translations: Translations,
}

/// A council area with its own police force and local services.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Area {
    pub id: String,
    pub name: String,
    /// The police force people apply to for Clare's Law.
    pub police_force: PoliceForce,
    pub services: Vec<Service>,
}

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct PoliceForce {
    pub name: String,
    /// The force's own Clare's Law page, only when its address has been checked.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub clares_law: Option<Contact>,
}

/// A support service: who it is for and how to reach it.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Service {
    pub name: String,
    /// Who it helps and how, in one or two short sentences.
    pub about: String,
    /// `about` in other languages, by language code. The name stays as the service uses it.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Translations::is_empty")
    )]
    #[cfg_attr(feature = "schema", schemars(with = "BTreeMap<String, String>"))]
    pub translations: Translations,
    pub contacts: Vec<Contact>,
}

/// A phone number, text number, email address, web link, chat or postal address.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Contact {
    pub kind: ContactKind,
    /// The number, address or link exactly as a person would use it.
    pub value: String,
    /// Text shown instead of the value, for links.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub label: Option<String>,
    /// When it is answered, only where a source says so.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub hours: Option<String>,
    /// Where this was read: a document and section, or a web address.
    pub source: String,
    /// The date it was last checked against that source, as YYYY-MM-DD.
    pub checked: String,
    /// The date the source itself gives, if it gives one, as YYYY-MM-DD. A page that was
    /// already old when it was checked may describe a service that has since changed.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub source_date: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum ContactKind {
    Phone,
    Text,
    Email,
    Web,
    Address,
}

/// A short section of advice: a heading, a few blocks, and where its facts come from.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Section {
    pub heading: String,
    pub blocks: Vec<Block>,
    /// The sources behind any number or fact named in the text.
    pub sources: Vec<Source>,
}

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(
    feature = "serde",
    serde(rename_all = "lowercase", deny_unknown_fields)
)]
pub enum Block {
    /// A paragraph.
    Text(String),
    /// Steps to follow in order.
    Steps(Vec<String>),
    /// A list where order does not matter.
    Points(Vec<String>),
    /// Services with their contacts.
    Services(Vec<Service>),
}

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Source {
    pub source: String,
    pub checked: String,
    /// The date the source itself gives, if it gives one, as YYYY-MM-DD.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub source_date: Option<String>,
}

/// Text in other languages, by language code: in JSON an object such as `{"pl": "..."}`.
/// A list rather than a map in memory, since the widget's wasm would otherwise carry a whole
/// B-tree for the two or three entries one text ever has.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(from = "BTreeMap<String, String>", into = "BTreeMap<String, String>")
)]
pub struct Translations(pub Vec<(String, String)>);

impl Translations {
    pub fn get(&self, code: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, text)| text.as_str())
    }

    pub fn contains(&self, code: &str) -> bool {
        self.get(code).is_some()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<BTreeMap<String, String>> for Translations {
    fn from(map: BTreeMap<String, String>) -> Self {
        Translations(map.into_iter().collect())
    }
}

impl From<Translations> for BTreeMap<String, String> {
    fn from(t: Translations) -> Self {
        t.0.into_iter().collect()
    }
}
