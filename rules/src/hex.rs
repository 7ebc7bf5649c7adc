//! 32-byte secrets and hashes written as 64 hex digits in config files and the environment.

/// Lower-case hex, two digits a byte.
pub fn encode(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    bytes
        .iter()
        .flat_map(|b| [DIGITS[usize::from(b >> 4)], DIGITS[usize::from(b & 15)]])
        .map(char::from)
        .collect()
}

/// Exactly 64 hex digits (either case; spaces around are ignored), or `None`.
pub fn decode32(s: &str) -> Option<[u8; 32]> {
    let s = s.trim().as_bytes();
    if s.len() != 64 {
        return None;
    }
    let digit = |b: u8| char::from(b).to_digit(16);
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(s.chunks(2)) {
        *byte = u8::try_from(digit(pair[0])? << 4 | digit(pair[1])?).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let bytes: [u8; 32] = core::array::from_fn(|i| (i * 37) as u8);
        assert_eq!(decode32(&encode(&bytes)), Some(bytes));
        assert_eq!(encode(&[0, 15, 255]), "000fff");
        assert_eq!(
            decode32(&format!(" {} ", "AB".repeat(32))),
            Some([0xab; 32])
        );
    }

    #[test]
    fn anything_but_64_hex_digits_is_refused() {
        for bad in [
            "",
            &"a".repeat(63),
            &"a".repeat(65),
            &"g".repeat(64),
            &"+1".repeat(32),
            &"é".repeat(32),
        ] {
            assert_eq!(decode32(bad), None, "{bad:?}");
        }
    }
}
