//! The second sign-in factor: RFC 6238 TOTP with HMAC-SHA1, 6 digits and 30-second steps, the
//! settings every authenticator app understands.

use hmac::{Hmac, KeyInit, Mac};
use safe_contact_seal::rand_core::CryptoRng;
use sha1::Sha1;
use subtle::ConstantTimeEq;

pub const SECRET_LEN: usize = 20;
pub const STEP_SECS: u64 = 30;
pub const DIGITS: usize = 6;

/// A new 160-bit secret, the length RFC 4226 recommends for HMAC-SHA1.
pub fn new_secret(rng: &mut impl CryptoRng) -> [u8; SECRET_LEN] {
    let mut secret = [0u8; SECRET_LEN];
    rng.fill_bytes(&mut secret);
    secret
}

/// RFC 4648 base32 without padding, as authenticator apps take the secret.
pub fn base32(secret: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::with_capacity((secret.len() * 8).div_ceil(5));
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &byte in secret {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[(buffer >> bits) as usize & 31]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[(buffer << (5 - bits)) as usize & 31]));
    }
    out
}

fn code_for_step(secret: &[u8], step: u64) -> String {
    // HMAC takes a key of any length, so this cannot fail.
    let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(secret).expect("HMAC takes any key");
    mac.update(&step.to_be_bytes());
    let hash = mac.finalize().into_bytes();
    let offset = usize::from(hash[hash.len() - 1] & 0x0f);
    let word = u32::from_be_bytes([
        hash[offset] & 0x7f,
        hash[offset + 1],
        hash[offset + 2],
        hash[offset + 3],
    ]);
    format!("{:06}", word % 1_000_000)
}

/// The code an authenticator shows at `unix_secs`.
pub fn code_at(secret: &[u8], unix_secs: u64) -> String {
    code_for_step(secret, unix_secs / STEP_SECS)
}

/// The step `code` belongs to, if it is the code for the step before, at or after `unix_secs`
/// (so a phone clock a little off still works) and later than `last_step`, the step last
/// accepted for this member, so an overheard code cannot be used again.
pub fn verify(secret: &[u8], code: &str, unix_secs: u64, last_step: Option<u64>) -> Option<u64> {
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = unix_secs / STEP_SECS;
    [now.checked_sub(1), Some(now), now.checked_add(1)]
        .into_iter()
        .flatten()
        .filter(|&step| last_step.is_none_or(|last| step > last))
        .find(|&step| {
            bool::from(
                code_for_step(secret, step)
                    .as_bytes()
                    .ct_eq(code.as_bytes()),
            )
        })
}

/// The `otpauth://` URI an authenticator app reads from a QR code.
pub fn uri(secret: &[u8], email: &str) -> String {
    format!(
        "otpauth://totp/Safe%20Contact:{}?secret={}&issuer=Safe%20Contact&algorithm=SHA1&digits=6&period=30",
        percent_encode(email),
        base32(secret)
    )
}

/// Everything but RFC 3986's unreserved characters is escaped, so an email cannot break the
/// URI's structure whatever it holds.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::rng;

    const RFC_SECRET: &[u8] = b"12345678901234567890";

    /// RFC 6238 appendix B, SHA-1: the last six digits of the eight-digit values.
    const RFC_VECTORS: [(u64, &str); 6] = [
        (59, "94287082"),
        (1111111109, "07081804"),
        (1111111111, "14050471"),
        (1234567890, "89005924"),
        (2000000000, "69279037"),
        (20000000000, "65353130"),
    ];

    #[test]
    fn rfc_6238_vectors() {
        for (time, eight) in RFC_VECTORS {
            assert_eq!(code_at(RFC_SECRET, time), eight[2..], "at {time}");
        }
    }

    #[test]
    fn rfc_4648_base32_vectors() {
        for (input, expected) in [
            ("", ""),
            ("f", "MY"),
            ("fo", "MZXQ"),
            ("foo", "MZXW6"),
            ("foob", "MZXW6YQ"),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ] {
            assert_eq!(base32(input.as_bytes()), expected, "{input}");
        }
        assert_eq!(base32(RFC_SECRET), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    }

    #[test]
    fn accepts_the_step_before_now_and_after() {
        let now = 1111111111;
        let step = now / STEP_SECS;
        for s in [step - 1, step, step + 1] {
            let code = code_for_step(RFC_SECRET, s);
            assert_eq!(verify(RFC_SECRET, &code, now, None), Some(s));
            assert_eq!(verify(RFC_SECRET, &code, now, Some(step - 2)), Some(s));
        }
    }

    #[test]
    fn refuses_two_steps_off() {
        let now = 1111111111;
        let step = now / STEP_SECS;
        for s in [step - 2, step + 2] {
            let code = code_for_step(RFC_SECRET, s);
            assert_eq!(verify(RFC_SECRET, &code, now, None), None);
        }
    }

    #[test]
    fn refuses_a_replay() {
        let now = 1111111111;
        let step = now / STEP_SECS;
        let code = code_at(RFC_SECRET, now);
        let used = verify(RFC_SECRET, &code, now, None).unwrap();
        assert_eq!(used, step);
        assert_eq!(verify(RFC_SECRET, &code, now, Some(used)), None);
        assert_eq!(verify(RFC_SECRET, &code, now + 30, Some(used)), None);
        let earlier = code_for_step(RFC_SECRET, step - 1);
        assert_eq!(verify(RFC_SECRET, &earlier, now, Some(used)), None);
        let next = code_for_step(RFC_SECRET, step + 1);
        assert_eq!(verify(RFC_SECRET, &next, now, Some(used)), Some(step + 1));
    }

    #[test]
    fn refuses_malformed_codes() {
        let now = 59;
        let code = code_at(RFC_SECRET, now);
        assert_eq!(code, "287082");
        for bad in [
            "",
            "28708",
            "2870820",
            "0287082",
            "28708a",
            "28 082",
            " 287082",
            "287082 ",
            "２８７０８２",
            "+28708",
        ] {
            assert_eq!(verify(RFC_SECRET, bad, now, None), None, "{bad:?}");
        }
        assert_eq!(verify(RFC_SECRET, &code, now, None), Some(1));
    }

    #[test]
    fn the_first_steps_have_no_step_before() {
        let code = code_at(RFC_SECRET, 0);
        assert_eq!(verify(RFC_SECRET, &code, 10, None), Some(0));
        assert_eq!(verify(RFC_SECRET, &code, 10, Some(0)), None);
    }

    #[test]
    fn uri_format() {
        assert_eq!(
            uri(RFC_SECRET, "sam+inbox@livin.org"),
            "otpauth://totp/Safe%20Contact:sam%2Binbox%40livin.org\
             ?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\
             &issuer=Safe%20Contact&algorithm=SHA1&digits=6&period=30"
        );
    }

    #[test]
    fn new_secrets_are_random() {
        assert_ne!(new_secret(&mut rng()), new_secret(&mut rng()));
        assert_eq!(base32(&new_secret(&mut rng())).len(), 32);
    }
}
