use super::*;
use getrandom::SysRng;
use rand_core::UnwrapErr;
use safe_contact_callback::{parse, CallbackRequest, MAX_EMAIL, SCHEMA_VERSION};
use serde_json::json;

const LIVIN: &str = "livin";
const REQUEST_ID: &str = "3f2b8c1e-9d4a-4e6b-8f0a-2c5d7e9b1a34";

fn rng() -> UnwrapErr<SysRng> {
    UnwrapErr(SysRng)
}

fn keypair() -> (String, String) {
    generate_keypair(&mut rng())
}

fn key<'a>(public: &'a str) -> PublicKeyInfo<'a> {
    PublicKeyInfo {
        key_id: "livin-test-1",
        public_key_b64: public,
    }
}

fn request_json() -> Vec<u8> {
    json!({
        "schema_version": 1,
        "request_id": REQUEST_ID,
        "landlord": LIVIN,
        "area": "darlington",
        "contact_method": "call",
        "contact": "07700900123",
        "safe_days": ["monday"],
        "safe_times": ["morning"],
        "if_someone_else_answers": "hang_up",
        "consent": true
    })
    .to_string()
    .into_bytes()
}

fn sealed(public: &str) -> Envelope {
    seal(
        &request_json(),
        LIVIN,
        SCHEMA_VERSION,
        REQUEST_ID,
        &key(public),
        &mut rng(),
    )
    .unwrap()
}

#[test]
fn info_bytes_are_as_documented() {
    assert_eq!(
        info("livin", 1),
        b"safe-contact/sealed-request/v1\0livin\0\0\0\0\x01".to_vec()
    );
    assert_ne!(info("livin", 1), info("livin", 2));
    assert_ne!(info("livin", 1), info("livi", 1));
}

#[test]
fn round_trip() {
    let (private, public) = keypair();
    let envelope = sealed(&public);
    assert_eq!(envelope.check(), Ok(()));
    assert_eq!(envelope.key_id, "livin-test-1");
    assert_eq!(
        open(&envelope, &private, LIVIN, SCHEMA_VERSION).unwrap(),
        request_json()
    );
    assert_eq!(public_key_for(&private).unwrap(), public);
    // The JSON form reads back to the same envelope.
    let body = serde_json::to_vec(&envelope).unwrap();
    assert_eq!(Envelope::parse(&body).unwrap(), envelope);
}

#[test]
fn envelopes_are_written_as_serde_writes_them() {
    let (private, public) = keypair();
    let envelope = sealed(&public);
    assert_eq!(
        envelope.to_json(),
        serde_json::to_string(&envelope).unwrap()
    );
    assert_eq!(Envelope::parse(envelope.to_json().as_bytes()), Ok(envelope));
    // Fields that never pass the checks still write as serde writes them.
    let odd = Envelope {
        envelope_version: u32::MAX,
        landlord: "\"quoted\" \\ \n\t\u{1} é 😀 \u{2028}".into(),
        request_id: String::new(),
        ..Envelope::from_parts(LIVIN, REQUEST_ID, "livin-test-1", &[1; ENC_LEN], &[2; 3])
    };
    assert_eq!(odd.to_json(), serde_json::to_string(&odd).unwrap());

    // What the widget seals, the request's own to_json, opens to the same request.
    let request = parse(&request_json()).unwrap();
    let envelope = seal(
        request.to_json().as_bytes(),
        LIVIN,
        SCHEMA_VERSION,
        REQUEST_ID,
        &key(&public),
        &mut rng(),
    )
    .unwrap();
    let opened = open(&envelope, &private, LIVIN, SCHEMA_VERSION).unwrap();
    assert_eq!(parse(&opened).unwrap(), request);
}

#[test]
fn every_ciphertext_has_the_same_length() {
    let (private, public) = keypair();
    let mut lengths = Vec::new();
    for plaintext in [
        Vec::new(),
        b"{}".to_vec(),
        request_json(),
        vec![b'x'; MAX_PLAINTEXT],
    ] {
        let e = seal(&plaintext, LIVIN, 1, REQUEST_ID, &key(&public), &mut rng()).unwrap();
        lengths.push((e.enc.len(), e.ciphertext.len()));
        assert_eq!(e.binary_parts().unwrap().1.len(), CIPHERTEXT_LEN);
        assert_eq!(open(&e, &private, LIVIN, 1).unwrap(), plaintext);
    }
    assert!(lengths.iter().all(|l| *l == (43, 5483)), "{lengths:?}");
    assert_eq!(
        seal(
            &vec![b'x'; MAX_PLAINTEXT + 1],
            LIVIN,
            1,
            REQUEST_ID,
            &key(&public),
            &mut rng()
        ),
        Err(SealError::TooLarge)
    );
}

