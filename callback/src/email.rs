//! A plausibility check, not RFC 5322: it catches typing slips, not every legal oddity.

/// Longest address SMTP can carry.
pub const MAX_EMAIL: usize = 254;

/// Returns the address with surrounding spaces removed and the domain's ASCII letters in lower
/// case, or `None` when it cannot be a working address. Only ASCII: full Unicode case mapping
/// brings its tables into the widget's wasm (about 2 KB gzipped), and a mail server maps an
/// international domain's letters itself.
pub fn normalise_email(input: &str) -> Option<String> {
    let s = input.trim();
    if s.is_empty() || s.len() > MAX_EMAIL {
        return None;
    }
    let (local, domain) = s.rsplit_once('@')?;
    if local.is_empty() || local.len() > 64 || local.contains('@') {
        return None;
    }
    let local_ok = local
        .chars()
        .all(|c| !c.is_whitespace() && !c.is_control() && !"<>()[],;:\\\"".contains(c))
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..");
    if !local_ok {
        return None;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return None;
    }
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    if !labels.iter().all(label_ok) {
        return None;
    }
    let tld = labels[labels.len() - 1];
    if tld.chars().count() < 2 || tld.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(format!("{local}@{}", domain.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_addresses() {
        assert_eq!(
            normalise_email(" Sam.Jones+safe@Example.CO.UK "),
            Some("Sam.Jones+safe@example.co.uk".into())
        );
        assert_eq!(normalise_email("a@b.org"), Some("a@b.org".into()));
        assert_eq!(
            normalise_email("Ana@Bücher.Example"),
            Some("Ana@bücher.example".into())
        );
        assert_eq!(
            normalise_email("o'brien@mail.example.com"),
            Some("o'brien@mail.example.com".into())
        );
    }

    #[test]
    fn refuses_slips() {
        for s in [
            "",
            "sam",
            "sam@",
            "@example.com",
            "sam@example",
            "sam@@example.com",
            "sam@example..com",
            "sam@.example.com",
            "sam@example.com.",
            "sam@-example.com",
            "sam @example.com",
            "sam@exa mple.com",
            ".sam@example.com",
            "sam.@example.com",
            "sa..m@example.com",
            "sam@example.c",
            "sam@1.2.3.4",
            "<sam@example.com>",
            "sam\u{7}@example.com",
        ] {
            assert_eq!(normalise_email(s), None, "{s:?}");
        }
        let long_local = format!("{}@example.com", "a".repeat(65));
        assert_eq!(normalise_email(&long_local), None);
        let long = format!("a@{}.com", "b".repeat(260));
        assert_eq!(normalise_email(&long), None);
    }
}
