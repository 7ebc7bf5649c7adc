//! The member's own X25519 private key (from `safe_contact_seal::generate_keypair`), wrapped
//! under the passphrase's wrap key so the server can keep it for the member without being able
//! to read it.
//!
//! Wrapped = base64url(nonce (12 bytes) ‖ ChaCha20-Poly1305 ciphertext and tag), with associated
//! data `"safe-contact/staff-member-key/v1"` ‖ 0x00 ‖ normalised email, so a wrapped key cannot be
//! swapped onto another member's row. The plaintext is the private key's base64url text, so
//! wrapping cannot fail; [`unwrap`] refuses anything that does not open to a well-formed key.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, KeyInit, Nonce};
use safe_contact_seal::rand_core::CryptoRng;
use zeroize::Zeroizing;

use crate::passphrase::{normalise_email, WrapKey};
use crate::Error;

pub const AAD_LABEL: &[u8] = b"safe-contact/staff-member-key/v1";
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;

fn aad(email: &str) -> Vec<u8> {
    let mut aad = AAD_LABEL.to_vec();
    aad.push(0);
    aad.extend_from_slice(normalise_email(email).as_bytes());
    aad
}

fn cipher(wrap_key: &WrapKey) -> ChaCha20Poly1305 {
    ChaCha20Poly1305::new(&Key::from(*wrap_key.0))
}

/// Wraps the member's private key (base64url) for `email`. A fresh random nonce each time, so
/// re-wrapping after a passphrase change never reuses one under the same key.
pub fn wrap(
    wrap_key: &WrapKey,
    private_key_b64: &str,
    email: &str,
    rng: &mut impl CryptoRng,
) -> String {
    let mut nonce = [0u8; NONCE_LEN];
    rng.fill_bytes(&mut nonce);
    let sealed = cipher(wrap_key)
        .encrypt(
            &Nonce::from(nonce),
            Payload {
                msg: private_key_b64.as_bytes(),
                aad: &aad(email),
            },
        )
        // ChaCha20-Poly1305 only refuses messages of 256 GiB and more.
        .unwrap_or_default();
    let mut out = nonce.to_vec();
    out.extend_from_slice(&sealed);
    URL_SAFE_NO_PAD.encode(out)
}

