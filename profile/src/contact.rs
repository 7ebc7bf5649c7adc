use crate::{Contact, ContactKind};

impl Contact {
    /// The link a tap should follow, or `None` for a postal address.
    /// Phone links keep only digits and a leading `+`, which every dialler accepts.
    pub fn href(&self) -> Option<String> {
        let dial = || {
            self.value
                .chars()
                .enumerate()
                .filter(|&(i, c)| c.is_ascii_digit() || (i == 0 && c == '+'))
                .map(|(_, c)| c)
                .collect::<String>()
        };
        match self.kind {
            ContactKind::Phone => Some(format!("tel:{}", dial())),
            ContactKind::Text => Some(format!("sms:{}", dial())),
            ContactKind::Email => Some(format!("mailto:{}", self.value.trim())),
            // Only https: a profile changed on its way, or never validated, must not be able
            // to put a javascript: link in front of someone looking for help.
            ContactKind::Web => {
                let url = self.value.trim();
                url.starts_with("https://").then(|| url.to_string())
            }
            ContactKind::Address => None,
        }
    }

    /// What the person reads: the label where there is one, else the value itself.
    pub fn text(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn web(value: &str) -> Contact {
        Contact {
            kind: ContactKind::Web,
            value: value.into(),
            label: None,
            hours: None,
            source: "test".into(),
            checked: "2026-11-23".into(),
            source_date: None,
        }
    }

    #[test]
    fn only_https_web_addresses_become_links() {
        assert_eq!(
            web(" https://example.org/a ").href().as_deref(),
            Some("https://example.org/a")
        );
        for bad in [
            "javascript:alert(1)",
            "http://example.org",
            "data:text/html,x",
            "//example.org",
        ] {
            assert_eq!(web(bad).href(), None, "{bad}");
        }
    }
}
