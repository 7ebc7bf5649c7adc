//! The server's pepper: 32 bytes from the environment, never in the database or a backup of it.
//! Its keys come from it, each under its own HKDF label, so one secret is all an operator
//! keeps:
//!
//! - each member's pepper ([`Pepper::member`]), which the browser mixes into the key that
//!   unwraps the member's own key. The server hands it over only after the proof and the code
//!   are right (and to the invited browser at enrolment), so a copy of the database holds
//!   nothing to test a passphrase guess against. It is per member, so one member's pepper,
//!   caught from one answer, is no use against another member's wrapped key;
//! - the secret of the server's Argon2 hash of the sign-in proof ([`Pepper::proof_secret`]),
//!   so the stored proof hashes cannot test a guess either;
//! - the key that seals TOTP secrets at rest ([`TotpKey`]), with the email as associated data;
//! - the key each stored passkey is bound to its member with ([`PasskeyBindingKey`]). A passkey
//!   row is a public key, nothing secret, so without this anyone who could write to the
//!   database could put a key of their own on any member's account;
//! - the keys each stored invite ([`InviteBindingKey`]) and session ([`SessionBindingKey`]) is
//!   bound with. Their tokens are stored only as hashes, so without these anyone who could
//!   write to the database could make up a row for a token of their own: an invite that hands
//!   out an email's pepper and sealed authenticator secret, or a session as any member.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, KeyInit, Nonce};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use safe_contact_seal::rand_core::CryptoRng;
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::passphrase::normalise_email;
use crate::{decode_exact, Error, KEY_LEN};

pub const MEMBER_INFO: &[u8] = b"safe-contact/staff-member-pepper/v1";
pub const PROOF_SECRET_INFO: &[u8] = b"safe-contact/staff-proof-hash-secret/v1";
pub const TOTP_KEY_INFO: &[u8] = b"safe-contact/staff-totp-key/v1";
pub const PASSKEY_STATE_INFO: &[u8] = b"safe-contact/staff-passkey-state/v1";
pub const PASSKEY_BINDING_INFO: &[u8] = b"safe-contact/staff-passkey-binding/v1";
pub const INVITE_BINDING_INFO: &[u8] = b"safe-contact/staff-invite-binding/v1";
pub const SESSION_BINDING_INFO: &[u8] = b"safe-contact/staff-session-binding/v1";
pub const TOTP_AAD_LABEL: &[u8] = b"safe-contact/staff-totp/v1";
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;

/// The deployment's pepper. Its `Debug` shows nothing of it.
#[derive(Clone)]
pub struct Pepper(Zeroizing<[u8; KEY_LEN]>);

impl std::fmt::Debug for Pepper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pepper(…)")
    }
}

/// One member's pepper, as it travels to their browser. No `Debug`: it is a secret.
pub struct MemberPepper(pub(crate) Zeroizing<[u8; KEY_LEN]>);

/// The key TOTP secrets are sealed under at rest. No `Debug`.
pub struct TotpKey(Zeroizing<[u8; KEY_LEN]>);

/// The key a stored passkey is bound to its member with. No `Debug`.
pub struct PasskeyBindingKey(Zeroizing<[u8; KEY_LEN]>);

/// The key a stored invite is bound with. No `Debug`.
pub struct InviteBindingKey(Zeroizing<[u8; KEY_LEN]>);

/// The key a stored session is bound with. No `Debug`.
pub struct SessionBindingKey(Zeroizing<[u8; KEY_LEN]>);

/// How long a passkey binding is: an HMAC-SHA256 tag.
pub const PASSKEY_BINDING_LEN: usize = 32;

/// How long an invite's or a session's binding is: an HMAC-SHA256 tag.
pub const ROW_BINDING_LEN: usize = 32;

/// HMAC-SHA256 over the parts, each with its length first, so no two different rows read the
/// same.
fn length_prefixed_mac(key: &[u8; KEY_LEN], parts: &[&[u8]]) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes any key");
    for part in parts {
        mac.update(&(part.len() as u64).to_be_bytes());
        mac.update(part);
    }
    mac
}

impl Pepper {
    pub fn new(bytes: [u8; KEY_LEN]) -> Pepper {
        Pepper(Zeroizing::new(bytes))
    }

    fn expand(&self, info: &[u8]) -> Zeroizing<[u8; KEY_LEN]> {
        let mut out = Zeroizing::new([0u8; KEY_LEN]);
        // 32 bytes is far below HKDF-SHA256's limit of 8160, so this cannot fail.
        let _ = Hkdf::<Sha256>::new(None, &self.0[..]).expand(info, &mut *out);
        out
    }

