//! Keys for the staff inbox, shared by the browser app (wasm32) and the endpoint.
//!
//! The server must never hold anything that unlocks a sealed request. Everything here is shaped
//! by that:
//!
//! - [`passphrase`] stretches a member's passphrase with Argon2id and splits the result in two.
//!   The *proof* is only a sign-in secret: the server stores a hash of it and learns nothing that
//!   opens a request. The *wrap key* never leaves the browser, and needs the member's pepper too.
//! - [`pepper`] turns the server's pepper, held in the environment and never in the database,
//!   into each member's pepper (handed over only after sign-in succeeds), the secret of the
//!   server's proof hash and the key TOTP secrets are sealed under at rest, so a stolen
//!   database holds nothing to test a passphrase guess against.
//! - [`member_key`] wraps the member's own X25519 private key under the wrap key, so the server
//!   can store it and hand it back at sign-in without being able to use it.
//! - [`grant`] seals a landlord's private key to one member's public key, so a lead can give a
//!   new member access without the server ever seeing the landlord's key in the clear.
//! - [`fingerprint`] turns a member's or a landlord's public key into 24 digits people read
//!   aloud, so a lead can check a key before sealing anything to it, without trusting the
//!   server that handed it over.
//! - [`invite`] knows the shape of an invite token, so the inbox sends nothing else.
//! - [`totp`] is the second sign-in factor (RFC 6238), so a stolen passphrase alone is not enough
//!   to fetch the wrapped keys.
//!
//! Binary values are base64url without padding, as in `safe_contact_seal`. Randomness comes from
//! the caller through [`safe_contact_seal::rand_core`], so this crate needs no `getrandom` and
//! builds for wasm32 as it is.

#![forbid(unsafe_code)]

pub mod fingerprint;
pub mod grant;
pub mod invite;
pub mod member_key;
pub mod passphrase;
pub mod pepper;
pub mod totp;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// Every key in this crate is 32 bytes.
const KEY_LEN: usize = 32;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// Argon2 refused the parameters, or could not get the memory they ask for.
    CannotDerive,
    /// A key is not 32 bytes of base64url without padding, or is not a usable X25519 key.
    BadKey,
    /// This id (`landlord` or `key_id`) is not well formed.
    BadId(&'static str),
    /// The wrapped member key did not open: the passphrase or email is wrong, or it is damaged.
    CannotUnwrap,
    /// The grant did not open: it is for another member, landlord, key or email, or damaged.
    CannotOpenGrant,
    /// A stored TOTP secret did not open: the pepper is not the one it was sealed under, it was
    /// moved from another member's row, or it is damaged.
    CannotOpenTotp,
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::CannotDerive => {
                f.write_str("the passphrase could not be stretched with these settings")
            }
            Error::BadKey => f.write_str("the key is not 32 bytes of base64url"),
            Error::BadId(field) => write!(f, "the {field} is not well formed"),
            Error::CannotUnwrap => f.write_str(
                "your key could not be unlocked: the passphrase or email is not right, or the \
                 stored key is damaged",
            ),
            Error::CannotOpenGrant => f.write_str(
                "the key grant could not be opened: it was made for someone else or another key, \
                 or it is damaged",
            ),
            Error::CannotOpenTotp => f.write_str(
                "a stored authenticator secret could not be opened: the server's pepper is not \
                 the one it was sealed under, or it is damaged",
            ),
        }
    }
}

impl std::error::Error for Error {}

/// Decodes canonical base64url without padding, and only if it holds exactly `len` bytes. The
/// length is checked on the text first, so an oversized value is refused without decoding it.
fn decode_exact(text: &str, len: usize) -> Option<Vec<u8>> {
    if text.len() != (len * 4).div_ceil(3) {
        return None;
    }
    URL_SAFE_NO_PAD
        .decode(text)
        .ok()
        .filter(|bytes| bytes.len() == len)
}

#[cfg(test)]
mod test_rng {
    use getrandom::SysRng;
    use safe_contact_seal::rand_core::UnwrapErr;

    pub fn rng() -> UnwrapErr<SysRng> {
        UnwrapErr(SysRng)
    }
}
