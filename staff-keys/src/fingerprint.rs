//! Short numbers that people read aloud to check a key, as Signal does with safety numbers.
//!
//! A lead gives access by sealing the landlord key to the public key the server hands them. The
//! server is the party this check does not trust: whoever can write to its database, or used an
//! invite link first, could have put their own key there. So the member's browser shows the
//! number for the key it made, the lead's browser works out the number for the key it is about
//! to seal to, and the lead compares the two by ear before anything is sealed.
//!
//! The rule, in one place for the inbox, the endpoint and the staff tool:
//!
//! - SHA-256 over a label, then each part as a 4-byte big-endian length and its bytes. The
//!   lengths keep the parts apart whatever they hold, and the label keeps these numbers apart
//!   from every other hash in Safe Contact, and a member's number apart from a landlord key's.
//! - A member key's parts: the landlord id, the normalised email and the 32 raw bytes of the
//!   public key. The grant is sealed to exactly that (landlord, email, key), so the number
//!   confirms all of what the grant binds: the same key read out for another email or landlord
//!   gives other digits. Binding the email also means that a key someone makes to match one
//!   member's number is no use against any other member: each guess is tried against one
//!   member only. The member id is left out: the server picks it, so it adds nothing the
//!   server could not change, and the enrolling browser does not know it yet.
//! - A landlord key's parts: its key id and the 32 raw bytes of its public key, which is what
//!   the profile's `callback.seal` and the key file both hold (keygen knows no landlord id).
//! - The first 8 bytes of the hash, big-endian, modulo 10^12, as 12 digits. 2^64 is about
//!   18 million times 10^12, so no number is more likely than another by more than about one
//!   part in 18 million: no bias worth caring about.
//!
//! Twelve digits are about 40 bits. They stop a key that was put in place without being made to
//! match. Someone who can read the member's real key and then spend days of computing could make
//! a key whose number matches, so leads should give access soon after a member enrols.

use std::fmt;

use sha2::{Digest, Sha256};

use crate::passphrase::normalise_email;
use crate::{decode_exact, Error, KEY_LEN};

pub const MEMBER_LABEL: &[u8] = b"safe-contact/member-key-fingerprint/v1";
pub const LANDLORD_LABEL: &[u8] = b"safe-contact/landlord-key-fingerprint/v1";

const DIGITS: usize = 12;
const MODULUS: u64 = 1_000_000_000_000;

/// A key's 12-digit number. Shown as `4821 0937 5512`: groups of four are easier to read out
/// and to compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fingerprint(u64);

impl Fingerprint {
    /// Reads a number as someone typed it: the 12 digits, with any spaces or hyphens between
    /// them. Anything else, or another count of digits, is not a fingerprint.
    pub fn parse(text: &str) -> Option<Fingerprint> {
        let mut value = 0u64;
        let mut count = 0;
        for c in text.chars().filter(|c| !matches!(c, ' ' | '-')) {
            let digit = c.to_digit(10)?;
            count += 1;
            if count > DIGITS {
                return None;
            }
            value = value * 10 + u64::from(digit);
        }
        (count == DIGITS).then_some(Fingerprint(value))
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = format!("{:012}", self.0);
        write!(f, "{} {} {}", &digits[..4], &digits[4..8], &digits[8..])
    }
}

fn digits(label: &[u8], parts: &[&[u8]]) -> Fingerprint {
    let mut hash = Sha256::new();
    hash.update(label);
    for part in parts {
        // Ids, emails and keys are all far shorter than 4 GiB.
        hash.update((part.len() as u32).to_be_bytes());
        hash.update(part);
    }
    let hash = hash.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&hash[..8]);
    Fingerprint(u64::from_be_bytes(first) % MODULUS)
}

/// The number for a member's key (base64url, as stored and as the team list sends it).
pub fn member(landlord: &str, email: &str, public_key_b64: &str) -> Result<Fingerprint, Error> {
    let key = decode_exact(public_key_b64, KEY_LEN).ok_or(Error::BadKey)?;
    let email = normalise_email(email);
    Ok(digits(
        MEMBER_LABEL,
        &[landlord.as_bytes(), email.as_bytes(), &key],
    ))
}

/// The number for a landlord's sealing key, as in the profile's `callback.seal`.
pub fn landlord_key(key_id: &str, public_key_b64: &str) -> Result<Fingerprint, Error> {
    let key = decode_exact(public_key_b64, KEY_LEN).ok_or(Error::BadKey)?;
    Ok(digits(LANDLORD_LABEL, &[key_id.as_bytes(), &key]))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Vectors worked out apart from this code (Python's hashlib over the same bytes), so a
    // change to the rule, in any of the places that show a number, fails here first.
    const KEY: &str = "HKKcDcEyYaaYoI0AXHjXVqIQrz1LMOguOCHyhqOsURc";
    const OTHER_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";

    #[test]
    fn fixed_vectors() {
        let f = |l, e, k| member(l, e, k).unwrap().to_string();
        assert_eq!(f("livin", "lead@livin.example", KEY), "3185 4228 4082");
        assert_eq!(
            f("livin", "lead@livin.example", OTHER_KEY),
            "0043 6040 4138"
        );
        assert_eq!(f("livin", "officer@livin.example", KEY), "1877 3309 3582");
        assert_eq!(
            f("star-housing", "lead@livin.example", KEY),
            "9671 9289 2820"
        );
        assert_eq!(
            landlord_key("livin-demo-1", KEY).unwrap().to_string(),
            "7357 6241 3715"
        );
        assert_eq!(
            landlord_key("livin-demo-2", KEY).unwrap().to_string(),
            "7866 5519 4161"
        );
    }

    #[test]
    fn the_email_is_normalised_as_for_every_other_key() {
        assert_eq!(
            member("livin", " Lead@Livin.EXAMPLE ", KEY),
            member("livin", "lead@livin.example", KEY)
        );
    }

    #[test]
    fn parts_cannot_run_into_each_other() {
        // Without the lengths, these two would hash the same bytes.
        assert_ne!(
            member("livin", "a@b.example", KEY),
            member("livina", "@b.example", KEY)
        );
    }

    #[test]
    fn a_key_that_is_not_32_bytes_has_no_number() {
        for bad in [
            "",
            "short",
            &KEY[..42],
            &format!("{KEY}A"),
            &format!("{KEY}="),
        ] {
            assert_eq!(
                member("livin", "a@b.example", bad),
                Err(Error::BadKey),
                "{bad}"
            );
            assert_eq!(landlord_key("k", bad), Err(Error::BadKey), "{bad}");
        }
    }

    #[test]
    fn typed_numbers_are_read_with_or_without_spaces() {
        let n = Fingerprint::parse("4821 0937 5512").unwrap();
        assert_eq!(n.to_string(), "4821 0937 5512");
        for same in ["482109375512", " 4821-0937-5512 ", "48 21 09 37 55 12"] {
            assert_eq!(Fingerprint::parse(same), Some(n), "{same}");
        }
        assert_eq!(
            Fingerprint::parse("0000 0000 0007").unwrap().to_string(),
            "0000 0000 0007"
        );
        for not in [
            "",
            "4821 0937 551",
            "4821 0937 55123",
            "4821 0937 551x",
            "４821 0937 5512",
        ] {
            assert_eq!(Fingerprint::parse(not), None, "{not}");
        }
    }
}
