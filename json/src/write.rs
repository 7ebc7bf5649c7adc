/// Appends `s` as a quoted JSON string, escaped exactly as serde_json escapes it, so that what
/// the widget sends is byte for byte what the endpoint's own serialisation would give.
pub fn write_str(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let mut start = 0;
    for (i, byte) in s.bytes().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f => "",
            _ => continue,
        };
        // Runs between escapes are cut next to ASCII bytes, so on character boundaries.
        out.push_str(&s[start..i]);
        start = i + 1;
        if escape.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xf)]));
        } else {
            out.push_str(escape);
        }
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// Writes `n` in decimal without `core::fmt`.
fn write_u32(out: &mut String, mut n: u32) {
    let mut digits = [0u8; 10];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[at..] {
        out.push(char::from(d));
    }
}

/// Builds one flat JSON object, member by member in the order they are added, with no
/// whitespace: the compact form serde_json writes.
pub struct ObjectWriter {
    out: String,
    first: bool,
}

impl Default for ObjectWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl ObjectWriter {
    pub fn new() -> Self {
        ObjectWriter {
            out: String::from("{"),
            first: true,
        }
    }

    fn key(&mut self, key: &str) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        write_str(&mut self.out, key);
        self.out.push(':');
    }

    pub fn str(&mut self, key: &str, value: &str) -> &mut Self {
        self.key(key);
        write_str(&mut self.out, value);
        self
    }

    /// Leaves the member out when `value` is `None`, as serde's `skip_serializing_if` does.
    pub fn opt_str(&mut self, key: &str, value: Option<&str>) -> &mut Self {
        if let Some(value) = value {
            self.str(key, value);
        }
        self
    }

    pub fn bool(&mut self, key: &str, value: bool) -> &mut Self {
        self.key(key);
        self.out.push_str(if value { "true" } else { "false" });
        self
    }

    pub fn u32(&mut self, key: &str, value: u32) -> &mut Self {
        self.key(key);
        write_u32(&mut self.out, value);
        self
    }

    pub fn str_array(&mut self, key: &str, values: &[&str]) -> &mut Self {
        self.key(key);
        self.out.push('[');
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            write_str(&mut self.out, value);
        }
        self.out.push(']');
        self
    }

    pub fn finish(mut self) -> String {
        self.out.push('}');
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quoted(s: &str) -> String {
        let mut out = String::new();
        write_str(&mut out, s);
        out
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut cases: Vec<String> = [
            "",
            "plain",
            "say \"hello\"",
            "back\\slash",
            "/ is not escaped",
            "line\nbreak\r\ttab",
            "\u{8}\u{c}",
            "\u{0}\u{1}\u{1f}\u{7f}",
            "é ü ñ",
            "Ŵ and 日本語",
            "😀 emoji 👩‍👩‍👧",
            "\u{2028}\u{2029}",
            "\u{feff}bom",
            "</script>",
            "mixed \u{1b}[0m \"😀\" \\n",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Every character up to U+00FF, alone and between others.
        cases.extend(
            (0u32..=0xff)
                .filter_map(char::from_u32)
                .map(|c| format!("a{c}b{c}")),
        );
        for s in &cases {
            assert_eq!(quoted(s), serde_json::to_string(s).unwrap(), "{s:?}");
        }
    }

    #[test]
    fn objects_are_written_compactly_in_order() {
        let mut w = ObjectWriter::new();
        w.u32("zero", 0)
            .u32("max", u32::MAX)
            .u32("ten", 10)
            .str("s", "a\"b")
            .opt_str("skipped", None)
            .opt_str("kept", Some(""))
            .bool("yes", true)
            .bool("no", false)
            .str_array("none", &[])
            .str_array("two", &["x", "y\n"]);
        assert_eq!(
            w.finish(),
            r#"{"zero":0,"max":4294967295,"ten":10,"s":"a\"b","kept":"","yes":true,"no":false,"none":[],"two":["x","y\n"]}"#
        );
        assert_eq!(ObjectWriter::new().finish(), "{}");
        assert_eq!(ObjectWriter::default().finish(), "{}");
        let mut w = ObjectWriter::new();
        w.opt_str("a", None).str("b", "c");
        assert_eq!(w.finish(), r#"{"b":"c"}"#);
    }

    #[test]
    fn numbers_match_serde_json() {
        for n in [0, 1, 9, 10, 99, 100, 12345, 1_000_000_000, u32::MAX] {
            let mut out = String::new();
            write_u32(&mut out, n);
            assert_eq!(out, serde_json::to_string(&n).unwrap());
        }
    }
}
