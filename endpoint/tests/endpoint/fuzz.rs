//! Sends 12,000 generated bodies from a seeded generator: valid requests in many spellings,
//! valid requests with fields broken in every way, random JSON, truncated and raw bytes; then
//! 4,000 generated envelopes to the sealed route in the same way. The server must never answer
//! 5xx or fail to answer, and must store exactly the requests it accepted. Set FUZZ_SEED to
//! replay another sequence.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::common::*;
use safe_contact_callback::FIELDS;
use safe_contact_seal::{Envelope, CIPHERTEXT_LEN, ENC_LEN};
use serde_json::{json, Map, Value};

const BODIES: usize = 12_000;
const ENVELOPES: usize = 4_000;
const WORKERS: usize = 8;

/// SplitMix64: tiny, seedable, good enough to explore inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const DAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];
const TIMES: &[&str] = &["morning", "afternoon", "evening"];
const AREAS: &[&str] = &[
    "county-durham",
    "darlington",
    "hartlepool",
    "stockton-on-tees",
];
const TRICKY: &[&str] = &[
    "",
    " ",
    "\0",
    "\n",
    "\u{202e}",
    "\u{200b}",
    "é",
    "中",
    "🙂",
    "\\",
    "\"",
    "'",
    "<script>",
    "%00",
    "07700",
    "+44",
    "@",
    "null",
    "true",
    "0",
    "-1",
    "monday",
    "call",
    "livin",
    "💥💥💥",
];

fn random_string(rng: &mut Rng) -> String {
    let len = if rng.chance(90) {
        rng.below(24)
    } else {
        rng.below(400)
    };
    let mut s = String::new();
    while s.chars().count() < len {
        match rng.below(4) {
            0 => s.push_str(rng.pick::<&str>(TRICKY)),
            1 => s.push(char::from(b'a' + rng.below(26) as u8)),
            2 => s.push(char::from(b'0' + rng.below(10) as u8)),
            _ => s.push(char::from_u32(rng.below(0x3000) as u32).unwrap_or('?')),
        }
    }
    s
}

fn random_value(rng: &mut Rng, depth: usize) -> Value {
    match rng.below(if depth > 3 { 6 } else { 9 }) {
        0 => Value::Null,
        1 => json!(rng.chance(50)),
        2 => json!(rng.next() as i64),
        3 => json!(rng.below(5)),
        4 => json!(rng.next() as f64 / 7.0),
        5 => json!(random_string(rng)),
        6 => Value::Array(
            (0..rng.below(5))
                .map(|_| random_value(rng, depth + 1))
                .collect(),
        ),
        7 => {
            let mut m = Map::new();
            for _ in 0..rng.below(4) {
                m.insert(random_string(rng), random_value(rng, depth + 1));
            }
            Value::Object(m)
        }
        _ => json!(rng.pick(TRICKY)),
    }
}

fn phone(rng: &mut Rng, mobile: bool) -> String {
    let n = rng.below(1000);
    let forms: Vec<String> = if mobile {
        vec![
            format!("07700 900{n:03}"),
            format!("07700900{n:03}"),
            format!("+44 7700 900{n:03}"),
            format!("+44 (0)7700-900-{n:03}"),
            format!("0044 7700 900{n:03}"),
        ]
    } else {
        vec![
            format!("0114 496 0{n:03}"),
            format!("(0114) 4960{n:03}"),
            format!("020 7946 0{n:03}"),
            format!("+44 114 496 0{n:03}"),
            format!("07700 900{n:03}"),
        ]
    };
    rng.pick(&forms).clone()
}

/// A request that must be accepted.
fn valid(rng: &mut Rng) -> Value {
    let method = *rng.pick(&["call", "text", "email"]);
    let contact = match method {
        "call" => phone(rng, false),
        "text" => phone(rng, true),
        _ => format!("person{}@example.org", rng.below(10_000)),
    };
    let mut days: Vec<&str> = DAYS.iter().copied().filter(|_| rng.chance(40)).collect();
    if days.is_empty() {
        days.push(*rng.pick(DAYS));
    }
    let mut times: Vec<&str> = TIMES.iter().copied().filter(|_| rng.chance(50)).collect();
    if times.is_empty() {
        times.push(*rng.pick(TIMES));
    }
    let answer = *rng.pick(&["hang_up", "routine_survey", "ask_for_name"]);
    let mut v = json!({
        "schema_version": 1,
        "request_id": new_uuid(),
        "landlord": "livin",
        "area": rng.pick(AREAS),
        "contact_method": method,
        "contact": contact,
        "safe_days": days,
        "safe_times": times,
        "leave_message": rng.chance(30),
        "if_someone_else_answers": answer,
        "officer_gender": rng.pick(&["no_preference", "woman", "man"]),
        "bsl": rng.chance(10),
        "consent": true
    });
    if answer == "ask_for_name" || rng.chance(30) {
        v["name_to_ask_for"] = json!(rng.pick(&["Sam", "Jo", "Ms Ní Bhriain", "Aleksandra"]));
    }
    if rng.chance(30) {
        v["safe_times_note"] = json!("Weekday mornings before 11");
    }
    if rng.chance(20) {
        v["interpreter_language"] = json!(rng.pick(&["Polish", "Urdu", "Tigrinya"]));
    }
    if rng.chance(10) {
        v["other_access_needs"] = json!("Please speak slowly");
    }
    v
}

