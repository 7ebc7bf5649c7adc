//! The key chain, run on the device: passphrase → own key → grants → the landlord's private
//! keys. The landlord keys live only in [`Keys`], which the app holds in memory and drops on
//! sign-out or time-out; nothing here is ever written to storage or sent anywhere.

use std::collections::BTreeMap;

use safe_contact_callback::{normalise_request_id, CallbackRequest, FieldError};
use safe_contact_seal::rand_core::CryptoRng;
use safe_contact_seal::Envelope;
use safe_contact_staff_keys::fingerprint::{self, Fingerprint};
use safe_contact_staff_keys::passphrase::{Derived, Older, WrapKey};
use safe_contact_staff_keys::pepper::MemberPepper;
use safe_contact_staff_keys::{grant, member_key, passphrase};
use zeroize::Zeroizing;

use crate::model::{Enrolment, Session};

/// The landlord's private keys this member can use, by key id. Not Clone and not Debug, so the
/// keys are never copied about or printed.
pub struct Keys {
    by_id: BTreeMap<String, Zeroizing<String>>,
    /// The security number of the member's own key, worked out from the key their passphrase
    /// opened, for them to read out to a lead.
    own_number: Fingerprint,
}

impl Keys {
    pub fn own_number(&self) -> Fingerprint {
        self.own_number
    }

    pub fn has(&self, key_id: &str) -> bool {
        self.by_id.contains_key(key_id)
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// Each landlord key held, with its security number, for a lead to check against the
    /// number keygen printed and the one for the profile's seal key.
    pub fn numbers(&self) -> Vec<(String, Fingerprint)> {
        self.by_id
            .iter()
            .filter_map(|(key_id, private)| {
                let public = safe_contact_seal::public_key_for(private).ok()?;
                Some((
                    key_id.clone(),
                    fingerprint::landlord_key(key_id, &public).ok()?,
                ))
            })
            .collect()
    }
}

/// Why this browser seals no grant for a member.
#[derive(Debug, PartialEq, Eq)]
pub enum GrantProblem {
    /// The number the member read out is not the number of the key the server handed over, so
    /// the key may be someone else's.
    NotTheirKey,
    /// This member holds no landlord key with that id.
    NoKey,
    /// The key could not be sealed to theirs (an id the grant cannot carry, for one).
    CannotSeal,
}

/// Why an opened item's request cannot be shown.
#[derive(Debug, PartialEq, Eq)]
pub enum OpenProblem {
    /// The member holds no key for this key id (or the item names none).
    NoKey(String),
    /// The envelope did not open or did not hold a request.
    Damaged,
    /// The envelope, or the request inside it, names another request or landlord than the one
    /// opened from the list: someone may have put another request in its place.
    NotThisRequest,
    /// The request was stored as plain JSON by the older, unsealed route, so the API sends no
    /// envelope; the command-line tool reads those.
    NotSealed,
}

/// Argon2id takes seconds on purpose; the caller shows a message first. `base_url` is the
/// inbox's own origin.
pub fn derive(passphrase: &str, email: &str, base_url: &str) -> Result<Derived, String> {
    passphrase::derive(passphrase, email, base_url).map_err(|e| e.to_string())
}

/// Key scheme 1, for members enrolled before the pepper; as slow as [`derive`].
pub fn derive_older(passphrase: &str, email: &str) -> Result<Older, String> {
    passphrase::derive_older(passphrase, email).map_err(|e| e.to_string())
}

/// The member's pepper as the server sent it.
pub fn member_pepper(b64: &str) -> Result<MemberPepper, String> {
    MemberPepper::from_b64(b64).map_err(|_| {
        "The server's answer could not be read. Reload the page and try again.".to_owned()
    })
}

/// What enrolment posts: the proof, a new key pair whose private half leaves the device only
/// wrapped under the passphrase and the member's pepper, and the TOTP code.
pub fn enrolment(
    derived: &Derived,
    pepper: &MemberPepper,
    email: &str,
    totp_code: &str,
    rng: &mut impl CryptoRng,
) -> Enrolment {
    let (private_key, public_key) = safe_contact_seal::generate_keypair(rng);
    let private_key = Zeroizing::new(private_key);
    Enrolment {
        proof: derived.proof.clone(),
        public_key,
        wrapped_key: member_key::wrap(&derived.wrap_key(pepper), &private_key, email, rng),
        totp_code: totp_code.to_owned(),
    }
}

/// The member's own key, wrapped under scheme 1 in `session`, wrapped again with `wrap_key`
/// (scheme 2), if the scheme-1 wrap key opens it.
pub fn rewrap(
    older: &WrapKey,
    wrap_key: &WrapKey,
    session: &Session,
    rng: &mut impl CryptoRng,
) -> Option<String> {
    let own = member_key::unwrap(older, &session.wrapped_key, &session.email).ok()?;
    Some(member_key::wrap(wrap_key, &own, &session.email, rng))
}

/// Why the member's own key gives them no landlord keys.
#[derive(Debug, PartialEq, Eq)]
pub enum UnlockProblem {
    /// The passphrase does not open the wrapped key.
    CannotUnwrap,
    /// The passphrase opens a key, but the public key the server holds for the member is
    /// another: a lead checking their number would be shown that other key's, and grants sealed
    /// to it are for whoever holds it.
    NotTheirKey,
}

impl std::fmt::Display for UnlockProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            UnlockProblem::CannotUnwrap => "Your key could not be unlocked with this passphrase. Ask a lead to check your account.",
            UnlockProblem::NotTheirKey => "The key the server has for you is not the one your passphrase opens. Do not use the inbox; tell whoever runs it.",
        })
    }
}

