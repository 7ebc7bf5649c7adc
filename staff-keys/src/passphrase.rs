//! A member's passphrase, stretched with Argon2id, becomes two unrelated secrets: the proof, sent
//! to the server to sign in, and the wrap key, which stays in the browser and unlocks the
//! member's private key. The server can check the proof but cannot turn it into the wrap key.

use argon2::{Algorithm, Argon2, Version};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hkdf::Hkdf;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::{Error, KEY_LEN};

pub const SALT_LABEL: &[u8] = b"safe-contact/staff-salt/v1";
pub const PROOF_INFO: &[u8] = b"safe-contact/staff-proof/v1";
pub const WRAP_INFO: &[u8] = b"safe-contact/staff-wrap/v1";

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

/// What a passphrase gives.
pub struct Derived {
    /// The sign-in secret, 32 bytes in base64url without padding.
    pub proof: String,
    pub wrap_key: WrapKey,
}

/// The email as the member's identity: trimmed and lower-cased (ASCII), so the same person
/// typing it differently gets the same keys.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_ascii_lowercase()
}

/// The Argon2 salt: tied to the email so that no salt has to be fetched before sign-in, which
/// would tell anyone asking whether an account exists.
pub fn salt(email: &str) -> [u8; 32] {
    let mut hash = Sha256::new();
    hash.update(SALT_LABEL);
    hash.update([0]);
    hash.update(normalise_email(email).as_bytes());
    hash.finalize().into()
}

/// [`derive_with`] at [`PARAMS`].
pub fn derive(passphrase: &str, email: &str) -> Result<Derived, Error> {
    derive_with(&PARAMS, passphrase, email)
}

pub fn derive_with(params: &Params, passphrase: &str, email: &str) -> Result<Derived, Error> {
    let argon2_params = argon2::Params::new(params.m_kib, params.t, params.p, Some(KEY_LEN))
        .map_err(|_| Error::CannotDerive)?;
    let mut master = Zeroizing::new([0u8; KEY_LEN]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, argon2_params)
        .hash_password_into(passphrase.as_bytes(), &salt(email), &mut *master)
        .map_err(|_| Error::CannotDerive)?;
    let hkdf = Hkdf::<Sha256>::new(None, &*master);
    let mut proof = Zeroizing::new([0u8; KEY_LEN]);
    let mut wrap_key = Zeroizing::new([0u8; KEY_LEN]);
    // 32 bytes is far below HKDF-SHA256's limit of 8160, so neither can fail.
    hkdf.expand(PROOF_INFO, &mut *proof)
        .map_err(|_| Error::CannotDerive)?;
    hkdf.expand(WRAP_INFO, &mut *wrap_key)
        .map_err(|_| Error::CannotDerive)?;
    Ok(Derived {
        proof: URL_SAFE_NO_PAD.encode(*proof),
        wrap_key: WrapKey(wrap_key),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Small enough that the tests run quickly; the real cost is tested once.
    const FAST: Params = Params {
        m_kib: 64,
        t: 1,
        p: 1,
    };

    fn fast(passphrase: &str, email: &str) -> Derived {
        derive_with(&FAST, passphrase, email).unwrap()
    }

    #[test]
    fn same_passphrase_and_email_give_the_same_secrets() {
        let a = fast("correct horse battery staple", "sam@livin.org");
        let b = fast("correct horse battery staple", "sam@livin.org");
        assert_eq!(a.proof, b.proof);
        assert_eq!(*a.wrap_key.0, *b.wrap_key.0);
    }

    #[test]
    fn another_email_or_passphrase_gives_other_secrets() {
        let base = fast("correct horse battery staple", "sam@livin.org");
        for other in [
            fast("correct horse battery staple", "sal@livin.org"),
            fast("correct horse battery stapler", "sam@livin.org"),
        ] {
            assert_ne!(base.proof, other.proof);
            assert_ne!(*base.wrap_key.0, *other.wrap_key.0);
        }
    }

    #[test]
    fn the_email_is_normalised() {
        assert_eq!(normalise_email(" A@B.org "), "a@b.org");
        assert_eq!(salt(" A@B.org "), salt("a@b.org"));
        let a = fast("passphrase", " A@B.org ");
        let b = fast("passphrase", "a@b.org");
        assert_eq!(a.proof, b.proof);
        assert_eq!(*a.wrap_key.0, *b.wrap_key.0);
    }

    #[test]
    fn the_proof_is_not_the_wrap_key() {
        let d = fast("passphrase", "a@b.org");
        let proof = URL_SAFE_NO_PAD.decode(&d.proof).unwrap();
        assert_eq!(proof.len(), KEY_LEN);
        assert_ne!(proof[..], d.wrap_key.0[..]);
    }

    /// Recomputes every step with the crates directly, so a wrong label, salt, variant or
    /// version in the module fails here.
    #[test]
    fn known_answer() {
        let email = "sam@livin.org";
        let mut salt_input = b"safe-contact/staff-salt/v1\0".to_vec();
        salt_input.extend_from_slice(email.as_bytes());
        let expected_salt: [u8; 32] = Sha256::digest(&salt_input).into();
        assert_eq!(salt(" Sam@Livin.ORG"), expected_salt);

        let mut master = [0u8; 32];
        Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            argon2::Params::new(64, 1, 1, Some(32)).unwrap(),
        )
        .hash_password_into(b"passphrase", &expected_salt, &mut master)
        .unwrap();
        let hkdf = Hkdf::<Sha256>::new(None, &master);
        let mut proof = [0u8; 32];
        let mut wrap = [0u8; 32];
        hkdf.expand(b"safe-contact/staff-proof/v1", &mut proof)
            .unwrap();
        hkdf.expand(b"safe-contact/staff-wrap/v1", &mut wrap)
            .unwrap();

        let d = fast("passphrase", " Sam@Livin.ORG");
        assert_eq!(d.proof, URL_SAFE_NO_PAD.encode(proof));
        assert_eq!(*d.wrap_key.0, wrap);
    }

    #[test]
    fn the_real_parameters_work() {
        let d = derive("correct horse battery staple", "sam@livin.org").unwrap();
        assert_eq!(d.proof.len(), 43);
        assert_ne!(*d.wrap_key.0, [0u8; 32]);
    }

    #[test]
    fn parameters_argon2_refuses_are_an_error() {
        let bad = Params {
            m_kib: 1,
            t: 1,
            p: 1,
        };
        assert!(matches!(
            derive_with(&bad, "passphrase", "a@b.org"),
            Err(Error::CannotDerive)
        ));
    }
}
