//! A member's passphrase, stretched with Argon2id, becomes two unrelated secrets: the proof, sent
//! to the server to sign in, and the wrap key, which stays in the browser and unlocks the
//! member's private key. The server can check the proof but cannot turn it into the wrap key.
//!
//! Key scheme 2 (now): the salt names the deployment's `base_url` as well as the email, and the
//! wrap key also takes the member's pepper ([`crate::pepper`]), which the server hands over only
//! after the proof and the code are right. So whoever copies the database alone holds nothing
//! to test a passphrase guess against, and one passphrase gives other keys on every deployment.
//! Scheme 1 ([`derive_older_with`]), email-only salt and no pepper, remains only so a member who
//! enrolled under it can sign in once more and re-wrap their key under scheme 2.

use argon2::{Algorithm, Argon2, Version};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hkdf::Hkdf;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::pepper::MemberPepper;
use crate::{Error, KEY_LEN};

pub const SALT_LABEL: &[u8] = b"safe-contact/staff-salt/v2";
pub const PROOF_INFO: &[u8] = b"safe-contact/staff-proof/v2";
pub const WRAP_INFO: &[u8] = b"safe-contact/staff-wrap/v2";
const OLDER_SALT_LABEL: &[u8] = b"safe-contact/staff-salt/v1";
const OLDER_PROOF_INFO: &[u8] = b"safe-contact/staff-proof/v1";
const OLDER_WRAP_INFO: &[u8] = b"safe-contact/staff-wrap/v1";

/// Argon2id costs: memory in KiB, passes, lanes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Params {
    pub m_kib: u32,
    pub t: u32,
    pub p: u32,
}

/// 64 MiB and three passes: whoever copies the server's stored wrapped keys must pay this for
/// every passphrase they guess, while a member pays it once per sign-in. One lane, because the
/// browser runs it on one thread.
pub const PARAMS: Params = Params {
    m_kib: 65536,
    t: 3,
    p: 1,
};

/// The key that unlocks the member's wrapped private key. It is never printed or sent, so it
/// has no `Debug` and no way out of this crate but [`crate::member_key`].
pub struct WrapKey(pub(crate) Zeroizing<[u8; KEY_LEN]>);

/// What a passphrase gives under key scheme 2: the proof now, and the wrap key once the
/// server has handed over the member's pepper.
pub struct Derived {
    /// The sign-in secret, 32 bytes in base64url without padding.
    pub proof: String,
    stretched: Zeroizing<[u8; KEY_LEN]>,
}

impl Derived {
    /// The wrap key: the stretched passphrase with the member's pepper as HKDF's salt, so
    /// neither alone unlocks the member's key.
    pub fn wrap_key(&self, pepper: &MemberPepper) -> WrapKey {
        let hkdf = Hkdf::<Sha256>::new(Some(&pepper.0[..]), &*self.stretched);
        let mut wrap_key = Zeroizing::new([0u8; KEY_LEN]);
        // 32 bytes is far below HKDF-SHA256's limit of 8160, so this cannot fail.
        let _ = hkdf.expand(WRAP_INFO, &mut *wrap_key);
        WrapKey(wrap_key)
    }
}

/// What a passphrase gave under key scheme 1, kept to sign in and re-wrap older accounts.
pub struct Older {
    pub proof: String,
    pub wrap_key: WrapKey,
}

/// The email as the member's identity, so the same person typing it differently gets the same
/// keys: the staff address rule.
pub use safe_contact_rules::email::normalise_staff as normalise_email;

/// The deployment as the salt names it: `staff.base_url` on the server, the inbox's own origin
/// in the browser, which are the same text once a trailing slash and case are set aside.
pub fn normalise_base_url(base_url: &str) -> String {
    base_url.trim().trim_end_matches('/').to_ascii_lowercase()
}

/// The Argon2 salt: the deployment and the email, so that no salt has to be fetched before
/// sign-in (which would tell anyone asking whether an account exists), no guessing can start
/// before someone knows which deployment's database they will have, and a passphrase used on
/// two deployments gives unrelated keys.
pub fn salt(base_url: &str, email: &str) -> [u8; 32] {
    let mut hash = Sha256::new();
    hash.update(SALT_LABEL);
    hash.update([0]);
    hash.update(normalise_base_url(base_url).as_bytes());
    hash.update([0]);
    hash.update(normalise_email(email).as_bytes());
    hash.finalize().into()
}

fn older_salt(email: &str) -> [u8; 32] {
    let mut hash = Sha256::new();
    hash.update(OLDER_SALT_LABEL);
    hash.update([0]);
    hash.update(normalise_email(email).as_bytes());
    hash.finalize().into()
}