/// The member's private key (base64url), if `wrapped` opens under this wrap key and email.
pub fn unwrap(wrap_key: &WrapKey, wrapped: &str, email: &str) -> Result<Zeroizing<String>, Error> {
    let bytes = URL_SAFE_NO_PAD
        .decode(wrapped)
        .map_err(|_| Error::CannotUnwrap)?;
    if bytes.len() < NONCE_LEN + TAG_LEN {
        return Err(Error::CannotUnwrap);
    }
    let (nonce, sealed) = bytes.split_at(NONCE_LEN);
    let nonce = Nonce::try_from(nonce).map_err(|_| Error::CannotUnwrap)?;
    let plain = Zeroizing::new(
        cipher(wrap_key)
            .decrypt(
                &nonce,
                Payload {
                    msg: sealed,
                    aad: &aad(email),
                },
            )
            .map_err(|_| Error::CannotUnwrap)?,
    );
    let key = Zeroizing::new(String::from_utf8(plain.to_vec()).map_err(|_| Error::CannotUnwrap)?);
    safe_contact_seal::public_key_for(&key).map_err(|_| Error::CannotUnwrap)?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passphrase::{derive_with, Params};
    use crate::pepper::Pepper;
    use crate::test_rng::rng;

    const FAST: Params = Params {
        m_kib: 64,
        t: 1,
        p: 1,
    };
    const EMAIL: &str = "sam@livin.org";

    const HERE: &str = "https://inbox.livin.example";

    fn wrap_key(passphrase: &str, email: &str) -> WrapKey {
        derive_with(&FAST, passphrase, email, HERE)
            .unwrap()
            .wrap_key(&Pepper::new([7; 32]).member(email))
    }

    fn wrapped() -> (String, String) {
        let (private, _) = safe_contact_seal::generate_keypair(&mut rng());
        let wrapped = wrap(&wrap_key("passphrase", EMAIL), &private, EMAIL, &mut rng());
        (private, wrapped)
    }

    #[test]
    fn round_trip() {
        let (private, wrapped) = wrapped();
        let key = wrap_key("passphrase", EMAIL);
        assert_eq!(*unwrap(&key, &wrapped, EMAIL).unwrap(), private);
        // The email is normalised on both sides.
        assert_eq!(*unwrap(&key, &wrapped, " Sam@Livin.org ").unwrap(), private);
        // nonce, the 43-byte key text and the tag
        assert_eq!(
            URL_SAFE_NO_PAD.decode(&wrapped).unwrap().len(),
            12 + 43 + 16
        );
    }

    #[test]
    fn each_wrap_uses_a_fresh_nonce() {
        let (private, _) = safe_contact_seal::generate_keypair(&mut rng());
        let key = wrap_key("passphrase", EMAIL);
        assert_ne!(
            wrap(&key, &private, EMAIL, &mut rng()),
            wrap(&key, &private, EMAIL, &mut rng())
        );
    }

    #[test]
    fn wrong_wrap_key_or_email_is_refused() {
        let (_, wrapped) = wrapped();
        let wrong_passphrase = wrap_key("passphrase!", EMAIL);
        assert_eq!(
            unwrap(&wrong_passphrase, &wrapped, EMAIL).unwrap_err(),
            Error::CannotUnwrap
        );
        let right = wrap_key("passphrase", EMAIL);
        assert_eq!(
            unwrap(&right, &wrapped, "sal@livin.org").unwrap_err(),
            Error::CannotUnwrap
        );
    }

    #[test]
    fn damaged_input_is_refused() {
        let (_, wrapped) = wrapped();
        let key = wrap_key("passphrase", EMAIL);
        let bytes = URL_SAFE_NO_PAD.decode(&wrapped).unwrap();
        let mut cases = vec![
            String::new(),
            "not base64!".to_owned(),
            "AAAA".to_owned(),
            format!("{wrapped}="),
            URL_SAFE_NO_PAD.encode(&bytes[..bytes.len() - 1]),
            URL_SAFE_NO_PAD.encode(&bytes[..NONCE_LEN + TAG_LEN]),
            URL_SAFE_NO_PAD.encode(&bytes[..NONCE_LEN]),
            URL_SAFE_NO_PAD.encode([&bytes[..], &[0]].concat()),
            URL_SAFE_NO_PAD.encode([0u8; 71]),
        ];
        for i in [0, NONCE_LEN, bytes.len() - 1] {
            let mut edited = bytes.clone();
            edited[i] ^= 1;
            cases.push(URL_SAFE_NO_PAD.encode(edited));
        }
        for case in cases {
            assert_eq!(
                unwrap(&key, &case, EMAIL).unwrap_err(),
                Error::CannotUnwrap,
                "{case}"
            );
        }
    }

    /// What someone holding only a copy of the database can do with the right passphrase: the
    /// wrapped key does not open without the member's pepper, so it cannot tell them the guess
    /// was right. With the pepper (from the environment, or caught from one sign-in answer) it
    /// does.
    #[test]
    fn the_right_passphrase_without_the_pepper_does_not_unwrap() {
        let (private, wrapped) = wrapped();
        let derived = derive_with(&FAST, "passphrase", EMAIL, HERE).unwrap();
        for guess in [
            Pepper::new([0; 32]).member(EMAIL),
            Pepper::new([8; 32]).member(EMAIL),
            Pepper::new([7; 32]).member("sal@livin.org"),
        ] {
            assert_eq!(
                unwrap(&derived.wrap_key(&guess), &wrapped, EMAIL).unwrap_err(),
                Error::CannotUnwrap
            );
        }
        let without_pepper = crate::passphrase::derive_older_with(&FAST, "passphrase", EMAIL)
            .unwrap()
            .wrap_key;
        assert_eq!(
            unwrap(&without_pepper, &wrapped, EMAIL).unwrap_err(),
            Error::CannotUnwrap
        );
        let with = derived.wrap_key(&Pepper::new([7; 32]).member(EMAIL));
        assert_eq!(*unwrap(&with, &wrapped, EMAIL).unwrap(), private);
    }

    #[test]
    fn something_that_is_not_a_key_does_not_unwrap() {
        let key = wrap_key("passphrase", EMAIL);
        let wrapped = wrap(&key, "not a key", EMAIL, &mut rng());
        assert_eq!(
            unwrap(&key, &wrapped, EMAIL).unwrap_err(),
            Error::CannotUnwrap
        );
    }
}
