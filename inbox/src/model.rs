//! The JSON the staff API sends and receives (see the staff inbox spec). Nothing here derives
//! Debug: a session carries the CSRF token and the wrapped key, and none of it belongs in a log.

use serde::{Deserialize, Serialize};

#[derive(Clone, Deserialize)]
pub struct Invite {
    pub email: String,
    pub role: String,
    pub landlord: String,
    pub totp_uri: String,
    pub totp_secret: String,
    /// The member's pepper, mixed into the key that wraps their new key.
    pub key_pepper: String,
}

/// The invite token always travels in a POST body, never in a path where logs and proxies
/// keep it.
#[derive(Serialize)]
pub struct InviteLookup<'a> {
    pub token: &'a str,
}

#[derive(Serialize)]
pub struct Accept<'a> {
    pub token: &'a str,
    #[serde(flatten)]
    pub enrolment: &'a Enrolment,
}

#[derive(Serialize)]
pub struct Enrolment {
    pub proof: String,
    pub public_key: String,
    pub wrapped_key: String,
    pub totp_code: String,
}

#[derive(Serialize)]
pub struct SignIn {
    pub email: String,
    pub proof: String,
    /// The key scheme 1 proof, while the server says some members still have scheme-1 keys.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub older_proof: Option<String>,
    pub totp_code: String,
}

/// A scheme-1 key wrapped again under scheme 2, with both proofs.
#[derive(Serialize)]
pub struct Rewrap {
    pub older_proof: String,
    pub proof: String,
    pub wrapped_key: String,
}

#[derive(Deserialize)]
pub struct KeyScheme {
    pub older_keys: bool,
    /// The server offers passkeys: its `staff.base_url` names a domain, not an IP address.
    #[serde(default)]
    pub passkeys: bool,
}

/// A passkey ceremony as the server starts it: its signed state, to send back with the answer,
/// and the WebAuthn options (`PublicKeyCredentialCreationOptionsJSON` or
/// `PublicKeyCredentialRequestOptionsJSON`) for the browser.
#[derive(Deserialize)]
pub struct PasskeyStart {
    pub state: String,
    pub public_key: serde_json::Value,
}

/// Sign in with the passphrase proof and a passkey in place of the code.
#[derive(Serialize)]
pub struct PasskeySignIn {
    pub email: String,
    pub proof: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub older_proof: Option<String>,
    pub state: String,
    /// The browser's `AuthenticationResponseJSON`.
    pub credential: serde_json::Value,
}

/// A new passkey, with the passphrase proof again: a session alone cannot add one.
#[derive(Serialize)]
pub struct PasskeyAdd {
    pub state: String,
    pub name: String,
    pub proof: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub older_proof: Option<String>,
    /// The browser's `RegistrationResponseJSON`.
    pub credential: serde_json::Value,
}

#[derive(Clone, Deserialize)]
pub struct Passkey {
    pub passkey_id: String,
    pub name: String,
    pub created_at: String,
    #[serde(default)]
    pub last_used_at: Option<String>,
}

#[derive(Clone, Deserialize)]
pub struct Passkeys {
    pub passkeys: Vec<Passkey>,
    /// The member's team must sign in with passkeys.
    #[serde(default)]
    pub required: bool,
}

/// The team's settings, as a lead reads and changes them.
#[derive(Clone, Serialize, Deserialize)]
pub struct Settings {
    pub require_passkeys: bool,
}

#[derive(Clone, Deserialize)]
pub struct Grant {
    pub key_id: String,
    pub grant: String,
}

#[derive(Clone, Deserialize)]
pub struct Session {
    pub member_id: String,
    pub email: String,
    pub role: String,
    pub landlord: String,
    pub csrf_token: String,
    pub public_key: String,
    /// Empty, with `key_pepper` and the grants, in a session that may only add a passkey.
    #[serde(default)]
    pub wrapped_key: String,
    /// The member's pepper: with the passphrase, it unwraps `wrapped_key`.
    #[serde(default)]
    pub key_pepper: String,
    /// The key is wrapped under scheme 1 and should be wrapped again.
    #[serde(default)]
    pub rewrap: bool,
    #[serde(default)]
    pub grants: Vec<Grant>,
    pub idle_seconds: u64,
    #[serde(default)]
    pub guidance: Vec<String>,
    /// The landlord's council areas, for the form's own checks on an opened request.
    #[serde(default)]
    pub areas: Vec<String>,
    /// `"totp"` or `"passkey"`: how this session was signed in.
    #[serde(default)]
    pub second_factor: String,
    /// The member's team must sign in with passkeys.
    #[serde(default)]
    pub passkeys_required: bool,
    /// The session may only add a passkey (and sign out) until the member has one.
    #[serde(default)]
    pub must_add_passkey: bool,
}

impl Session {
    pub fn is_lead(&self) -> bool {
        self.role == "lead"
    }
}

#[derive(Clone, Deserialize, PartialEq, Eq)]
pub struct Item {
    pub request_id: String,
    pub status: String,
    pub received_at: String,
    pub expires_at: String,
    #[serde(default)]
    pub status_changed_at: Option<String>,
    #[serde(default)]
    pub outcome: Option<String>,
    #[serde(default)]
    pub key_id: Option<String>,
    #[serde(default)]
    pub sealed: bool,
}

#[derive(Deserialize)]
pub struct Requests {
    pub requests: Vec<Item>,
}

