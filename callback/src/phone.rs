//! UK phone numbers as people type them, reduced to the one form staff dial.

/// What a number is good for: texts go only to mobiles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhoneKind {
    Landline,
    Mobile,
}

/// Longest input worth looking at: a full number with generous spacing.
const MAX_INPUT: usize = 30;

/// Reads a UK number written as `07700 900123`, `0114 496 0123`, `+44 7700 900123`,
/// `+44 (0)114 496 0123` or `0044 …`, with or without spaces, hyphens or brackets, and returns
/// it as national digits (`07700900123`) with its kind. Anything else gives `None`.
pub fn normalise_uk_phone(input: &str) -> Option<(String, PhoneKind)> {
    let input = input.trim();
    if input.chars().count() > MAX_INPUT {
        return None;
    }
    let mut compact = String::with_capacity(input.len());
    for (i, c) in input.chars().enumerate() {
        match c {
            '0'..='9' => compact.push(c),
            '+' if i == 0 => compact.push(c),
            ' ' | '\u{a0}' | '-' | '(' | ')' => {}
            _ => return None,
        }
    }
    let international = compact
        .strip_prefix("+44")
        .or_else(|| compact.strip_prefix("0044"));
    let national = match international {
        // "+44 (0)114…" is a common way to write it; the 0 is the trunk prefix, not a digit.
        Some(rest) => format!("0{}", rest.strip_prefix('0').unwrap_or(rest)),
        None if compact.starts_with('0') => compact,
        None => return None,
    };
    let digits = national.as_bytes();
    let kind = match (digits.get(1), digits.len()) {
        // A few rural 01 areas still have ten-digit numbers.
        (Some(b'1'), 10 | 11) => PhoneKind::Landline,
        (Some(b'2' | b'3'), 11) => PhoneKind::Landline,
        // 070 numbers are personal redirection numbers, often misused; no one should be texted there.
        (Some(b'7'), 11) if digits[2] != b'0' => PhoneKind::Mobile,
        _ => return None,
    };
    Some((national, kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> Option<(String, PhoneKind)> {
        normalise_uk_phone(s)
    }

    #[test]
    fn mobiles_in_every_common_spelling() {
        for s in [
            "07700900123",
            "07700 900123",
            "07700 900 123",
            " 07700-900-123 ",
            "+447700900123",
            "+44 7700 900123",
            "+44 (0)7700 900123",
            "0044 7700 900123",
            "07700\u{a0}900123",
        ] {
            assert_eq!(
                norm(s),
                Some(("07700900123".into(), PhoneKind::Mobile)),
                "{s}"
            );
        }
    }

    #[test]
    fn landlines_01_02_03() {
        assert_eq!(
            norm("0114 496 0123"),
            Some(("01144960123".into(), PhoneKind::Landline))
        );
        assert_eq!(
            norm("(0114) 496 0123"),
            Some(("01144960123".into(), PhoneKind::Landline))
        );
        assert_eq!(
            norm("020 7946 0123"),
            Some(("02079460123".into(), PhoneKind::Landline))
        );
        assert_eq!(
            norm("0300 123 4567"),
            Some(("03001234567".into(), PhoneKind::Landline))
        );
        assert_eq!(
            norm("+44 114 496 0123"),
            Some(("01144960123".into(), PhoneKind::Landline))
        );
        assert_eq!(
            norm("016977 3456"),
            Some(("0169773456".into(), PhoneKind::Landline))
        );
    }

    #[test]
    fn refuses_what_is_not_a_uk_number() {
        for s in [
            "",
            "   ",
            "7700900123",
            "447700900123",
            "0770090012",
            "077009001234",
            "0800 123 4567",
            "0900 123 4567",
            "07000 123456",
            "020 7946 012",
            "+1 202 555 0123",
            "07700 9001a3",
            "07700+900123",
            "07700.900.123",
            "tel:07700900123",
            "0 7 7 0 0 9 0 0 1 2 3 4 5 6 7 8 9 0 1 2 3",
        ] {
            assert_eq!(norm(s), None, "{s:?}");
        }
    }
}
