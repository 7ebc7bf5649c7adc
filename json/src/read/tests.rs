use super::*;

fn s(text: &str) -> Value {
    Value::String(text.into())
}

fn n(x: f64) -> Value {
    Value::Number(x)
}

#[test]
fn reads_every_kind_of_value() {
    assert_eq!(parse("null"), Ok(Value::Null));
    assert_eq!(parse("true"), Ok(Value::Bool(true)));
    assert_eq!(parse("false"), Ok(Value::Bool(false)));
    assert_eq!(parse("\"\""), Ok(s("")));
    assert_eq!(parse("[]"), Ok(Value::Array(vec![])));
    assert_eq!(parse("{}"), Ok(Value::Object(vec![])));
    assert_eq!(
        parse(" \t\r\n{ \"a\" : [ 1 , \"x\" , null , { } ] , \"a\" : false } \n"),
        Ok(Value::Object(vec![
            (
                "a".into(),
                Value::Array(vec![n(1.0), s("x"), Value::Null, Value::Object(vec![])])
            ),
            ("a".into(), Value::Bool(false)),
        ]))
    );
}

#[test]
fn reads_every_escape() {
    assert_eq!(
        parse(r#""\"\\\/\b\f\n\r\t""#),
        Ok(s("\"\\/\u{8}\u{c}\n\r\t"))
    );
    assert_eq!(
        parse(r#""\u0041\u00e9\u00E9\u2028\u0000""#),
        Ok(s("Aéé\u{2028}\0"))
    );
    assert_eq!(parse(r#""a\u0062c""#), Ok(s("abc")));
    assert_eq!(parse("\"é 日本 😀 \u{7f}\""), Ok(s("é 日本 😀 \u{7f}")));
}

#[test]
fn joins_surrogate_pairs_and_refuses_lone_ones() {
    assert_eq!(parse(r#""\ud83d\ude00""#), Ok(s("😀")));
    assert_eq!(parse(r#""\uD83D\uDE00!""#), Ok(s("😀!")));
    assert_eq!(parse(r#""\udbff\udfff""#), Ok(s("\u{10ffff}")));
    assert_eq!(parse(r#""\ud800\udc00""#), Ok(s("\u{10000}")));
    for lone in [
        r#""\ud83d""#,
        r#""\ud83d x""#,
        r#""\ude00""#,
        r#""\ude00\ud83d""#,
        r#""\ud83d\ud83d""#,
        r#""\ud83d\u0041""#,
        r#""\ud83d\n""#,
        r#""\ud83d\"#,
    ] {
        assert!(parse(lone).is_err(), "{lone}");
    }
}

#[test]
fn reads_numbers() {
    for (text, value) in [
        ("0", 0.0),
        ("-0", -0.0),
        ("7", 7.0),
        ("-7", -7.0),
        ("4294967295", 4294967295.0),
        ("1.5", 1.5),
        ("-0.25", -0.25),
        ("1e3", 1000.0),
        ("1E3", 1000.0),
        ("1e+3", 1000.0),
        ("25e-1", 2.5),
        ("-1.5E-2", -0.015),
        ("0.1", 0.1),
        ("1e-400", 0.0),
        ("0e999999999999", 0.0),
        ("0.0000000000000000000000000000001e31", 1.0),
        ("9007199254740993", 9007199254740992.0),
        ("9007199254740992", 9007199254740992.0),
        ("4.294967295e9", 4294967295.0),
        ("42949672950e-1", 4294967295.0),
        ("123.456789012345", 123.456789012345),
    ] {
        assert_eq!(parse(text), Ok(n(value)), "{text}");
    }
    // Beyond 19 significant digits or 10^22 the value is close, not always the nearest.
    for (text, value) in [
        ("123456789012345678901234567890", 1.2345678901234568e29),
        ("1.000000000000000000000000001", 1.0),
        ("6.02214076e23", 6.02214076e23),
        ("1.602176634e-19", 1.602176634e-19),
        ("-5e-300", -5e-300),
        ("1e300", 1e300),
        ("1.7976931348623157e308", f64::MAX),
        ("2.2250738585072014e-308", f64::MIN_POSITIVE),
    ] {
        let Ok(Value::Number(read)) = parse(text) else {
            panic!("{text}")
        };
        assert!(
            (read - value).abs() <= 4.0 * f64::EPSILON * value.abs(),
            "{text}: {read}"
        );
    }
    assert_eq!(parse("-0"), Ok(n(-0.0)));
    assert!(matches!(parse("-0"), Ok(Value::Number(z)) if z.is_sign_negative()));
    assert_eq!(parse("[-1,2]"), Ok(Value::Array(vec![n(-1.0), n(2.0)])));
}

#[test]
fn refuses_malformed_input() {
    let bad = [
        "",
        " ",
        "nul",
        "nulll",
        "True",
        "undefined",
        "NaN",
        "Infinity",
        "-Infinity",
        "'single'",
        "\"unterminated",
        "\"bad escape \\x\"",
        "\"bad escape \\u12\"",
        "\"bad escape \\u12g4\"",
        "\"\\",
        "\"raw\ttab\"",
        "\"raw\nnewline\"",
        "\"raw \u{0}\"",
        "\"raw \u{1f}\"",
        "01",
        "-",
        "-01",
        "+1",
        ".5",
        "1.",
        "1.e3",
        "1e",
        "1e+",
        "0x10",
        "1e400",
        "-1e400",
        "[",
        "[1",
        "[1,",
        "[1,]",
        "[,1]",
        "[1 2]",
        "]",
        "{",
        "{\"a\"",
        "{\"a\":",
        "{\"a\":1",
        "{\"a\":1,}",
        "{\"a\" 1}",
        "{a:1}",
        "{1:1}",
        "{\"a\":1 \"b\":2}",
        "{,}",
        "}",
        "[1]]",
        "{} {}",
        "1 2",
        "null x",
        "/* comment */ 1",
        "1 // comment",
        "\u{feff}1",
        "[1,\u{a0}2]",
    ];
    for text in bad {
        assert!(parse(text).is_err(), "{text:?}");
    }
}

#[test]
fn limits_nesting_depth() {
    let nested = |open: &str, close: &str, depth: usize| open.repeat(depth) + &close.repeat(depth);
    assert!(parse(&nested("[", "]", MAX_DEPTH)).is_ok());
    assert!(parse(&nested("[", "]", MAX_DEPTH + 1)).is_err());
    assert!(parse(&nested("{\"a\":", "}", MAX_DEPTH - 1).replace("{\"a\":}", "{}")).is_ok());
    assert!(parse(&nested("{\"a\":", "}", MAX_DEPTH + 1).replace("{\"a\":}", "{}")).is_err());
    // Far past any stack: refused, not a crash.
    assert_eq!(
        parse(&"[".repeat(1_000_000)),
        Err(Error("JSON nested too deeply"))
    );
    assert!(parse(&"{\"a\":".repeat(1_000_000)).is_err());
}

#[test]
fn errors_carry_a_message() {
    assert_eq!(
        parse("[1,]").unwrap_err().message(),
        "expected a JSON value"
    );
    assert_eq!(
        parse("1 2").unwrap_err().message(),
        "unexpected characters after the JSON value"
    );
}

/// A small deterministic generator, so the mutation test needs no extra crate.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// Whether our value is the one serde_json read. serde_json keeps the last of two equal keys.
fn same(ours: &Value, theirs: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (ours, theirs) {
        (Value::Null, J::Null) => true,
        (Value::Bool(a), J::Bool(b)) => a == b,
        (Value::Number(a), J::Number(b)) => {
            let b = b.as_f64().unwrap();
            a == &b || (a - b).abs() <= 4.0 * f64::EPSILON * b.abs()
        }
        (Value::String(a), J::String(b)) => a == b,
        (Value::Array(a), J::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
        }
        (Value::Object(a), J::Object(b)) => {
            let mut keys: Vec<&String> = a.iter().map(|(k, _)| k).collect();
            keys.sort();
            keys.dedup();
            keys.len() == b.len()
                && b.iter().all(|(k, y)| {
                    let last = a.iter().rev().find(|(key, _)| key == k);
                    last.is_some_and(|(_, x)| same(x, y))
                })
        }
        _ => false,
    }
}

/// Mutates valid documents at random and checks that, for every result, parse never panics and
/// agrees with serde_json on whether it is JSON and on what it holds.
#[test]
fn agrees_with_serde_json_on_mutated_documents() {
    let seeds = [
        r#"{"a": [1, -2.5e3, true, false, null], "b": {"c": "d\n\u00e9\ud83d\ude00"}, "a": 0}"#,
        r#"[{"kind": "phone", "value": "0808 2000 247", "checked": "2025-01-01"}, [], {}]"#,
        r#""\"\\\/\b\f\n\r\t é 😀""#,
        "[0, 0.5, 1E-2, -0, 10, 123456789]",
    ];
    let pieces = [
        "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "d83d", "\\ude00", "dc00", "0", "1", "-",
        "+", ".", "e", "E", " ", "\n", "\u{1}", "\u{7f}", "null", "tru", "true", "é", "😀",
        "\u{2028}", "/", "a", "x", "00",
    ];
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let (mut accepted, mut refused) = (0, 0);
    for round in 0..20_000 {
        let mut chars: Vec<char> = seeds[round % seeds.len()].chars().collect();
        for _ in 0..=rng.below(3) {
            let at = rng.below(chars.len() + 1);
            match rng.below(3) {
                0 if at < chars.len() => {
                    let end = (at + 1 + rng.below(4)).min(chars.len());
                    chars.drain(at..end);
                }
                1 if at < chars.len() => {
                    let piece = pieces[rng.below(pieces.len())];
                    chars.splice(at..at + 1, piece.chars());
                }
                _ => {
                    let piece = pieces[rng.below(pieces.len())];
                    chars.splice(at..at, piece.chars());
                }
            }
        }
        let text: String = chars.into_iter().collect();
        match (
            parse(&text),
            serde_json::from_str::<serde_json::Value>(&text),
        ) {
            (Ok(ours), Ok(theirs)) => {
                assert!(same(&ours, &theirs), "{text:?}: {ours:?} != {theirs:?}");
                accepted += 1;
            }
            (Err(_), Err(_)) => refused += 1,
            (ours, theirs) => panic!("{text:?}: ours {ours:?}, serde_json {theirs:?}"),
        }
    }
    // Both outcomes must be well exercised for the agreement to mean anything.
    assert!(accepted > 1000 && refused > 1000, "{accepted} {refused}");
}