/// An item with its stored envelope, as `GET /staff/api/requests/{id}` answers.
#[derive(Deserialize)]
pub struct ItemWithEnvelope {
    #[serde(flatten)]
    pub item: Item,
    #[serde(default)]
    pub envelope: Option<serde_json::Value>,
}

#[derive(Serialize)]
pub struct Close {
    pub outcome: &'static str,
}

#[derive(Clone, Deserialize)]
pub struct Member {
    pub member_id: String,
    pub email: String,
    pub role: String,
    pub public_key: String,
    #[serde(default)]
    pub granted_key_ids: Vec<String>,
    /// How many passkeys they have added.
    #[serde(default)]
    pub passkeys: u64,
}

#[derive(Clone, Deserialize)]
pub struct PendingInvite {
    pub email: String,
    pub role: String,
    pub expires_at: String,
}

#[derive(Clone, Deserialize)]
pub struct Team {
    pub members: Vec<Member>,
    #[serde(default)]
    pub invites: Vec<PendingInvite>,
    #[serde(default)]
    pub key_ids: Vec<String>,
}

#[derive(Serialize)]
pub struct NewInvite {
    pub email: String,
    pub role: &'static str,
}

#[derive(Deserialize)]
pub struct InviteLink {
    pub invite_url: String,
}

#[derive(Serialize)]
pub struct NewGrant {
    pub key_id: String,
    pub grant: String,
    /// The member's security number as they read it out, so the server can check it against
    /// the key it holds now.
    pub fingerprint: String,
}

#[derive(Clone, Deserialize)]
pub struct Removed {
    #[serde(default)]
    pub rotate_key: bool,
    #[serde(default)]
    pub requests_on_current_keys: u64,
}

#[derive(Clone, Deserialize)]
pub struct AuditEntry {
    pub at: String,
    pub who: String,
    pub action: String,
    #[serde(default)]
    pub request_id: Option<String>,
    #[serde(default)]
    pub subject: Option<String>,
}

#[derive(Deserialize)]
pub struct Audit {
    pub entries: Vec<AuditEntry>,
}

#[derive(Deserialize)]
pub struct ApiError {
    pub error: String,
}

/// The fixed outcomes a request can be closed with: wire name and what staff read.
pub const OUTCOMES: &[(&str, &str)] = &[
    ("spoke_safely", "Spoke safely and agreed support"),
    ("could_not_reach", "Could not reach safely"),
    ("withdrew", "The person withdrew"),
    ("referred_on", "Referred on"),
];

pub fn outcome_label(outcome: &str) -> &str {
    OUTCOMES
        .iter()
        .find(|(wire, _)| *wire == outcome)
        .map_or(outcome, |(_, label)| label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_session_and_an_opened_item() {
        let session: Session = serde_json::from_str(
            r#"{"member_id":"m","email":"a@b.example","role":"lead","landlord":"livin",
                "csrf_token":"t","public_key":"p","wrapped_key":"w","key_pepper":"k",
                "grants":[{"key_id":"livin-1","grant":"g"}],"idle_seconds":900,"guidance":[]}"#,
        )
        .unwrap();
        assert!(session.is_lead());
        assert!(
            !session.rewrap,
            "a key is taken to be on the new scheme unless the server says"
        );
        assert_eq!(session.grants[0].key_id, "livin-1");
        assert!(
            !session.must_add_passkey,
            "a session from a server without passkeys may do everything"
        );
        let opened: ItemWithEnvelope = serde_json::from_str(
            r#"{"request_id":"r","status":"new","received_at":"2026-11-23T23:08:18Z",
                "expires_at":"2027-02-21T23:08:18Z","status_changed_at":null,"outcome":null,
                "key_id":"livin-1","sealed":true,"envelope":{"key_id":"livin-1"}}"#,
        )
        .unwrap();
        assert_eq!(opened.item.key_id.as_deref(), Some("livin-1"));
        assert!(opened.envelope.is_some());
    }

    #[test]
    fn reads_passkey_answers() {
        let scheme: KeyScheme = serde_json::from_str(r#"{"older_keys":false}"#).unwrap();
        assert!(!scheme.passkeys, "an older server offers no passkeys");
        let start: PasskeyStart = serde_json::from_str(
            r#"{"state":"s","public_key":{"challenge":"abc","userVerification":"required"}}"#,
        )
        .unwrap();
        assert_eq!(start.public_key["challenge"], "abc");
        let listed: Passkeys = serde_json::from_str(
            r#"{"passkeys":[{"passkey_id":"p","name":"Work laptop","created_at":"2026-11-23T23:08:18Z","last_used_at":null}],"required":true}"#,
        )
        .unwrap();
        assert!(listed.required);
        assert_eq!(listed.passkeys[0].name, "Work laptop");
        let session: Session = serde_json::from_str(
            r#"{"member_id":"m","email":"a@b.example","role":"officer","landlord":"livin",
                "csrf_token":"t","public_key":"p","wrapped_key":"w","key_pepper":"k",
                "idle_seconds":900,"second_factor":"totp","passkeys_required":true,
                "must_add_passkey":true}"#,
        )
        .unwrap();
        assert!(session.must_add_passkey && session.passkeys_required);
    }

    #[test]
    fn outcomes_read_in_plain_english() {
        assert_eq!(outcome_label("withdrew"), "The person withdrew");
        assert_eq!(outcome_label("something_new"), "something_new");
    }
}