/// The security number of the member's own private key, if the public key the server holds for
/// them is that key's: the server could have put another there.
pub fn own_key_number(own: &str, session: &Session) -> Result<Fingerprint, UnlockProblem> {
    let public = safe_contact_seal::public_key_for(own).map_err(|_| UnlockProblem::CannotUnwrap)?;
    if public != session.public_key {
        return Err(UnlockProblem::NotTheirKey);
    }
    fingerprint::member(&session.landlord, &session.email, &public)
        .map_err(|_| UnlockProblem::CannotUnwrap)
}

/// Unwraps the member's own key and, once it is the key the server holds for them, opens every
/// grant with it. A grant that does not open is left out: the member then lacks that key,
/// which the inbox tells them plainly.
pub fn unlock(wrap_key: &WrapKey, session: &Session) -> Result<Keys, UnlockProblem> {
    let own = member_key::unwrap(wrap_key, &session.wrapped_key, &session.email)
        .map_err(|_| UnlockProblem::CannotUnwrap)?;
    let own_number = own_key_number(&own, session)?;
    let by_id = session
        .grants
        .iter()
        .filter_map(|g| {
            grant::open_grant(&g.grant, &own, &session.landlord, &g.key_id, &session.email)
                .ok()
                .map(|key| (g.key_id.clone(), key))
        })
        .collect();
    Ok(Keys { by_id, own_number })
}

/// The request staff chose from the list: whatever is opened must say it is this one.
pub struct Expected<'a> {
    pub request_id: &'a str,
    pub landlord: &'a str,
    /// The landlord's council areas, for the form's own checks.
    pub areas: &'a [String],
}

/// A request opened on this device, with what the form's own checks found wrong with it. Its
/// Debug is the request's, which shows nothing the person typed.
#[derive(Debug)]
pub struct Checked {
    pub request: CallbackRequest,
    /// Every check the form would have refused it for. The server cannot read a sealed
    /// request, and anyone with the landlord's public key can seal anything, so this is the
    /// first check of what it says.
    pub fails_checks: Vec<FieldError>,
}