    /// The pepper for the member with this email, whatever case or spaces it was typed with.
    pub fn member(&self, email: &str) -> MemberPepper {
        let mut info = MEMBER_INFO.to_vec();
        info.push(0);
        info.extend_from_slice(normalise_email(email).as_bytes());
        MemberPepper(self.expand(&info))
    }

    /// Argon2's secret input for the server's hash of a sign-in proof.
    pub fn proof_secret(&self) -> Zeroizing<[u8; KEY_LEN]> {
        self.expand(PROOF_SECRET_INFO)
    }

    pub fn totp_key(&self) -> TotpKey {
        TotpKey(self.expand(TOTP_KEY_INFO))
    }

    /// The key a passkey ceremony's state is signed with while the browser holds it between
    /// start and finish: the same on every instance, so either may finish what the other began.
    pub fn passkey_state_key(&self) -> Zeroizing<[u8; KEY_LEN]> {
        self.expand(PASSKEY_STATE_INFO)
    }

    pub fn passkey_binding_key(&self) -> PasskeyBindingKey {
        PasskeyBindingKey(self.expand(PASSKEY_BINDING_INFO))
    }

    pub fn invite_binding_key(&self) -> InviteBindingKey {
        InviteBindingKey(self.expand(INVITE_BINDING_INFO))
    }

    pub fn session_binding_key(&self) -> SessionBindingKey {
        SessionBindingKey(self.expand(SESSION_BINDING_INFO))
    }
}

/// An invite row as it is stored, everything that makes it the invite it is.
pub struct InviteRow<'a> {
    pub token_sha256: &'a [u8],
    pub landlord: &'a str,
    pub email: &'a str,
    pub role: &'a str,
    pub expires_at: i64,
    /// The authenticator secret as stored, sealed.
    pub totp_sealed: &'a [u8],
    pub created_by: &'a str,
}

impl InviteBindingKey {
    fn mac(&self, row: &InviteRow<'_>) -> Hmac<Sha256> {
        let email = normalise_email(row.email);
        length_prefixed_mac(
            &self.0,
            &[
                row.token_sha256,
                row.landlord.as_bytes(),
                email.as_bytes(),
                row.role.as_bytes(),
                &row.expires_at.to_be_bytes(),
                row.totp_sealed,
                row.created_by.as_bytes(),
            ],
        )
    }

    /// The binding stored with an invite, so a row written or changed by anyone without the
    /// pepper, one with a sealed secret copied from a member among them, does not check out.
    pub fn bind(&self, row: &InviteRow<'_>) -> [u8; ROW_BINDING_LEN] {
        self.mac(row).finalize().into_bytes().into()
    }

    /// Whether `binding` is this invite's, compared in constant time.
    pub fn verify(&self, row: &InviteRow<'_>, binding: &[u8]) -> bool {
        self.mac(row).verify_slice(binding).is_ok()
    }
}

/// A session row as it is stored, all but when it was last used.
pub struct SessionRow<'a> {
    pub token_sha256: &'a [u8],
    pub member_id: &'a str,
    pub csrf: &'a str,
    pub factor: &'a str,
    pub created_at: i64,
}

impl SessionBindingKey {
    fn mac(&self, row: &SessionRow<'_>) -> Hmac<Sha256> {
        length_prefixed_mac(
            &self.0,
            &[
                row.token_sha256,
                row.member_id.as_bytes(),
                row.csrf.as_bytes(),
                row.factor.as_bytes(),
                &row.created_at.to_be_bytes(),
            ],
        )
    }

    /// The binding stored with a session, so a row written or changed by anyone without the
    /// pepper signs no one in.
    pub fn bind(&self, row: &SessionRow<'_>) -> [u8; ROW_BINDING_LEN] {
        self.mac(row).finalize().into_bytes().into()
    }

    /// Whether `binding` is this session's, compared in constant time.
    pub fn verify(&self, row: &SessionRow<'_>, binding: &[u8]) -> bool {
        self.mac(row).verify_slice(binding).is_ok()
    }
}

impl PasskeyBindingKey {
    /// Each part goes in with its length first, so no two different rows read the same.
    fn mac(
        &self,
        member_id: &str,
        email: &str,
        credential_id: &[u8],
        static_state: &[u8],
    ) -> Hmac<Sha256> {
        let email = normalise_email(email);
        length_prefixed_mac(
            &self.0,
            &[
                member_id.as_bytes(),
                email.as_bytes(),
                credential_id,
                static_state,
            ],
        )
    }