#[test]
fn two_seals_of_the_same_request_differ() {
    let (_, public) = keypair();
    let (a, b) = (sealed(&public), sealed(&public));
    assert_ne!(a.enc, b.enc);
    assert_ne!(a.ciphertext, b.ciphertext);
}

/// Flips one bit of a base64url field's bytes.
fn flip(field: &str, byte: usize) -> String {
    let mut bytes = URL_SAFE_NO_PAD.decode(field).unwrap();
    bytes[byte] ^= 0x01;
    URL_SAFE_NO_PAD.encode(bytes)
}

#[test]
fn tampering_wrong_key_and_wrong_binding_are_refused() {
    let (private, public) = keypair();
    let envelope = sealed(&public);
    let refused = |e: &Envelope, private: &str, landlord: &str, schema: u32| {
        open(e, private, landlord, schema).unwrap_err()
    };

    for byte in [0, 100, BUCKET - 1, CIPHERTEXT_LEN - 1] {
        let mut e = envelope.clone();
        e.ciphertext = flip(&e.ciphertext, byte);
        assert_eq!(e.check(), Ok(()), "the server cannot tell");
        assert_eq!(refused(&e, &private, LIVIN, 1), OpenError::CannotOpen);
    }
    let mut e = envelope.clone();
    e.enc = flip(&e.enc, 5);
    assert_eq!(refused(&e, &private, LIVIN, 1), OpenError::CannotOpen);

    let (other_private, _) = keypair();
    assert_eq!(
        refused(&envelope, &other_private, LIVIN, 1),
        OpenError::CannotOpen
    );

    // Associated data: the envelope moved to another request id.
    let mut e = envelope.clone();
    e.request_id = "3f2b8c1e-9d4a-4e6b-8f0a-2c5d7e9b1a35".into();
    assert_eq!(refused(&e, &private, LIVIN, 1), OpenError::CannotOpen);

    // Info: the envelope relabelled for another landlord, or opened as another schema.
    let mut e = envelope.clone();
    e.landlord = "star-housing".into();
    assert_eq!(
        refused(&e, &private, "star-housing", 1),
        OpenError::CannotOpen
    );
    assert_eq!(
        refused(&envelope, &private, "star-housing", 1),
        OpenError::WrongLandlord
    );
    assert_eq!(
        refused(&envelope, &private, LIVIN, 2),
        OpenError::CannotOpen
    );

    assert_eq!(
        refused(&envelope, "not a key", LIVIN, 1),
        OpenError::BadPrivateKey
    );
    let mut e = envelope.clone();
    e.ciphertext.pop();
    assert_eq!(refused(&e, &private, LIVIN, 1), OpenError::BadEnvelope);
}

#[test]
fn seal_refuses_what_the_endpoint_would() {
    let (_, public) = keypair();
    let try_seal = |landlord: &str, request_id: &str, key: PublicKeyInfo<'_>| {
        seal(b"{}", landlord, 1, request_id, &key, &mut rng())
    };
    assert_eq!(
        try_seal("Livin", REQUEST_ID, key(&public)),
        Err(SealError::BadId("landlord"))
    );
    assert_eq!(
        try_seal(LIVIN, &REQUEST_ID.to_uppercase(), key(&public)),
        Err(SealError::BadId("request_id"))
    );
    let bad_id = PublicKeyInfo {
        key_id: "key 1",
        public_key_b64: &public,
    };
    assert_eq!(
        try_seal(LIVIN, REQUEST_ID, bad_id),
        Err(SealError::BadId("key_id"))
    );
    for bad in ["", "AAAA", &format!("{public}="), &public[1..]] {
        assert_eq!(
            try_seal(LIVIN, REQUEST_ID, key(bad)),
            Err(SealError::BadPublicKey),
            "{bad}"
        );
    }
    // A low-order point would give an all-zero shared secret, which RFC 9180 says to refuse.
    let zero = URL_SAFE_NO_PAD.encode([0u8; 32]);
    assert_eq!(
        try_seal(LIVIN, REQUEST_ID, key(&zero)),
        Err(SealError::Crypto)
    );
}

