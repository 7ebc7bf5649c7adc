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
            ContactKind::Web => Some(self.value.trim().to_string()),
            ContactKind::Address => None,
        }
    }

    /// What the person reads: the label where there is one, else the value itself.
    pub fn text(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.value)
    }
}