    /// The binding stored with a passkey: it ties the passkey's credential id and public key
    /// (`static_state`, as stored) to the member's id and email, so a row written or moved by
    /// anyone without the pepper does not check out.
    pub fn bind(
        &self,
        member_id: &str,
        email: &str,
        credential_id: &[u8],
        static_state: &[u8],
    ) -> [u8; PASSKEY_BINDING_LEN] {
        self.mac(member_id, email, credential_id, static_state)
            .finalize()
            .into_bytes()
            .into()
    }

    /// Whether `binding` is this passkey's for this member, compared in constant time.
    pub fn verify(
        &self,
        member_id: &str,
        email: &str,
        credential_id: &[u8],
        static_state: &[u8],
        binding: &[u8],
    ) -> bool {
        self.mac(member_id, email, credential_id, static_state)
            .verify_slice(binding)
            .is_ok()
    }
}

impl MemberPepper {
    /// As the server sends it: base64url without padding.
    pub fn to_b64(&self) -> String {
        URL_SAFE_NO_PAD.encode(*self.0)
    }

    pub fn from_b64(text: &str) -> Result<MemberPepper, Error> {
        let bytes = decode_exact(text, KEY_LEN).ok_or(Error::BadKey)?;
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        key.copy_from_slice(&bytes);
        Ok(MemberPepper(key))
    }
}

fn totp_aad(email: &str) -> Vec<u8> {
    let mut aad = TOTP_AAD_LABEL.to_vec();
    aad.push(0);
    aad.extend_from_slice(normalise_email(email).as_bytes());
    aad
}

impl TotpKey {
    fn cipher(&self) -> ChaCha20Poly1305 {
        ChaCha20Poly1305::new(&Key::from(*self.0))
    }

    /// A TOTP secret as it is stored: nonce (12 bytes) ‖ ciphertext and tag, bound to the
    /// email, so a sealed secret moved onto another member's row does not open.
    pub fn seal(&self, secret: &[u8], email: &str, rng: &mut impl CryptoRng) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rng.fill_bytes(&mut nonce);
        let sealed = self
            .cipher()
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: secret,
                    aad: &totp_aad(email),
                },
            )
            // ChaCha20-Poly1305 only refuses messages of 256 GiB and more.
            .unwrap_or_default();
        [&nonce[..], &sealed].concat()
    }

    /// The TOTP secret `stored` holds for `email`, if it opens under this key.
    pub fn open(&self, stored: &[u8], email: &str) -> Result<Zeroizing<Vec<u8>>, Error> {
        if stored.len() < NONCE_LEN + TAG_LEN {
            return Err(Error::CannotOpenTotp);
        }
        let (nonce, sealed) = stored.split_at(NONCE_LEN);
        let nonce = Nonce::try_from(nonce).map_err(|_| Error::CannotOpenTotp)?;
        self.cipher()
            .decrypt(
                &nonce,
                Payload {
                    msg: sealed,
                    aad: &totp_aad(email),
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| Error::CannotOpenTotp)
    }
}

