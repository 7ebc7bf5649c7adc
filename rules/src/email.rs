//! Email addresses, by two named rules. The form's rule is a plausibility check, not RFC 5322:
//! it catches a tenant's typing slips, not every legal oddity. The staff rule names a member:
//! their address is their identity and goes into their keys, so it is normalised the same way
//! in the inbox, the endpoint and the staff tool.

/// Longest address SMTP can carry.
pub const MAX_EMAIL: usize = 254;

/// Returns the address with surrounding spaces removed and the domain's ASCII letters in lower
/// case, or `None` when it cannot be a working address. Only ASCII: full Unicode case mapping
/// brings its tables into the widget's wasm (about 2 KB gzipped), and a mail server maps an
/// international domain's letters itself.
pub fn form_address(input: &str) -> Option<String> {
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
    if !labels.iter().all(|l| crate::dns::is_typed_label(l)) {
        return None;
    }
    let tld = labels[labels.len() - 1];
    if tld.chars().count() < 2 || tld.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(format!("{local}@{}", domain.to_ascii_lowercase()))
}

/// A staff member's address as their identity: trimmed and lower-cased (ASCII), so the same
/// person typing it differently gets the same account and the same keys.
pub fn normalise_staff(address: &str) -> String {
    address.trim().to_ascii_lowercase()
}

/// Enough of a check on a staff address to catch a slip, not to judge deliverability: one @
/// with something either side, a dot in the domain, no spaces, and short enough for any mail
/// system.
pub fn is_staff_address(address: &str) -> bool {
    let Some((local, domain)) = address.split_once('@') else {
        return false;
    };
    address.len() <= MAX_EMAIL
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !address.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_addresses() {
        assert_eq!(
            form_address(" Sam.Jones+safe@Example.CO.UK "),
            Some("Sam.Jones+safe@example.co.uk".into())
        );
        assert_eq!(form_address("a@b.org"), Some("a@b.org".into()));
        assert_eq!(
            form_address("Ana@Bücher.Example"),
            Some("Ana@bücher.example".into())
        );
        assert_eq!(
            form_address("o'brien@mail.example.com"),
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
            assert_eq!(form_address(s), None, "{s:?}");
        }
        let long_local = format!("{}@example.com", "a".repeat(65));
        assert_eq!(form_address(&long_local), None);
        let long = format!("a@{}.com", "b".repeat(260));
        assert_eq!(form_address(&long), None);
    }

    #[test]
    fn staff_addresses() {
        assert_eq!(
            normalise_staff(" Lead@Livin.Example "),
            "lead@livin.example"
        );
        assert!(is_staff_address("lead@livin.example"));
        for bad in [
            "",
            "lead",
            "lead@",
            "@livin.example",
            "lead@livin",
            "lead@.example",
            "lead@livin.",
            "a@b@livin.example",
            "le ad@livin.example",
        ] {
            assert!(!is_staff_address(bad), "{bad:?}");
        }
        assert!(!is_staff_address(&format!(
            "{}@livin.example",
            "a".repeat(250)
        )));
    }
}