/// What a body is, and so what answers it may get.
enum Kind {
    Valid,
    Other,
}

fn body(rng: &mut Rng) -> (Kind, Vec<u8>) {
    match rng.below(100) {
        0..=24 => (Kind::Valid, valid(rng).to_string().into_bytes()),
        25..=69 => {
            let mut v = valid(rng);
            let map = v.as_object_mut().unwrap();
            for _ in 0..1 + rng.below(3) {
                let field = *rng.pick(FIELDS);
                match rng.below(4) {
                    0 => {
                        map.remove(field);
                    }
                    1 => {
                        map.insert(random_string(rng), random_value(rng, 0));
                    }
                    _ => {
                        map.insert(field.to_owned(), random_value(rng, 0));
                    }
                }
            }
            (Kind::Other, v.to_string().into_bytes())
        }
        70..=79 => (Kind::Other, random_value(rng, 0).to_string().into_bytes()),
        80..=89 => {
            let mut bytes = valid(rng).to_string().into_bytes();
            if rng.chance(50) {
                bytes.truncate(rng.below(bytes.len()));
            } else {
                let at = rng.below(bytes.len());
                bytes[at] = rng.next() as u8;
            }
            (Kind::Other, bytes)
        }
        90..=94 => (
            Kind::Other,
            (0..rng.below(2000)).map(|_| rng.next() as u8).collect(),
        ),
        95..=96 => {
            // Nesting far past serde_json's recursion limit, inside the size limit.
            let depth = 1000 + rng.below(6000);
            let s = format!(
                "{{\"safe_days\":{}{}}}",
                "[".repeat(depth),
                "]".repeat(depth)
            );
            (Kind::Other, s.into_bytes())
        }
        97 => {
            let mut s = valid(rng).to_string();
            s.insert_str(1, "\"consent\":false,");
            (Kind::Other, s.into_bytes())
        }
        98 => (
            Kind::Other,
            format!("{{\"schema_version\":1{}}}", "0".repeat(rng.below(5000))).into_bytes(),
        ),
        _ => (Kind::Other, vec![b' '; 17 * 1024]),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_bodies_never_break_the_server() {
    let seed: u64 = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5afe_c0de);
    let dir = tempdir();
    let s = Arc::new(serve(dir.path(), NO_LIMITS).await);
    let started = Instant::now();
    let totals = send_generated(&s, "/v1/callbacks", BODIES, seed, body, true).await;
    let sent: usize = totals.iter().sum();
    assert!(sent >= 10_000);
    println!(
        "sent {sent} bodies in {:.1}s: 201={} 400={} 413={} 422={}",
        started.elapsed().as_secs_f64(),
        totals[201],
        totals[400],
        totals[413],
        totals[422]
    );
    assert!(
        totals[201] > 2000 && totals[422] > 2000 && totals[400] > 500,
        "the generator should reach every kind of answer"
    );
    assert_eq!(count_rows(&s.db) as usize, totals[201]);
}

const NO_LIMITS: &str = "[rate_limit]\nper_client_per_hour = 1000000\nper_landlord_per_hour = 1000000\nglobal_per_hour = 1000000";

/// Sends `total` generated bodies to `route` from several workers at once and counts the
/// answers by status. Every answer must be 201 or a client error, and every valid body a 201;
/// with `answer_shape`, a 201 must say "received" and a refusal must name a field or the
/// request as a whole.
async fn send_generated(
    s: &Arc<Server>,
    route: &'static str,
    total: usize,
    seed: u64,
    generate: fn(&mut Rng) -> (Kind, Vec<u8>),
    answer_shape: bool,
) -> [usize; 600] {
    let mut tasks = Vec::new();
    for worker in 0..WORKERS {
        let s = Arc::clone(s);
        tasks.push(tokio::spawn(async move {
            let mut rng = Rng(seed ^ (worker as u64).wrapping_mul(0x1234_5678_9abc_def1));
            let client = reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap();
            let url = s.url(route);
            let mut counts = [0usize; 600];
            for i in 0..total / WORKERS {
                let (kind, bytes) = generate(&mut rng);
                let a = post_raw(&client, &url, bytes.clone(), &new_uuid(), ORIGIN_LIVIN).await;
                let code = a.status.as_u16();
                counts[code as usize] += 1;
                let what = || {
                    format!(
                        "worker {worker} body {i}: {code} {} for {:?}",
                        a.json,
                        String::from_utf8_lossy(&bytes[..bytes.len().min(300)])
                    )
                };
                assert!(matches!(code, 201 | 400 | 413 | 422), "{}", what());
                if answer_shape {
                    match code {
                        201 => assert_eq!(a.json["status"], "received", "{}", what()),
                        _ => assert!(
                            !a.fields().is_empty() || a.json["errors"][0]["field"].is_null(),
                            "{}",
                            what()
                        ),
                    }
                }
                if matches!(kind, Kind::Valid) {
                    assert_eq!(code, 201, "{}", what());
                }
            }
            counts
        }));
    }
    let mut totals = [0usize; 600];
    for t in tasks {
        let counts = t.await.expect("a worker failed");
        for (total, n) in totals.iter_mut().zip(counts) {
            *total += n;
        }
    }
    totals
}

/// An envelope the server must accept. It checks only sizes and encodings, so random bytes of
/// the right lengths stand in for a real seal, which would make the test slow for nothing.
fn valid_envelope(rng: &mut Rng) -> Value {
    let mut bytes = |n: usize| (0..n).map(|_| rng.next() as u8).collect::<Vec<u8>>();
    let (enc, ciphertext) = (bytes(ENC_LEN), bytes(CIPHERTEXT_LEN));
    serde_json::to_value(Envelope::from_parts(
        "livin",
        &new_uuid(),
        "livin-test-1",
        &enc,
        &ciphertext,
    ))
    .unwrap()
}

const ENVELOPE_FIELDS: &[&str] = &[
    "envelope_version",
    "landlord",
    "request_id",
    "key_id",
    "enc",
    "ciphertext",
];

fn envelope_body(rng: &mut Rng) -> (Kind, Vec<u8>) {
    match rng.below(100) {
        0..=24 => (Kind::Valid, valid_envelope(rng).to_string().into_bytes()),
        25..=64 => {
            let mut v = valid_envelope(rng);
            let map = v.as_object_mut().unwrap();
            for _ in 0..1 + rng.below(3) {
                let field = *rng.pick(ENVELOPE_FIELDS);
                match rng.below(4) {
                    0 => {
                        map.remove(field);
                    }
                    1 => {
                        map.insert(random_string(rng), random_value(rng, 0));
                    }
                    _ => {
                        map.insert(field.to_owned(), random_value(rng, 0));
                    }
                }
            }
            (Kind::Other, v.to_string().into_bytes())
        }
        65..=79 => {
            // Near misses in the binary parts: a character more or less, or one outside the
            // alphabet.
            let mut v = valid_envelope(rng);
            let field = *rng.pick(&["enc", "ciphertext"]);
            let mut text = v[field].as_str().unwrap().to_owned();
            match rng.below(3) {
                0 => {
                    text.pop();
                }
                1 => text.push('A'),
                _ => {
                    let at = rng.below(text.len());
                    text.replace_range(at..at + 1, rng.pick::<&str>(&["+", "/", "=", " ", "é"]));
                }
            }
            v[field] = json!(text);
            (Kind::Other, v.to_string().into_bytes())
        }
        80..=87 => (Kind::Other, random_value(rng, 0).to_string().into_bytes()),
        88..=95 => {
            let mut bytes = valid_envelope(rng).to_string().into_bytes();
            if rng.chance(50) {
                bytes.truncate(rng.below(bytes.len()));
            } else {
                let at = rng.below(bytes.len());
                bytes[at] = rng.next() as u8;
            }
            (Kind::Other, bytes)
        }
        96..=98 => (
            Kind::Other,
            (0..rng.below(2000)).map(|_| rng.next() as u8).collect(),
        ),
        _ => (Kind::Other, vec![b' '; 17 * 1024]),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_envelopes_never_break_the_server() {
    let seed: u64 = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5ea1_ed00);
    let dir = tempdir();
    let s = Arc::new(serve(dir.path(), NO_LIMITS).await);
    let totals = send_generated(
        &s,
        "/v1/callbacks/sealed",
        ENVELOPES,
        seed,
        envelope_body,
        false,
    )
    .await;
    assert_eq!(totals.iter().sum::<usize>(), ENVELOPES);
    assert!(
        totals[201] > 500 && totals[422] > 1000 && totals[400] > 200,
        "the generator should reach every kind of answer: 201={} 400={} 422={}",
        totals[201],
        totals[400],
        totals[422]
    );
    assert_eq!(count_rows(&s.db) as usize, totals[201]);
}
