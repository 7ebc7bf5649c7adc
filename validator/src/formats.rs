//! What a phone number, email address, web link, postal address or id must look like.
//!
//! Each check returns why a value is wrong, in words a landlord's content editor can act on. For
//! links, email and postal addresses that is a predicate to follow the quoted value ("has no @").
//! They are deliberately strict: a number a person in danger cannot dial is worse than none.

use safe_contact_rules::dns::is_public_host;
use safe_contact_rules::id::{is_id, IN_WORDS};

/// Whether a number is to be rung or texted: the short codes differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumberUse {
    Call,
    Text,
}

/// A UK number as a person would dial it: `0300 123 4567`, `+44 300 123 4567`, `999`,
/// `116 123`, `18001 0800 123 4567` (Relay UK), or for texts a short code such as `85258`.
pub fn uk_number(value: &str, usage: NumberUse) -> Result<(), String> {
    if value.contains("  ") || value.trim() != value {
        return Err("use single spaces between groups of digits".into());
    }
    let (international, rest) = match value.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, value),
    };
    if !rest.chars().all(|c| c.is_ascii_digit() || c == ' ') {
        return Err("use only digits and spaces".into());
    }
    let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
    if international {
        return match digits.strip_prefix("44") {
            Some(national) if national.starts_with('0') => Err("leave out the 0 after +44".into()),
            Some(national) => national_number(&format!("0{national}")),
            None => Err("only UK numbers (+44) are accepted".into()),
        };
    }
    if digits.starts_with('0') {
        return national_number(&digits);
    }
    short_code(&digits, usage)
}

fn national_number(digits: &str) -> Result<(), String> {
    // Childline's number predates the numbering plan and is the only eight-digit one still in use.
    if digits == "08001111" {
        return Ok(());
    }
    let allowed: &[usize] = match &digits[..2.min(digits.len())] {
        // Some small areas (e.g. 016977) still have ten-digit numbers; so do some 0800 numbers.
        "01" | "02" | "08" => &[10, 11],
        "03" | "07" | "09" => &[11],
        _ => return Err("UK numbers start 01, 02, 03, 07, 08 or 09".into()),
    };
    if allowed.contains(&digits.len()) {
        return Ok(());
    }
    let expected = match allowed {
        [only] => format!("{only}"),
        _ => "10 or 11".into(),
    };
    Err(format!(
        "{} numbers have {expected} digits, this has {}",
        &digits[..2],
        digits.len()
    ))
}

fn short_code(digits: &str, usage: NumberUse) -> Result<(), String> {
    match usage {
        NumberUse::Call => {
            // Relay UK: "18001" before any number connects a textphone user through a relay assistant.
            if let Some(number) = digits.strip_prefix("18001") {
                return if number.is_empty() {
                    Err("18001 is the Relay UK prefix: put the number to call after it".into())
                } else if number.starts_with('0') {
                    national_number(number)
                } else {
                    short_code(number, usage)
                };
            }
            // 999 and 112 are the emergency numbers; every other UK short code (101, 111, 116 123,
            // 18000, ...) starts with 1.
            let emergency = digits == "999" || digits == "112";
            if emergency || (digits.starts_with('1') && (3..=6).contains(&digits.len())) {
                Ok(())
            } else {
                Err("too short for a full number and not a UK short code such as 999, 101 or 116 123".into())
            }
        }
        NumberUse::Text => {
            // 999 takes texts from people registered for emergency SMS; other text short codes
            // (e.g. 85258 for Shout) have five digits starting 6, 7 or 8.
            let text_code = digits.len() == 5 && matches!(digits.as_bytes()[0], b'6'..=b'8');
            if digits == "999" || text_code {
                Ok(())
            } else {
                Err("not a mobile number or a five-digit text short code".into())
            }
        }
    }
}

/// An address someone could type into their mail app; `mailto:` belongs to the widget, not the data.
pub fn email(value: &str) -> Result<(), String> {
    if value.starts_with("mailto:") {
        return Err("starts with `mailto:`: leave that out".into());
    }
    if value.chars().any(char::is_whitespace) {
        return Err("has a space in it".into());
    }
    let Some((local, domain)) = value.split_once('@') else {
        return Err("has no @".into());
    };
    let local_ok = !local.is_empty()
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
    if !local_ok {
        return Err("has an invalid mailbox name before @".into());
    }
    if is_public_host(domain) {
        Ok(())
    } else {
        Err(format!(
            "has `{domain}` after @, which is not a domain name"
        ))
    }
}

/// An absolute `https://` link. Plain `http://` is refused: on a shared or watched device an
/// unencrypted request shows exactly which support page was opened.
pub fn https_link(value: &str) -> Result<(), String> {
    if value.chars().any(char::is_whitespace) {
        return Err("has a space in it".into());
    }
    let Some(rest) = value.strip_prefix("https://") else {
        return Err("is not a https:// link".into());
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err("has a user name in it".into());
    }
    let hostname = match authority.rsplit_once(':') {
        Some((hostname, port)) if port.chars().all(|c| c.is_ascii_digit()) => hostname,
        _ => authority,
    };
    if hostname.is_empty() {
        return Err("has no host after https://".into());
    }
    if is_public_host(hostname) {
        Ok(())
    } else {
        Err(format!(
            "has `{hostname}` as its host, which is not a domain name"
        ))
    }
}

