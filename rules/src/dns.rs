//! DNS names: for a certificate to be checked against, a link's host, a mail domain.

/// One label: 1 to 63 ASCII letters, digits and inner hyphens.
pub fn is_label(label: &str) -> bool {
    label_shaped(label, |c| c.is_ascii_alphanumeric())
}

/// One label as a person types it in an email address, where an international domain's
/// letters may be in any script (the mail server maps them itself).
pub fn is_typed_label(label: &str) -> bool {
    label_shaped(label, char::is_alphanumeric)
}

fn label_shaped(label: &str, letter: fn(char) -> bool) -> bool {
    (1..=63).contains(&label.len())
        && !label.starts_with('-')
        && !label.ends_with('-')
        && label.chars().all(|c| letter(c) || c == '-')
}

/// A name TLS can check a certificate against: at most 253 bytes of dot-separated labels.
pub fn is_host_name(name: &str) -> bool {
    name.len() <= 253 && name.split('.').all(is_label)
}

/// A public name someone could reach: a host name of two labels or more, whose last label is
/// a top-level domain of at least two letters (so not `localhost`, not an IP address).
pub fn is_public_host(name: &str) -> bool {
    let tld = name.rsplit('.').next().unwrap_or_default();
    is_host_name(name)
        && name.contains('.')
        && tld.len() >= 2
        && tld.chars().all(|c| c.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert!(is_label("stoke-on-trent") && is_label("x1") && is_label(&"a".repeat(63)));
        for bad in ["", "-a", "a-", "a_b", "bücher", &"a".repeat(64)] {
            assert!(!is_label(bad), "{bad:?}");
        }
        assert!(is_typed_label("bücher") && !is_typed_label("bü cher"));
    }

    #[test]
    fn host_names_and_public_hosts() {
        assert!(is_host_name("localhost") && is_host_name("smtp.example.org"));
        assert!(!is_host_name("a..b") && !is_host_name("a.b.") && !is_host_name(""));
        assert!(!is_host_name(&format!("{}.org", "a.".repeat(125))));
        assert!(is_public_host("www.livin.co.uk"));
        for bad in [
            "localhost",
            "127.0.0.1",
            "example.c",
            "example.123",
            "ex ample.org",
        ] {
            assert!(!is_public_host(bad), "{bad:?}");
        }
    }
}