/// Opens a stored envelope with the landlord key its key id names, for the request `expected`
/// names only, and runs the form's checks on what it holds.
pub fn open_request(
    keys: &Keys,
    envelope: &serde_json::Value,
    expected: &Expected,
) -> Result<Checked, OpenProblem> {
    let envelope =
        Envelope::parse(envelope.to_string().as_bytes()).map_err(|_| OpenProblem::Damaged)?;
    // The seal binds the envelope's own request id and landlord, so those must be the ones
    // opened; the request inside must say the same, as the form writes it.
    if envelope.request_id != expected.request_id || envelope.landlord != expected.landlord {
        return Err(OpenProblem::NotThisRequest);
    }
    let key = keys
        .by_id
        .get(&envelope.key_id)
        .ok_or_else(|| OpenProblem::NoKey(envelope.key_id.clone()))?;
    let json = Zeroizing::new(
        safe_contact_seal::open(
            &envelope,
            key,
            expected.landlord,
            safe_contact_callback::SCHEMA_VERSION,
        )
        .map_err(|_| OpenProblem::Damaged)?,
    );
    let request: CallbackRequest =
        serde_json::from_slice(&json).map_err(|_| OpenProblem::Damaged)?;
    if normalise_request_id(&request.request_id).as_deref() != Some(expected.request_id)
        || request.landlord != expected.landlord
    {
        return Err(OpenProblem::NotThisRequest);
    }
    let fails_checks = request.validate(expected.areas).err().unwrap_or_default();
    Ok(Checked {
        request,
        fails_checks,
    })
}

/// The security number of a member's key: shown to the member when they make it, and worked
/// out here again from the key the server hands a lead.
pub fn member_number(landlord: &str, email: &str, public_key: &str) -> Option<Fingerprint> {
    fingerprint::member(landlord, email, public_key).ok()
}