fn stretch(
    params: &Params,
    passphrase: &str,
    salt: &[u8; 32],
) -> Result<Zeroizing<[u8; KEY_LEN]>, Error> {
    let argon2_params = argon2::Params::new(params.m_kib, params.t, params.p, Some(KEY_LEN))
        .map_err(|_| Error::CannotDerive)?;
    let mut stretched = Zeroizing::new([0u8; KEY_LEN]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, argon2_params)
        .hash_password_into(passphrase.as_bytes(), salt, &mut *stretched)
        .map_err(|_| Error::CannotDerive)?;
    Ok(stretched)
}

fn expand(stretched: &[u8; KEY_LEN], info: &[u8]) -> Zeroizing<[u8; KEY_LEN]> {
    let mut out = Zeroizing::new([0u8; KEY_LEN]);
    // 32 bytes is far below HKDF-SHA256's limit of 8160, so this cannot fail.
    let _ = Hkdf::<Sha256>::new(None, stretched).expand(info, &mut *out);
    out
}

/// [`derive_with`] at [`PARAMS`].
pub fn derive(passphrase: &str, email: &str, base_url: &str) -> Result<Derived, Error> {
    derive_with(&PARAMS, passphrase, email, base_url)
}

pub fn derive_with(
    params: &Params,
    passphrase: &str,
    email: &str,
    base_url: &str,
) -> Result<Derived, Error> {
    let stretched = stretch(params, passphrase, &salt(base_url, email))?;
    Ok(Derived {
        proof: URL_SAFE_NO_PAD.encode(*expand(&stretched, PROOF_INFO)),
        stretched,
    })
}

/// [`derive_older_with`] at [`PARAMS`].
pub fn derive_older(passphrase: &str, email: &str) -> Result<Older, Error> {
    derive_older_with(&PARAMS, passphrase, email)
}

