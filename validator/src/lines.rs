//! Where each value is in the file, so that a problem can be reported at its line.
//!
//! serde_json keeps no positions in a `Value`, so the text is scanned a second time. The scanner
//! only ever sees text serde_json has already accepted, which lets it skip error handling.

use std::collections::HashMap;

pub struct Lines {
    by_pointer: HashMap<String, usize>,
}

impl Lines {
    pub fn scan(text: &str) -> Lines {
        let mut scanner = Scanner {
            text,
            pos: 0,
            line: 1,
            by_pointer: HashMap::new(),
        };
        scanner.value("");
        Lines {
            by_pointer: scanner.by_pointer,
        }
    }

    /// The line where the value at `pointer` starts. A pointer to something that is not there
    /// (a missing field) gets the line of the nearest enclosing value that is.
    pub fn line(&self, pointer: &str) -> usize {
        let mut pointer = pointer;
        loop {
            if let Some(&line) = self.by_pointer.get(pointer) {
                return line;
            }
            match pointer.rsplit_once('/') {
                Some((parent, _)) => pointer = parent,
                None => return 1,
            }
        }
    }
}

/// Appends one reference token to a JSON pointer, escaped as RFC 6901 requires.
pub fn push_token(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", token.replace('~', "~0").replace('/', "~1"))
}

struct Scanner<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
    by_pointer: HashMap<String, usize>,
}

impl Scanner<'_> {
    fn peek(&self) -> u8 {
        self.text.as_bytes()[self.pos]
    }

    fn skip_whitespace(&mut self) {
        while let Some(&b) = self.text.as_bytes().get(self.pos) {
            match b {
                b'\n' => self.line += 1,
                b' ' | b'\t' | b'\r' => {}
                _ => return,
            }
            self.pos += 1;
        }
    }

    fn value(&mut self, pointer: &str) {
        self.skip_whitespace();
        self.by_pointer
            .entry(pointer.to_owned())
            .or_insert(self.line);
        match self.peek() {
            b'{' => self.object(pointer),
            b'[' => self.array(pointer),
            b'"' => {
                self.string();
            }
            _ => {
                while !matches!(
                    self.text.as_bytes().get(self.pos),
                    None | Some(b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n')
                ) {
                    self.pos += 1;
                }
            }
        }
    }

    fn object(&mut self, pointer: &str) {
        self.pos += 1;
        loop {
            self.skip_whitespace();
            if self.peek() == b'}' {
                self.pos += 1;
                return;
            }
            // Members are placed at their key, which is where an "unknown key" is to be found.
            let key_line = self.line;
            let key = self.string();
            let member = push_token(pointer, &key);
            self.by_pointer.insert(member.clone(), key_line);
            self.skip_whitespace();
            self.pos += 1; // the colon
            self.value(&member);
            self.skip_whitespace();
            if self.peek() == b',' {
                self.pos += 1;
            }
        }
    }

    fn array(&mut self, pointer: &str) {
        self.pos += 1;
        let mut index = 0;
        loop {
            self.skip_whitespace();
            if self.peek() == b']' {
                self.pos += 1;
                return;
            }
            self.value(&push_token(pointer, &index.to_string()));
            index += 1;
            self.skip_whitespace();
            if self.peek() == b',' {
                self.pos += 1;
            }
        }
    }

    /// Skips a string and returns it unescaped. Strings cannot hold a raw newline, so the line
    /// count is unaffected.
    fn string(&mut self) -> String {
        let start = self.pos;
        self.pos += 1;
        loop {
            match self.peek() {
                b'\\' => self.pos += 2,
                b'"' => break,
                _ => self.pos += 1,
            }
        }
        self.pos += 1;
        serde_json::from_str(&self.text[start..self.pos]).expect("serde_json accepted this string")
    }
}

#[cfg(test)]
mod tests {
    use super::Lines;

    #[test]
    fn finds_lines_of_members_and_items() {
        let text =
            "{\n  \"a\": [\n    1,\n    {\"b/c\": \"x\\\"y\"}\n  ],\n  \"d\":\n    true\n}\n";
        let lines = Lines::scan(text);
        assert_eq!(lines.line(""), 1);
        assert_eq!(lines.line("/a"), 2);
        assert_eq!(lines.line("/a/0"), 3);
        assert_eq!(lines.line("/a/1"), 4);
        assert_eq!(lines.line("/a/1/b~1c"), 4);
        assert_eq!(lines.line("/d"), 6);
        assert_eq!(lines.line("/a/1/missing"), 4);
        assert_eq!(lines.line("/nowhere/at/all"), 1);
    }
}