/// A postal address someone could find: it must include a full UK postcode.
pub fn postal_address(value: &str) -> Result<(), String> {
    let words: Vec<&str> = value
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let spaced = words
        .windows(2)
        .any(|pair| outward_code(pair[0]) && inward_code(pair[1]));
    let unspaced = words
        .iter()
        .any(|w| w.len() >= 5 && outward_code(&w[..w.len() - 3]) && inward_code(&w[w.len() - 3..]));
    if spaced || unspaced {
        Ok(())
    } else {
        Err("has no UK postcode".into())
    }
}

/// The part of a postcode before the space: A9, A99, AA9, AA99, A9A or AA9A.
fn outward_code(word: &str) -> bool {
    let b = word.as_bytes();
    let letter = |i: usize| b.get(i).is_some_and(u8::is_ascii_alphabetic);
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let area = if letter(1) { 2 } else { 1 };
    letter(0)
        && digit(area)
        && match b.len() - area {
            1 => true,
            2 => digit(area + 1) || letter(area + 1),
            _ => false,
        }
}

/// The part after the space: 9AA.
fn inward_code(word: &str) -> bool {
    let b = word.as_bytes();
    b.len() == 3
        && b[0].is_ascii_digit()
        && b[1].is_ascii_alphabetic()
        && b[2].is_ascii_alphabetic()
}

/// Ids appear in embed snippets and URLs, so they are kept to lower-case words joined by hyphens.
pub fn id(value: &str) -> Result<(), String> {
    if is_id(value) {
        Ok(())
    } else {
        Err(format!("use {IN_WORDS}, like `stoke-on-trent`"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers() {
        for good in [
            "0300 123 4567",
            "01782 234567",
            "016977 3456",
            "020 7946 0000",
            "0808 2000 247",
            "0800 1111",
            "0800 123 456",
            "07700 900123",
            "+44 300 123 4567",
            "+447700900123",
            "999",
            "112",
            "101",
            "111",
            "116 123",
            "18000",
            "18001 101",
            "18001 0808 2000 247",
        ] {
            assert_eq!(uk_number(good, NumberUse::Call), Ok(()), "{good}");
        }
        for bad in [
            "0300 303 377",
            "0300-123-4567",
            "(01782) 234567",
            "+44 0300 123 4567",
            "+1 202 555 0100",
            "0500 123456",
            "07700 90012",
            "55",
            "85258",
            "12",
            "1234567",
            " 999",
            "0300  123 4567",
            "18001",
            "18001 0300 303 377",
            "",
        ] {
            assert!(uk_number(bad, NumberUse::Call).is_err(), "{bad}");
        }
        assert_eq!(uk_number("85258", NumberUse::Text), Ok(()));
        assert_eq!(uk_number("07700 900123", NumberUse::Text), Ok(()));
        assert!(uk_number("101", NumberUse::Text).is_err());
        assert_eq!(
            uk_number("0300 303 377", NumberUse::Call),
            Err("03 numbers have 11 digits, this has 10".into())
        );
    }

    #[test]
    fn email_addresses() {
        for good in ["help@example.org.uk", "first.last+da@council.gov.uk"] {
            assert_eq!(email(good), Ok(()), "{good}");
        }
        for bad in [
            "mailto:help@example.org",
            "help@",
            "@example.org",
            "help example@x.org",
            "help@example",
            "a..b@example.org",
            "help@exa_mple.org",
        ] {
            assert!(email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn web_links() {
        for good in [
            "https://www.example.org.uk",
            "https://example.org/path?q=1#top",
            "https://example.org:8443/x",
        ] {
            assert_eq!(https_link(good), Ok(()), "{good}");
        }
        assert_eq!(
            https_link("http://example.org"),
            Err("is not a https:// link".into())
        );
        assert_eq!(
            https_link("www.example.org"),
            Err("is not a https:// link".into())
        );
        for bad in [
            "https://",
            "https:///path",
            "https://exa mple.org",
            "https://localhost/",
            "https://user@example.org",
        ] {
            assert!(https_link(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn postcodes() {
        for good in [
            "Civic Centre, Glebe Street, Stoke-on-Trent ST4 1HH",
            "1 High St, London SW1A 1AA",
            "PO Box 1, Leeds LS11AA",
            "Unit 3, M1 1AE",
        ] {
            assert_eq!(postal_address(good), Ok(()), "{good}");
        }
        for bad in ["Civic Centre, Stoke-on-Trent", "ST4", "12345 678"] {
            assert!(postal_address(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ids() {
        for good in ["livin", "stoke-on-trent", "area-2"] {
            assert_eq!(id(good), Ok(()), "{good}");
        }
        for bad in [
            "Livin",
            "stoke_on_trent",
            "-a",
            "a--b",
            "a-",
            "",
            "stoke on trent",
        ] {
            assert!(id(bad).is_err(), "{bad}");
        }
    }
}
