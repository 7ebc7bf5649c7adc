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
//! - The first 16 bytes of the hash, big-endian, modulo 10^24, as 24 digits. 2^128 is about
//!   340 billion times 10^24, so no number is more likely than another by a share worth caring
//!   about.
//!
//! Twenty-four digits are about 80 bits. Twelve (40 bits) were first tried, but someone who can
//! write to the database could make a key whose twelve digits match the member's in hours on
//! rented machines (one point addition and two hash blocks a try); 10^24 tries are out of reach.

use std::fmt;

use sha2::{Digest, Sha256};

use crate::passphrase::normalise_email;
use crate::{decode_exact, Error, KEY_LEN};

pub const MEMBER_LABEL: &[u8] = b"safe-contact/member-key-fingerprint/v1";
pub const LANDLORD_LABEL: &[u8] = b"safe-contact/landlord-key-fingerprint/v1";

const DIGITS: usize = 24;
const MODULUS: u128 = 1_000_000_000_000_000_000_000_000;

/// A key's 24-digit number. Shown as `4821 0937 5512 7730 0918 2264`: groups of four are easier
/// to read out and to compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fingerprint(u128);

impl Fingerprint {
    /// Reads a number as someone typed it: the 24 digits, with any spaces or hyphens between
    /// them. Anything else, or another count of digits, is not a fingerprint.
    pub fn parse(text: &str) -> Option<Fingerprint> {
        let mut value = 0u128;
        let mut count = 0;
        for c in text.chars().filter(|c| !matches!(c, ' ' | '-')) {
            let digit = c.to_digit(10)?;
            count += 1;
            if count > DIGITS {
                return None;
            }
            value = value * 10 + u128::from(digit);
        }
        (count == DIGITS).then_some(Fingerprint(value))
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = format!("{:024}", self.0);
        let groups: Vec<&str> = (0..DIGITS).step_by(4).map(|i| &digits[i..i + 4]).collect();
        f.write_str(&groups.join(" "))
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
    let mut first = [0u8; 16];
    first.copy_from_slice(&hash[..16]);
    Fingerprint(u128::from_be_bytes(first) % MODULUS)
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
        assert_eq!(
            f("livin", "lead@livin.example", KEY),
            "9547 4475 3999 4471 0675 3926"
        );
        assert_eq!(
            f("livin", "lead@livin.example", OTHER_KEY),
            "6472 3991 6469 2091 1439 9455"
        );
        assert_eq!(
            f("livin", "officer@livin.example", KEY),
            "3864 2918 8217 6745 6245 0422"
        );
        assert_eq!(
            f("star-housing", "lead@livin.example", KEY),
            "2418 5145 8538 5459 6597 3161"
        );
        assert_eq!(
            landlord_key("livin-demo-1", KEY).unwrap().to_string(),
            "2339 0702 5095 6623 4919 5264"
        );
        assert_eq!(
            landlord_key("livin-demo-2", KEY).unwrap().to_string(),
            "9756 7980 3538 4017 9662 0191"
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
        let n = Fingerprint::parse("4821 0937 5512 7730 0918 2264").unwrap();
        assert_eq!(n.to_string(), "4821 0937 5512 7730 0918 2264");
        for same in [
            "482109375512773009182264",
            " 4821-0937-5512-7730-0918-2264 ",
            "48 21 09 37 55 12 77 30 09 18 22 64",
        ] {
            assert_eq!(Fingerprint::parse(same), Some(n), "{same}");
        }
        assert_eq!(
            Fingerprint::parse("0000 0000 0000 0000 0000 0007")
                .unwrap()
                .to_string(),
            "0000 0000 0000 0000 0000 0007"
        );
        for not in [
            "",
            "4821 0937 5512",
            "4821 0937 5512 7730 0918 226",
            "4821 0937 5512 7730 0918 22645",
            "4821 0937 5512 7730 0918 226x",
            "４821 0937 5512 7730 0918 2264",
        ] {
            assert_eq!(Fingerprint::parse(not), None, "{not}");
        }
    }
}
