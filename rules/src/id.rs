//! Landlord, area and key ids. They appear in embed snippets, URLs and config files, so they
//! are kept to lower-case words joined by single hyphens: `stoke-on-trent`, `livin-1`.

/// Longest id accepted anywhere.
pub const MAX: usize = 64;

/// The rule in words, for every message that refuses an id.
pub const IN_WORDS: &str = "lower-case letters and digits, in words joined by single hyphens";

/// Lower-case letters and digits, in words joined by single hyphens, at most [`MAX`] bytes.
pub fn is_id(s: &str) -> bool {
    s.len() <= MAX
        && s.split('-').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_case_words_joined_by_single_hyphens() {
        for ok in [
            "livin",
            "stoke-on-trent",
            "livin-1",
            "a",
            "2026",
            &"a".repeat(MAX),
        ] {
            assert!(is_id(ok), "{ok:?}");
        }
    }

    #[test]
    fn everything_else_is_refused() {
        let long = "a".repeat(MAX + 1);
        for bad in [
            "",
            "-",
            "a--b",
            "-a",
            "a-",
            "Livin",
            "st oke",
            "stoke_on_trent",
            "stoké",
            "a/b",
            "../x",
            &long,
        ] {
            assert!(!is_id(bad), "{bad:?}");
        }
    }
}