/// A grant of one landlord key this member holds, sealed to another member's public key, only
/// if `confirmed`, the number the member read out, is that key's number: the server that
/// handed over the key is not trusted to say whose it is.
pub fn grant_for(
    keys: &Keys,
    key_id: &str,
    landlord: &str,
    member_email: &str,
    member_public_key: &str,
    confirmed: Fingerprint,
    rng: &mut impl CryptoRng,
) -> Result<String, GrantProblem> {
    if member_number(landlord, member_email, member_public_key) != Some(confirmed) {
        return Err(GrantProblem::NotTheirKey);
    }
    let key = keys.by_id.get(key_id).ok_or(GrantProblem::NoKey)?;
    grant::seal_grant(key, landlord, key_id, member_email, member_public_key, rng)
        .map_err(|_| GrantProblem::CannotSeal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Grant;
    use safe_contact_seal::rand_core::UnwrapErr;
    use safe_contact_seal::PublicKeyInfo;
    use safe_contact_staff_keys::passphrase::{derive_older_with, derive_with, Params};
    use safe_contact_staff_keys::pepper::Pepper;

    const REQUEST_ID: &str = "3f2b8c1e-9d4a-4e6b-8f0a-2c5d7e9b1a34";

    fn rng() -> UnwrapErr<getrandom::SysRng> {
        UnwrapErr(getrandom::SysRng)
    }

    const HERE: &str = "https://inbox.livin.example";

    fn pepper() -> MemberPepper {
        Pepper::new([7; 32]).member("lead@livin.example")
    }

    /// A member enrolled before the pepper: the browser unwraps their key with the scheme-1
    /// wrap key, wraps it again with the scheme-2 one, and that opens it from then on.
    #[test]
    fn an_older_key_is_wrapped_again_under_the_new_scheme() {
        let params = Params {
            m_kib: 64,
            t: 1,
            p: 1,
        };
        let email = "lead@livin.example";
        let (private, public) = safe_contact_seal::generate_keypair(&mut rng());
        let older = derive_older_with(&params, "correct horse battery", email).unwrap();
        let wrapped = member_key::wrap(&older.wrap_key, &private, email, &mut rng());
        let derived = derive_with(&params, "correct horse battery", email, HERE).unwrap();
        let new_key = derived.wrap_key(&pepper());
        let before = session(&public, wrapped, Vec::new());
        assert!(unlock(&new_key, &before).is_err());
        let again = rewrap(&older.wrap_key, &new_key, &before, &mut rng()).unwrap();
        assert!(unlock(&new_key, &session(&public, again.clone(), Vec::new())).is_ok());
        assert!(unlock(&older.wrap_key, &session(&public, again, Vec::new())).is_err());
        let wrong = derive_older_with(&params, "wrong horse battery", email).unwrap();
        assert!(rewrap(&wrong.wrap_key, &new_key, &before, &mut rng()).is_none());
    }

    fn session(public_key: &str, wrapped_key: String, grants: Vec<Grant>) -> Session {
        Session {
            member_id: "m".to_owned(),
            email: "lead@livin.example".to_owned(),
            role: "lead".to_owned(),
            landlord: "livin".to_owned(),
            csrf_token: "t".to_owned(),
            public_key: public_key.to_owned(),
            wrapped_key,
            key_pepper: String::new(),
            rewrap: false,
            grants,
            idle_seconds: 900,
            guidance: Vec::new(),
            areas: areas(),
            second_factor: "totp".to_owned(),
            passkeys_required: false,
            must_add_passkey: false,
        }
    }

    const OTHER_ID: &str = "9a1c4e7f-2b3d-4f5a-8c6e-0d1f2a3b4c5d";

    fn areas() -> Vec<String> {
        ["darlington", "hartlepool"].map(str::to_owned).to_vec()
    }

    fn livin(request_id: &str) -> Expected<'_> {
        static AREAS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
        Expected {
            request_id,
            landlord: "livin",
            areas: AREAS.get_or_init(areas),
        }
    }

    /// A request as the form writes it, with `request_id` and `landlord` inside, and `change`
    /// made to it.
    fn request_json(request_id: &str, landlord: &str, change: &[(&str, &str)]) -> String {
        let mut json = serde_json::json!({
            "schema_version": 1, "request_id": request_id, "landlord": landlord,
            "area": "darlington", "contact_method": "call", "contact": "07700900123",
            "safe_days": ["monday"], "safe_times": ["morning"], "leave_message": false,
            "if_someone_else_answers": "hang_up", "consent": true,
        });
        for (field, value) in change {
            json[*field] = serde_json::json!(value);
        }
        json.to_string()
    }

    /// `json` sealed as anyone holding the landlord's public key can: to `landlord` and
    /// `request_id` (the HPKE info and associated data), whatever the request inside says.
    fn seal_as(
        public_key: &str,
        key_id: &str,
        json: &str,
        landlord: &str,
        request_id: &str,
    ) -> serde_json::Value {
        let key = PublicKeyInfo {
            key_id,
            public_key_b64: public_key,
        };
        let sealed =
            safe_contact_seal::seal(json.as_bytes(), landlord, 1, request_id, &key, &mut rng())
                .unwrap();
        serde_json::from_str(&sealed.to_json()).unwrap()
    }

    fn envelope(public_key: &str, key_id: &str) -> serde_json::Value {
        let json = request_json(REQUEST_ID, "livin", &[]);
        seal_as(public_key, key_id, &json, "livin", REQUEST_ID)
    }

    fn keys_for(landlord_private: &str, key_id: &str) -> Keys {
        Keys {
            by_id: [(
                key_id.to_owned(),
                Zeroizing::new(landlord_private.to_owned()),
            )]
            .into(),
            own_number: Fingerprint::parse(&"0".repeat(24)).unwrap(),
        }
    }

    #[test]
    fn a_request_sealed_for_another_request_or_landlord_is_refused() {
        let (private, public) = safe_contact_seal::generate_keypair(&mut rng());
        let keys = keys_for(&private, "livin-1");
        let open = |envelope: &serde_json::Value, id| open_request(&keys, envelope, &livin(id));
        let real = envelope(&public, "livin-1");
        assert!(open(&real, REQUEST_ID).unwrap().fails_checks.is_empty());

        // The server hands over another request's envelope for the one opened.
        assert_eq!(
            open(&real, OTHER_ID).unwrap_err(),
            OpenProblem::NotThisRequest
        );
        // Its sealed part moved into the other request's row: the seal no longer opens.
        let mut moved = real.clone();
        moved["request_id"] = OTHER_ID.into();
        assert_eq!(open(&moved, OTHER_ID).unwrap_err(), OpenProblem::Damaged);
        // Sealed to this request and landlord, as anyone with the public key can, but saying
        // inside that it is another request, or another landlord's.
        for json in [
            request_json(OTHER_ID, "livin", &[]),
            request_json(&REQUEST_ID.to_uppercase().replace('3', "4"), "livin", &[]),
            request_json(REQUEST_ID, "stoke-on-trent", &[]),
        ] {
            let forged = seal_as(&public, "livin-1", &json, "livin", REQUEST_ID);
            assert_eq!(
                open(&forged, REQUEST_ID).unwrap_err(),
                OpenProblem::NotThisRequest,
                "{json}"
            );
        }
        // The form may write the id in capitals; it is still this request.
        let capitals = request_json(&REQUEST_ID.to_uppercase(), "livin", &[]);
        let sealed = seal_as(&public, "livin-1", &capitals, "livin", REQUEST_ID);
        assert!(open(&sealed, REQUEST_ID).is_ok());
        // Sealed to another landlord altogether.
        let theirs = request_json(REQUEST_ID, "stoke-on-trent", &[]);
        let theirs = seal_as(&public, "livin-1", &theirs, "stoke-on-trent", REQUEST_ID);
        assert_eq!(
            open(&theirs, REQUEST_ID).unwrap_err(),
            OpenProblem::NotThisRequest
        );
    }

    #[test]
    fn a_request_the_form_would_refuse_opens_flagged() {
        let (private, public) = safe_contact_seal::generate_keypair(&mut rng());
        let keys = keys_for(&private, "livin-1");
        let json = request_json(
            REQUEST_ID,
            "livin",
            &[
                ("contact", "call https://example.org now"),
                ("area", "narnia"),
            ],
        );
        let sealed = seal_as(&public, "livin-1", &json, "livin", REQUEST_ID);
        let checked = open_request(&keys, &sealed, &livin(REQUEST_ID)).unwrap();
        assert_eq!(checked.request.contact, "call https://example.org now");
        let fields: Vec<&str> = checked
            .fails_checks
            .iter()
            .map(|e| e.field.as_str())
            .collect();
        assert_eq!(fields, ["area", "contact"]);
    }

    #[test]
    fn passphrase_opens_own_key_grants_and_requests() {
        // Cheap Argon2 parameters: the chain is what is tested here, not the cost.
        let params = Params {
            m_kib: 64,
            t: 1,
            p: 1,
        };
        let email = "lead@livin.example";
        let derived = derive_with(&params, "correct horse battery", email, HERE).unwrap();
        let body = enrolment(&derived, &pepper(), email, "123456", &mut rng());
        let (landlord_private, landlord_public) = safe_contact_seal::generate_keypair(&mut rng());
        let first = grant::seal_grant(
            &landlord_private,
            "livin",
            "livin-1",
            email,
            &body.public_key,
            &mut rng(),
        )
        .unwrap();
        let grants = vec![
            Grant {
                key_id: "livin-1".to_owned(),
                grant: first,
            },
            Grant {
                key_id: "livin-0".to_owned(),
                grant: "not a grant".to_owned(),
            },
        ];
        let keys = unlock(
            &derived.wrap_key(&pepper()),
            &session(&body.public_key, body.wrapped_key.clone(), grants),
        )
        .unwrap();
        assert_eq!(
            Some(keys.own_number()),
            member_number("livin", email, &body.public_key)
        );
        assert!(keys.has("livin-1"));
        assert!(!keys.has("livin-0"));

        let opened = open_request(
            &keys,
            &envelope(&landlord_public, "livin-1"),
            &livin(REQUEST_ID),
        )
        .unwrap();
        assert_eq!(opened.request.contact, "07700900123");
        assert!(opened.fails_checks.is_empty());
        assert_eq!(
            open_request(
                &keys,
                &envelope(&landlord_public, "livin-2"),
                &livin(REQUEST_ID)
            )
            .unwrap_err(),
            OpenProblem::NoKey("livin-2".to_owned())
        );

        // A lead passes the key on, once the number the officer reads out is their key's, and
        // the officer's own key opens it.
        let (officer_private, officer_public) = safe_contact_seal::generate_keypair(&mut rng());
        let (_, someone_else) = safe_contact_seal::generate_keypair(&mut rng());
        let read_out = member_number("livin", "officer@livin.example", &officer_public).unwrap();
        let give = |public: &str, key_id: &str| {
            grant_for(
                &keys,
                key_id,
                "livin",
                "officer@livin.example",
                public,
                read_out,
                &mut rng(),
            )
        };
        assert_eq!(
            give(&someone_else, "livin-1").unwrap_err(),
            GrantProblem::NotTheirKey
        );
        assert_eq!(
            give(&officer_public, "livin-0").unwrap_err(),
            GrantProblem::NoKey
        );
        let passed = give(&officer_public, "livin-1").unwrap();
        let opened = grant::open_grant(
            &passed,
            &officer_private,
            "livin",
            "livin-1",
            "officer@livin.example",
        )
        .unwrap();
        assert_eq!(*opened, landlord_private);
        assert_eq!(
            keys.numbers(),
            [(
                "livin-1".to_owned(),
                fingerprint::landlord_key("livin-1", &landlord_public).unwrap()
            )]
        );

        let wrong = derive_with(&params, "wrong horse battery", email, HERE).unwrap();
        assert_eq!(
            unlock(
                &wrong.wrap_key(&pepper()),
                &session(&body.public_key, body.wrapped_key, Vec::new())
            )
            .err(),
            Some(UnlockProblem::CannotUnwrap)
        );
    }

    /// Someone who can write to the database puts their own public key in the member's row, so
    /// that a lead seals grants to it: the member's passphrase still opens the member's own
    /// wrapped key, and that key is not the one the server holds.
    #[test]
    fn a_public_key_that_is_not_the_members_own_is_refused_before_any_grant() {
        let params = Params {
            m_kib: 64,
            t: 1,
            p: 1,
        };
        let email = "lead@livin.example";
        let derived = derive_with(&params, "correct horse battery", email, HERE).unwrap();
        let body = enrolment(&derived, &pepper(), email, "123456", &mut rng());
        let (_, swapped) = safe_contact_seal::generate_keypair(&mut rng());
        let (landlord_private, _) = safe_contact_seal::generate_keypair(&mut rng());
        let to_swapped = grant::seal_grant(
            &landlord_private,
            "livin",
            "livin-1",
            email,
            &swapped,
            &mut rng(),
        )
        .unwrap();
        let grants = vec![Grant {
            key_id: "livin-1".to_owned(),
            grant: to_swapped,
        }];
        let refused = unlock(
            &derived.wrap_key(&pepper()),
            &session(&swapped, body.wrapped_key.clone(), grants),
        );
        assert_eq!(refused.err(), Some(UnlockProblem::NotTheirKey));
        assert!(unlock(
            &derived.wrap_key(&pepper()),
            &session(&body.public_key, body.wrapped_key, Vec::new())
        )
        .is_ok());
    }
}