#[test]
fn check_names_every_bad_field() {
    let (_, public) = keypair();
    let good = sealed(&public);
    let fields = |e: &Envelope| -> Vec<String> {
        e.check()
            .unwrap_err()
            .into_iter()
            .map(|p| p.field)
            .collect()
    };
    let mut e = good.clone();
    e.envelope_version = 2;
    e.landlord = "../etc".into();
    e.request_id = REQUEST_ID.to_uppercase();
    e.key_id = String::new();
    e.enc = format!("{}=", good.enc);
    e.ciphertext = good.ciphertext.replace(|c: char| c.is_ascii_digit(), "+");
    assert_eq!(
        fields(&e),
        [
            "envelope_version",
            "landlord",
            "request_id",
            "key_id",
            "enc",
            "ciphertext"
        ]
    );
    // Right length of text, wrong alphabet or non-canonical trailing bits.
    let mut e = good.clone();
    e.enc = format!("{}/", &good.enc[..42]);
    assert_eq!(fields(&e), ["enc"]);
    let mut e = good.clone();
    // The last character carries 4 bits; a canonical one leaves its 2 spare bits zero, as 'B' does not.
    e.enc = format!("{}B", &good.enc[..42]);
    assert_eq!(fields(&e), ["enc"]);
    assert!(CIPHERTEXT_MESSAGE.contains(&CIPHERTEXT_LEN.to_string()));
    assert!(CIPHERTEXT_MESSAGE.contains(&BUCKET.to_string()));
}

#[test]
fn parse_reports_shape_problems_like_the_plaintext_route() {
    let (_, public) = keypair();
    let good = serde_json::to_value(sealed(&public)).unwrap();
    let fields = |v: &Value| match Envelope::parse(v.to_string().as_bytes()) {
        Err(ParseError::Fields(errors)) => errors.into_iter().map(|e| e.field).collect(),
        other => panic!("{other:?}"),
    };
    let mut v = good.clone();
    v.as_object_mut().unwrap().remove("key_id");
    v["enc"] = json!(32);
    v["envelope_version"] = json!("1");
    v["phone"] = json!("07700900123");
    let found: Vec<String> = fields(&v);
    assert_eq!(found, ["envelope_version", "key_id", "enc", "phone"]);
    assert_eq!(
        Envelope::parse(b"[1]"),
        Err(ParseError::Malformed("The request must be a JSON object"))
    );
    assert_eq!(
        Envelope::parse(b"{"),
        Err(ParseError::Malformed("The request is not valid JSON"))
    );
    let twice = good
        .to_string()
        .replacen('{', "{\"landlord\":\"star-housing\",", 1);
    assert_eq!(
        Envelope::parse(twice.as_bytes()),
        Err(ParseError::Malformed("Each field may appear only once"))
    );
}

/// The bucket must hold the largest request the form can produce, with room to spare: every
/// free-text field at its limit in four-byte characters and the longest email address.
#[test]
fn the_largest_valid_request_fits_the_bucket() {
    use safe_contact_callback::limits;
    let wide = |n: usize| "\u{1F600}".repeat(n);
    let local = "a".repeat(64);
    let label = "b".repeat(61);
    let domain = format!("{label}.{label}.{label}.org");
    let contact = format!("{local}@{domain}");
    assert_eq!(contact.len(), MAX_EMAIL);
    let long_id = "x".repeat(limits::ID);
    let body = json!({
        "schema_version": 1,
        "request_id": REQUEST_ID,
        "landlord": long_id,
        "area": long_id,
        "contact_method": "email",
        "contact": contact,
        "safe_days": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
        "safe_times": ["morning", "afternoon", "evening"],
        "safe_times_note": wide(limits::SAFE_TIMES_NOTE),
        "leave_message": true,
        "if_someone_else_answers": "ask_for_name",
        "name_to_ask_for": wide(limits::NAME_TO_ASK_FOR),
        "officer_gender": "no_preference",
        "interpreter_language": wide(limits::INTERPRETER_LANGUAGE),
        "bsl": true,
        "other_access_needs": wide(limits::OTHER_ACCESS_NEEDS),
        "consent": true
    });
    let request: CallbackRequest = parse(body.to_string().as_bytes())
        .unwrap()
        .validate(&[long_id.as_str(), "another-area"])
        .unwrap();
    let json = serde_json::to_vec(&request).unwrap();
    assert_eq!(request.to_json().into_bytes(), json);
    assert!(
        json.len() < BUCKET * 3 / 4,
        "the largest request is {} bytes",
        json.len()
    );
}