/// How long a sealed TOTP secret of `secret_len` bytes is, so a store can tell one sealed
/// before from one written in plain text by an older version.
pub const fn sealed_totp_len(secret_len: usize) -> usize {
    NONCE_LEN + secret_len + TAG_LEN
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::rng;
    use crate::totp::SECRET_LEN;

    fn pepper() -> Pepper {
        Pepper::new([7; 32])
    }

    /// HKDF-SHA256 with no salt, by hand from HMAC: extract, then one block of expand.
    fn hkdf_by_hand(ikm: &[u8], info: &[u8]) -> [u8; 32] {
        let mut extract = <Hmac<Sha256> as KeyInit>::new_from_slice(&[0u8; 32]).unwrap();
        extract.update(ikm);
        let prk = extract.finalize().into_bytes();
        let mut expand = <Hmac<Sha256> as KeyInit>::new_from_slice(&prk).unwrap();
        expand.update(info);
        expand.update(&[1]);
        expand.finalize().into_bytes().into()
    }

    #[test]
    fn known_answers() {
        let p = pepper();
        let member = hkdf_by_hand(
            &[7; 32],
            b"safe-contact/staff-member-pepper/v1\0sam@livin.org",
        );
        assert_eq!(*p.member(" Sam@Livin.org ").0, member);
        assert_eq!(
            *p.proof_secret(),
            hkdf_by_hand(&[7; 32], b"safe-contact/staff-proof-hash-secret/v1")
        );
        assert_eq!(
            *p.passkey_state_key(),
            hkdf_by_hand(&[7; 32], b"safe-contact/staff-passkey-state/v1")
        );
        assert_eq!(
            *p.totp_key().0,
            hkdf_by_hand(&[7; 32], b"safe-contact/staff-totp-key/v1")
        );
        assert_eq!(
            *p.passkey_binding_key().0,
            hkdf_by_hand(&[7; 32], b"safe-contact/staff-passkey-binding/v1")
        );
        assert_eq!(
            *p.invite_binding_key().0,
            hkdf_by_hand(&[7; 32], b"safe-contact/staff-invite-binding/v1")
        );
        assert_eq!(
            *p.session_binding_key().0,
            hkdf_by_hand(&[7; 32], b"safe-contact/staff-session-binding/v1")
        );
        // Fixed, so the derivation cannot drift unnoticed.
        assert_eq!(
            p.member("sam@livin.org").to_b64(),
            URL_SAFE_NO_PAD.encode(member)
        );
    }

    #[test]
    fn each_member_and_each_deployment_has_its_own_pepper() {
        let p = pepper();
        assert_ne!(*p.member("sam@livin.org").0, *p.member("sal@livin.org").0);
        assert_ne!(
            *p.member("sam@livin.org").0,
            *Pepper::new([8; 32]).member("sam@livin.org").0
        );
        let back = MemberPepper::from_b64(&p.member("sam@livin.org").to_b64()).unwrap();
        assert_eq!(*back.0, *p.member("sam@livin.org").0);
        for bad in ["", "AAAA", "not base64 at all, not at all, not at all!!"] {
            assert!(MemberPepper::from_b64(bad).is_err());
        }
    }

    #[test]
    fn a_sealed_totp_secret_is_not_the_secret_and_opens_only_for_its_email_and_key() {
        let secret = crate::totp::new_secret(&mut rng());
        let key = pepper().totp_key();
        let stored = key.seal(&secret, "sam@livin.org", &mut rng());
        assert_eq!(stored.len(), sealed_totp_len(SECRET_LEN));
        assert!(!stored.windows(SECRET_LEN).any(|w| w == secret));
        assert_eq!(&key.open(&stored, " SAM@livin.org").unwrap()[..], &secret);
        assert_eq!(
            key.open(&stored, "sal@livin.org").unwrap_err(),
            Error::CannotOpenTotp
        );
        assert_eq!(
            Pepper::new([8; 32])
                .totp_key()
                .open(&stored, "sam@livin.org")
                .unwrap_err(),
            Error::CannotOpenTotp
        );
        assert_eq!(
            key.open(&secret, "sam@livin.org").unwrap_err(),
            Error::CannotOpenTotp,
            "a secret stored in plain text is not taken for a sealed one"
        );
    }

    fn invite_row() -> InviteRow<'static> {
        InviteRow {
            token_sha256: &[3; 32],
            landlord: "livin",
            email: "sam@livin.org",
            role: "officer",
            expires_at: 1_900_000_000,
            totp_sealed: b"sealed secret",
            created_by: "lead@livin.org",
        }
    }

    #[test]
    fn an_invite_binding_holds_for_that_row_only() {
        let key = pepper().invite_binding_key();
        let bound = key.bind(&invite_row());
        let mut by_hand =
            <Hmac<Sha256> as KeyInit>::new_from_slice(&*key.0).expect("HMAC takes any key");
        for part in [
            &[3; 32][..],
            b"livin",
            b"sam@livin.org",
            b"officer",
            &1_900_000_000_i64.to_be_bytes(),
            b"sealed secret",
            b"lead@livin.org",
        ] {
            by_hand.update(&(part.len() as u64).to_be_bytes());
            by_hand.update(part);
        }
        assert_eq!(bound[..], by_hand.finalize().into_bytes()[..]);
        let shouted = InviteRow {
            email: " Sam@Livin.org",
            ..invite_row()
        };
        assert!(key.verify(&shouted, &bound));
        for changed in [
            InviteRow {
                token_sha256: &[4; 32],
                ..invite_row()
            },
            InviteRow {
                landlord: "star",
                ..invite_row()
            },
            InviteRow {
                email: "sal@livin.org",
                ..invite_row()
            },
            InviteRow {
                role: "lead",
                ..invite_row()
            },
            InviteRow {
                expires_at: 1_900_000_001,
                ..invite_row()
            },
            InviteRow {
                totp_sealed: b"another secret",
                ..invite_row()
            },
            InviteRow {
                created_by: "cli",
                ..invite_row()
            },
        ] {
            assert!(!key.verify(&changed, &bound));
        }
        assert!(!Pepper::new([8; 32])
            .invite_binding_key()
            .verify(&invite_row(), &bound));
        // Another kind of row's key does not make an invite's binding.
        assert_ne!(
            *pepper().session_binding_key().0,
            *pepper().invite_binding_key().0
        );
        assert!(!key.verify(&invite_row(), &bound[..31]));
        assert!(!key.verify(&invite_row(), &[]));
    }

    fn session_row() -> SessionRow<'static> {
        SessionRow {
            token_sha256: &[5; 32],
            member_id: "0f6c2f0e-8d7a-4c1b-9e2d-3a4b5c6d7e8f",
            csrf: "csrf token",
            factor: "totp",
            created_at: 1_800_000_000,
        }
    }

    #[test]
    fn a_session_binding_holds_for_that_row_only() {
        let key = pepper().session_binding_key();
        let bound = key.bind(&session_row());
        let mut by_hand =
            <Hmac<Sha256> as KeyInit>::new_from_slice(&*key.0).expect("HMAC takes any key");
        for part in [
            &[5; 32][..],
            b"0f6c2f0e-8d7a-4c1b-9e2d-3a4b5c6d7e8f",
            b"csrf token",
            b"totp",
            &1_800_000_000_i64.to_be_bytes(),
        ] {
            by_hand.update(&(part.len() as u64).to_be_bytes());
            by_hand.update(part);
        }
        assert_eq!(bound[..], by_hand.finalize().into_bytes()[..]);
        assert!(key.verify(&session_row(), &bound));
        for changed in [
            SessionRow {
                token_sha256: &[6; 32],
                ..session_row()
            },
            SessionRow {
                member_id: "0f6c2f0e-8d7a-4c1b-9e2d-3a4b5c6d7e80",
                ..session_row()
            },
            SessionRow {
                csrf: "another token",
                ..session_row()
            },
            SessionRow {
                factor: "passkey",
                ..session_row()
            },
            SessionRow {
                created_at: 1_800_000_001,
                ..session_row()
            },
        ] {
            assert!(!key.verify(&changed, &bound));
        }
        assert!(!Pepper::new([8; 32])
            .session_binding_key()
            .verify(&session_row(), &bound));
        assert!(!key.verify(&session_row(), &[]));
    }

    #[test]
    fn a_passkey_binding_holds_for_its_member_email_credential_and_key_only() {
        let key = pepper().passkey_binding_key();
        let id = "0f6c2f0e-8d7a-4c1b-9e2d-3a4b5c6d7e8f";
        let bound = key.bind(id, "sam@livin.org", b"cred", b"public key");
        // HMAC-SHA256 over each part with its length first, by hand.
        let mut by_hand =
            <Hmac<Sha256> as KeyInit>::new_from_slice(&*key.0).expect("HMAC takes any key");
        for part in [id.as_bytes(), b"sam@livin.org", b"cred", b"public key"] {
            by_hand.update(&(part.len() as u64).to_be_bytes());
            by_hand.update(part);
        }
        assert_eq!(bound[..], by_hand.finalize().into_bytes()[..]);
        assert!(key.verify(id, " Sam@Livin.org", b"cred", b"public key", &bound));
        let other_id = "0f6c2f0e-8d7a-4c1b-9e2d-3a4b5c6d7e80";
        for (member, email, cred, public_key) in [
            (other_id, "sam@livin.org", &b"cred"[..], &b"public key"[..]),
            (id, "sal@livin.org", b"cred", b"public key"),
            (id, "sam@livin.org", b"cre", b"dpublic key"),
            (id, "sam@livin.org", b"cred", b"another key"),
        ] {
            assert!(!key.verify(member, email, cred, public_key, &bound));
        }
        assert!(!Pepper::new([8; 32]).passkey_binding_key().verify(
            id,
            "sam@livin.org",
            b"cred",
            b"public key",
            &bound
        ));
        assert!(!key.verify(id, "sam@livin.org", b"cred", b"public key", &bound[..31]));
        assert!(!key.verify(id, "sam@livin.org", b"cred", b"public key", &[]));
    }

    #[test]
    fn debug_shows_nothing() {
        assert_eq!(format!("{:?}", pepper()), "Pepper(…)");
    }
}