/// Key scheme 1, as members enrolled before the pepper: email-only salt, no pepper.
pub fn derive_older_with(params: &Params, passphrase: &str, email: &str) -> Result<Older, Error> {
    let stretched = stretch(params, passphrase, &older_salt(email))?;
    Ok(Older {
        proof: URL_SAFE_NO_PAD.encode(*expand(&stretched, OLDER_PROOF_INFO)),
        wrap_key: WrapKey(expand(&stretched, OLDER_WRAP_INFO)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pepper::Pepper;

    /// Small enough that the tests run quickly; the real cost is tested once.
    const FAST: Params = Params {
        m_kib: 64,
        t: 1,
        p: 1,
    };
    const HERE: &str = "https://inbox.livin.example";

    fn fast(passphrase: &str, email: &str) -> Derived {
        derive_with(&FAST, passphrase, email, HERE).unwrap()
    }

    fn pepper(email: &str) -> MemberPepper {
        Pepper::new([7; 32]).member(email)
    }

    fn wrap(d: &Derived, email: &str) -> [u8; KEY_LEN] {
        *d.wrap_key(&pepper(email)).0
    }

    #[test]
    fn same_passphrase_email_and_deployment_give_the_same_secrets() {
        let a = fast("correct horse battery staple", "sam@livin.org");
        let b = fast("correct horse battery staple", "sam@livin.org");
        assert_eq!(a.proof, b.proof);
        assert_eq!(wrap(&a, "sam@livin.org"), wrap(&b, "sam@livin.org"));
    }

    #[test]
    fn another_email_passphrase_or_deployment_gives_other_secrets() {
        let email = "sam@livin.org";
        let base = fast("correct horse battery staple", email);
        for other in [
            fast("correct horse battery staple", "sal@livin.org"),
            fast("correct horse battery stapler", email),
            derive_with(
                &FAST,
                "correct horse battery staple",
                email,
                "https://inbox.star.example",
            )
            .unwrap(),
        ] {
            assert_ne!(base.proof, other.proof);
            assert_ne!(wrap(&base, email), wrap(&other, email));
        }
    }

    #[test]
    fn the_wrap_key_needs_the_members_pepper() {
        let d = fast("passphrase", "sam@livin.org");
        assert_ne!(
            *d.wrap_key(&pepper("sam@livin.org")).0,
            *d.wrap_key(&pepper("sal@livin.org")).0
        );
        assert_ne!(
            *d.wrap_key(&pepper("sam@livin.org")).0,
            *d.wrap_key(&Pepper::new([8; 32]).member("sam@livin.org")).0
        );
    }

    #[test]
    fn the_email_and_base_url_are_normalised() {
        assert_eq!(normalise_email(" A@B.org "), "a@b.org");
        assert_eq!(
            normalise_base_url("https://Inbox.B.org/"),
            "https://inbox.b.org"
        );
        assert_eq!(
            salt("https://Inbox.B.org/", " A@B.org "),
            salt("https://inbox.b.org", "a@b.org")
        );
        let a = fast("passphrase", " A@B.org ");
        let b = fast("passphrase", "a@b.org");
        assert_eq!(a.proof, b.proof);
        assert_eq!(wrap(&a, "a@b.org"), wrap(&b, "a@b.org"));
    }

    #[test]
    fn the_proof_is_not_the_wrap_key() {
        let d = fast("passphrase", "a@b.org");
        let proof = URL_SAFE_NO_PAD.decode(&d.proof).unwrap();
        assert_eq!(proof.len(), KEY_LEN);
        assert_ne!(proof[..], wrap(&d, "a@b.org")[..]);
    }

    fn argon2_fast(passphrase: &[u8], salt: &[u8]) -> [u8; 32] {
        let mut out = [0u8; 32];
        Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            argon2::Params::new(64, 1, 1, Some(32)).unwrap(),
        )
        .hash_password_into(passphrase, salt, &mut out)
        .unwrap();
        out
    }

    /// Recomputes every step with the crates directly, so a wrong label, salt, variant, version
    /// or pepper in the module fails here.
    #[test]
    fn known_answer() {
        let email = "sam@livin.org";
        let mut salt_input = b"safe-contact/staff-salt/v2\0https://inbox.livin.example\0".to_vec();
        salt_input.extend_from_slice(email.as_bytes());
        let expected_salt: [u8; 32] = Sha256::digest(&salt_input).into();
        assert_eq!(
            salt("https://Inbox.Livin.example/", " Sam@Livin.ORG"),
            expected_salt
        );

        let stretched = argon2_fast(b"passphrase", &expected_salt);
        let mut proof = [0u8; 32];
        Hkdf::<Sha256>::new(None, &stretched)
            .expand(b"safe-contact/staff-proof/v2", &mut proof)
            .unwrap();
        let member_pepper = pepper(email);
        let mut wrap = [0u8; 32];
        Hkdf::<Sha256>::new(Some(&member_pepper.0[..]), &stretched)
            .expand(b"safe-contact/staff-wrap/v2", &mut wrap)
            .unwrap();

        let d = fast("passphrase", " Sam@Livin.ORG");
        assert_eq!(d.proof, URL_SAFE_NO_PAD.encode(proof));
        assert_eq!(*d.wrap_key(&member_pepper).0, wrap);
        // Fixed, so that a change to any step shows here too.
        assert_eq!(d.proof, "pTzwAehN8YtuA4-L5J4YJQSBXgYeBZtLwkPuB3DAtbU");
    }

    /// Scheme 1 is unchanged: members enrolled under it still sign in with it.
    #[test]
    fn older_known_answer() {
        let email = "sam@livin.org";
        let mut salt_input = b"safe-contact/staff-salt/v1\0".to_vec();
        salt_input.extend_from_slice(email.as_bytes());
        let expected_salt: [u8; 32] = Sha256::digest(&salt_input).into();
        let stretched = argon2_fast(b"passphrase", &expected_salt);
        let hkdf = Hkdf::<Sha256>::new(None, &stretched);
        let mut proof = [0u8; 32];
        let mut wrap = [0u8; 32];
        hkdf.expand(b"safe-contact/staff-proof/v1", &mut proof)
            .unwrap();
        hkdf.expand(b"safe-contact/staff-wrap/v1", &mut wrap)
            .unwrap();

        let d = derive_older_with(&FAST, "passphrase", " Sam@Livin.ORG").unwrap();
        assert_eq!(d.proof, URL_SAFE_NO_PAD.encode(proof));
        assert_eq!(*d.wrap_key.0, wrap);
        assert_ne!(d.proof, fast("passphrase", email).proof);
    }

    #[test]
    fn the_real_parameters_work() {
        let d = derive("correct horse battery staple", "sam@livin.org", HERE).unwrap();
        assert_eq!(d.proof.len(), 43);
        assert_ne!(wrap(&d, "sam@livin.org"), [0u8; 32]);
    }

    #[test]
    fn parameters_argon2_refuses_are_an_error() {
        let bad = Params {
            m_kib: 1,
            t: 1,
            p: 1,
        };
        assert!(matches!(
            derive_with(&bad, "passphrase", "a@b.org", HERE),
            Err(Error::CannotDerive)
        ));
        assert!(matches!(
            derive_older_with(&bad, "passphrase", "a@b.org"),
            Err(Error::CannotDerive)
        ));
    }
}
