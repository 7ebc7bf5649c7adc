use crate::Value;

/// How deeply arrays and objects may nest. Reading recurses once per level, so this bounds the
/// stack; the deepest real document (a profile) nests 7 levels.
pub const MAX_DEPTH: usize = 64;

/// Why a text is not JSON. The message is fixed text, so reporting it needs no formatting code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Error(pub &'static str);

impl Error {
    pub fn message(&self) -> &'static str {
        self.0
    }
}

const END: Error = Error("unexpected end of JSON");
const LONE_SURROGATE: Error = Error("lone surrogate in a \\u escape");

/// Reads one JSON value that fills the whole text.
pub fn parse(text: &str) -> Result<Value, Error> {
    let mut reader = Reader { text, pos: 0 };
    let value = reader.value(0)?;
    reader.skip_whitespace();
    if reader.pos < text.len() {
        return Err(Error("unexpected characters after the JSON value"));
    }
    Ok(value)
}

/// `pos` is a byte offset that never passes the end of `text`.
struct Reader<'a> {
    text: &'a str,
    pos: usize,
}

impl Reader<'_> {
    fn rest(&self) -> &[u8] {
        self.text.as_bytes().get(self.pos..).unwrap_or_default()
    }

    fn peek(&self) -> Option<u8> {
        self.rest().first().copied()
    }

    fn next(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.pos += 1;
        Some(byte)
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        if found {
            self.pos += 1;
        }
        found
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// `depth` counts the arrays and objects around this value.
    fn value(&mut self, depth: usize) -> Result<Value, Error> {
        self.skip_whitespace();
        match self.peek() {
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => self.string().map(Value::String),
            Some(b't') => self.word("true", Value::Bool(true)),
            Some(b'f') => self.word("false", Value::Bool(false)),
            Some(b'n') => self.word("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(Error("expected a JSON value")),
            None => Err(END),
        }
    }

    fn word(&mut self, word: &str, value: Value) -> Result<Value, Error> {
        if !self.rest().starts_with(word.as_bytes()) {
            return Err(Error("expected a JSON value"));
        }
        self.pos += word.len();
        Ok(value)
    }

    fn array(&mut self, depth: usize) -> Result<Value, Error> {
        if depth > MAX_DEPTH {
            return Err(Error("JSON nested too deeply"));
        }
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.eat(b']') {
            return Ok(Value::Array(items));
        }
        loop {
            items.push(self.value(depth)?);
            self.skip_whitespace();
            match self.next() {
                Some(b',') => {}
                Some(b']') => return Ok(Value::Array(items)),
                Some(_) => return Err(Error("expected , or ] in an array")),
                None => return Err(END),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, Error> {
        if depth > MAX_DEPTH {
            return Err(Error("JSON nested too deeply"));
        }
        self.pos += 1;
        let mut members = Vec::new();
        self.skip_whitespace();
        if self.eat(b'}') {
            return Ok(Value::Object(members));
        }
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                return Err(Error("expected a string key in an object"));
            }
            let key = self.string()?;
            self.skip_whitespace();
            if !self.eat(b':') {
                return Err(Error("expected : after an object key"));
            }
            members.push((key, self.value(depth)?));
            self.skip_whitespace();
            match self.next() {
                Some(b',') => {}
                Some(b'}') => return Ok(Value::Object(members)),
                Some(_) => return Err(Error("expected , or } in an object")),
                None => return Err(END),
            }
        }
    }

    /// Reads a string from its opening quote. Runs without escapes are copied whole; they start
    /// and end next to ASCII bytes, so the slices always fall on character boundaries.
    fn string(&mut self) -> Result<String, Error> {
        self.pos += 1;
        let mut out = String::new();
        let mut start = self.pos;
        loop {
            match self.next() {
                Some(b'"') => {
                    out.push_str(&self.text[start..self.pos - 1]);
                    return Ok(out);
                }
                Some(b'\\') => {
                    out.push_str(&self.text[start..self.pos - 1]);
                    out.push(self.escape()?);
                    start = self.pos;
                }
                Some(0..=0x1f) => return Err(Error("control character in a string")),
                Some(_) => {}
                None => return Err(END),
            }
        }
    }

    fn escape(&mut self) -> Result<char, Error> {
        Ok(match self.next() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => return self.unicode(),
            _ => return Err(Error("invalid escape in a string")),
        })
    }

    /// After `\u`: one code unit, or a high and low surrogate pair written as two escapes.
    fn unicode(&mut self) -> Result<char, Error> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if !self.rest().starts_with(b"\\u") {
                    return Err(LONE_SURROGATE);
                }
                self.pos += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(LONE_SURROGATE);
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(LONE_SURROGATE),
            _ => first,
        };
        char::from_u32(code).ok_or(LONE_SURROGATE)
    }

    fn hex4(&mut self) -> Result<u32, Error> {
        let mut code = 0;
        for _ in 0..4 {
            let digit = self.next().and_then(|b| char::from(b).to_digit(16));
            code = code * 16 + digit.ok_or(Error("invalid \\u escape"))?;
        }
        Ok(code)
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    /// Checks the RFC 8259 grammar (no leading zeros, no bare `.` or `e`), then leaves the
    /// value to the standard library, which rounds correctly.
    fn number(&mut self) -> Result<Value, Error> {
        const BAD: Error = Error("invalid number");
        let start = self.pos;
        self.eat(b'-');
        match self.next() {
            Some(b'0') => {}
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(BAD),
        }
        if self.eat(b'.') && self.digits() == 0 {
            return Err(BAD);
        }
        if self.eat(b'e') || self.eat(b'E') {
            if !self.eat(b'+') {
                self.eat(b'-');
            }
            if self.digits() == 0 {
                return Err(BAD);
            }
        }
        match self.text[start..self.pos].parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(Value::Number(n)),
            _ => Err(Error("number out of range")),
        }
    }
}

#[cfg(test)]
mod tests;
