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

    /// Adds the digits that follow to `mantissa`, and returns how many there were. Past 19
    /// significant digits a u64 is full, so further digits only move the decimal point.
    fn digits(&mut self, mantissa: &mut u64, exponent: &mut i32, fraction: bool) -> usize {
        let start = self.pos;
        while let Some(d @ b'0'..=b'9') = self.peek() {
            self.pos += 1;
            if *mantissa < 1_000_000_000_000_000_000 {
                *mantissa = *mantissa * 10 + u64::from(d - b'0');
                if fraction {
                    *exponent = exponent.saturating_sub(1);
                }
            } else if !fraction {
                *exponent = exponent.saturating_add(1);
            }
        }
        self.pos - start
    }

    /// Reads a number by the RFC 8259 grammar (no leading zeros, no bare `.` or `e`). It does
    /// not use the standard library's correctly rounded parser, whose tables alone cost the
    /// wasm about 11 KB: whole numbers up to 2^53, and decimals of up to 15 significant digits
    /// with exponents within ±22, come out exact; others may be an ulp or two away.
    fn number(&mut self) -> Result<Value, Error> {
        const BAD: Error = Error("invalid number");
        let negative = self.eat(b'-');
        let (mut mantissa, mut exponent) = (0, 0);
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits(&mut mantissa, &mut exponent, false);
            }
            _ => return Err(BAD),
        }
        if self.eat(b'.') && self.digits(&mut mantissa, &mut exponent, true) == 0 {
            return Err(BAD);
        }
        if self.eat(b'e') || self.eat(b'E') {
            let minus = !self.eat(b'+') && self.eat(b'-');
            let start = self.pos;
            let mut written: i32 = 0;
            while let Some(d @ b'0'..=b'9') = self.peek() {
                self.pos += 1;
                written = written
                    .saturating_mul(10)
                    .saturating_add(i32::from(d - b'0'));
            }
            if self.pos == start {
                return Err(BAD);
            }
            exponent = exponent.saturating_add(if minus { -written } else { written });
        }
        let value = scale(mantissa, exponent);
        if value.is_infinite() {
            return Err(Error("number out of range"));
        }
        Ok(Value::Number(if negative { -value } else { value }))
    }
}

/// `mantissa` × 10^`exponent`. Powers of ten up to 10^22 are exact in an f64, so within that
/// range one correctly rounded multiplication or division gives the exact nearest value.
fn scale(mantissa: u64, exponent: i32) -> f64 {
    if mantissa == 0 {
        return 0.0;
    }
    // Past ±400 every mantissa a u64 holds is out of range or rounds to zero, and the clamp
    // keeps the loops short.
    let mut exponent = exponent.clamp(-400, 400);
    let mut value = mantissa as f64;
    while exponent > 22 {
        value *= 1e22;
        exponent -= 22;
    }
    while exponent < -22 {
        value /= 1e22;
        exponent += 22;
    }
    let mut power = 1.0;
    for _ in 0..exponent.unsigned_abs() {
        power *= 10.0;
    }
    if exponent < 0 {
        value / power
    } else {
        value * power
    }
}

#[cfg(test)]
mod tests;
