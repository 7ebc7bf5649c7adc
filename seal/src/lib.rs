//! Sealed callback requests: the widget seals a request to the landlord's public key before it
//! leaves the browser, the endpoint stores only the sealed envelope, and only staff holding the
//! private key can open it.
//!
//! The suite is HPKE (RFC 9180) in base mode with DHKEM(X25519, HKDF-SHA256), HKDF-SHA256 and
//! ChaCha20-Poly1305, through the `hpke` crate. Three things are bound into every seal, so an
//! envelope cannot be moved to another landlord, schema or request without failing to open:
//!
//! - `info` = `"safe-contact/sealed-request/v1"`, a 0x00 byte, the landlord id (ASCII), a 0x00
//!   byte, and the schema version as 4 bytes big-endian. For Livin and schema 1 that is
//!   `safe-contact/sealed-request/v1\0livin\0\0\0\0\x01` ([`info`]).
//! - associated data = the request id, the lower-case UUID as its 36 ASCII bytes.
//! - the plaintext (the request's JSON) is padded to exactly [`BUCKET`] bytes: the JSON, one
//!   0x80 byte, then zeros. Every ciphertext is therefore [`CIPHERTEXT_LEN`] bytes, whatever
//!   was typed, so its length says nothing about the person.
//!
//! The envelope as JSON (`POST /v1/callbacks/sealed`), with the binary parts in base64url
//! without padding:
//!
//! ```json
//! {
//!   "envelope_version": 1,
//!   "landlord": "livin",
//!   "request_id": "3f2b8c1e-9d4a-4e6b-8f0a-2c5d7e9b1a34",
//!   "key_id": "livin-demo-1",
//!   "enc": "<43 characters: the 32-byte encapsulated key>",
//!   "ciphertext": "<5483 characters: 4096 padded bytes and the 16-byte tag>"
//! }
//! ```
//!
//! Randomness comes from the caller (`rng`), so this crate needs no `getrandom` and builds for
//! wasm32 as it is.

#![forbid(unsafe_code)]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hpke::{Deserializable, Kem as _, OpModeR, OpModeS, Serializable};
#[cfg(feature = "serde")]
use safe_contact_callback::ParseError;
use safe_contact_callback::{is_id, normalise_request_id, FieldError};
use safe_contact_json::ObjectWriter;
#[cfg(feature = "serde")]
use serde::{Deserialize, Serialize};
#[cfg(feature = "serde")]
use serde_json::Value;
use zeroize::{Zeroize, Zeroizing};

/// The `rand_core` that [`seal`] and [`generate_keypair`] take their random source from.
pub use hpke::rand_core;
use rand_core::CryptoRng;

/// The HPKE suite, named for tests and for anyone checking it against RFC 9180.
pub mod suite {
    pub type Kem = hpke::kem::X25519HkdfSha256;
    pub type Kdf = hpke::kdf::HkdfSha256;
    pub type Aead = hpke::aead::ChaCha20Poly1305;
}
use suite::{Aead, Kdf, Kem};

pub const ENVELOPE_VERSION: u32 = 1;
/// Every plaintext is padded to this many bytes. The largest valid request is under 3 KB (see
/// the tests), so this leaves room without making every envelope large.
pub const BUCKET: usize = 4096;
/// The padding takes at least one byte.
pub const MAX_PLAINTEXT: usize = BUCKET - 1;
pub const ENC_LEN: usize = 32;
pub const TAG_LEN: usize = 16;
pub const CIPHERTEXT_LEN: usize = BUCKET + TAG_LEN;
pub const KEY_LEN: usize = 32;
pub const INFO_LABEL: &[u8] = b"safe-contact/sealed-request/v1";

/// A landlord's public key, as its profile gives it.
#[derive(Clone, Copy, Debug)]
pub struct PublicKeyInfo<'a> {
    /// Names the key, so staff know which private key opens the envelope and keys can rotate.
    pub key_id: &'a str,
    /// The 32-byte X25519 public key in base64url without padding.
    pub public_key_b64: &'a str,
}

/// A sealed request, exactly as the widget posts it and the staff API returns it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Envelope {
    /// Always [`ENVELOPE_VERSION`].
    pub envelope_version: u32,
    pub landlord: String,
    pub request_id: String,
    pub key_id: String,
    /// The HPKE encapsulated key, base64url without padding.
    pub enc: String,
    /// The sealed, padded request and its tag, base64url without padding.
    pub ciphertext: String,
}

#[cfg(feature = "serde")]
const FIELDS: &[&str] = &[
    "envelope_version",
    "landlord",
    "request_id",
    "key_id",
    "enc",
    "ciphertext",
];

const VERSION_MESSAGE: &str = "This page is out of date. Reload it and try again";
const LANDLORD_MESSAGE: &str = "The landlord is not one this service knows";
const REQUEST_ID_MESSAGE: &str =
    "The request ID must be a random UUID in lower case, like 3f2b8c1e-9d4a-4e6b-8f0a-2c5d7e9b1a34";
const KEY_ID_MESSAGE: &str = "The key ID must be lower-case letters, digits and hyphens";
const ENC_MESSAGE: &str = "The encapsulated key must be 32 bytes in base64url without padding";
const CIPHERTEXT_MESSAGE: &str =
    "The ciphertext must be 4112 bytes (4096 padded bytes and the tag) in base64url without padding";

impl Envelope {
    /// Reads a body as an envelope and [checks](Envelope::check) it, reporting every bad field at
    /// once, as `safe_contact_callback::parse` does for plaintext requests.
    #[cfg(feature = "serde")]
    pub fn parse(body: &[u8]) -> Result<Envelope, ParseError> {
        let value: Value = serde_json::from_slice(body)
            .map_err(|_| ParseError::Malformed("The request is not valid JSON"))?;
        let Value::Object(map) = value else {
            return Err(ParseError::Malformed("The request must be a JSON object"));
        };
        let mut errors = Vec::new();
        for &field in FIELDS {
            let fits = match map.get(field) {
                None => false,
                Some(v) if field == "envelope_version" => u32::deserialize(v).is_ok(),
                Some(v) => v.is_string(),
            };
            if !fits {
                errors.push(problem(field, shape_message(field)));
            }
        }
        for key in map.keys().filter(|k| !FIELDS.contains(&k.as_str())) {
            // Echoed only to the sender, cut short so a huge key cannot bloat the answer.
            errors.push(FieldError {
                field: key.chars().take(40).collect(),
                message: "This is not part of a sealed request".into(),
                key: "",
            });
        }
        if !errors.is_empty() {
            return Err(ParseError::Fields(errors));
        }
        // The map kept only the last of two equal keys; the strict derive refuses them.
        let envelope: Envelope = serde_json::from_slice(body)
            .map_err(|_| ParseError::Malformed("Each field may appear only once"))?;
        envelope.check().map_err(ParseError::Fields)?;
        Ok(envelope)
    }

    /// Everything that can be known without the private key: the version, well-formed ids, and
    /// an encapsulated key and ciphertext of exactly the right sizes in canonical base64url.
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.envelope_version != ENVELOPE_VERSION {
            errors.push(problem("envelope_version", VERSION_MESSAGE));
        }
        if !is_id(&self.landlord) {
            errors.push(problem("landlord", LANDLORD_MESSAGE));
        }
        if !is_canonical_request_id(&self.request_id) {
            errors.push(problem("request_id", REQUEST_ID_MESSAGE));
        }
        if !is_id(&self.key_id) {
            errors.push(problem("key_id", KEY_ID_MESSAGE));
        }
        if decode_exact(&self.enc, ENC_LEN).is_none() {
            errors.push(problem("enc", ENC_MESSAGE));
        }
        if decode_exact(&self.ciphertext, CIPHERTEXT_LEN).is_none() {
            errors.push(problem("ciphertext", CIPHERTEXT_MESSAGE));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The encapsulated key and ciphertext as bytes, for storing; `None` unless they pass
    /// [`Envelope::check`].
    pub fn binary_parts(&self) -> Option<(Vec<u8>, Vec<u8>)> {
        Some((
            decode_exact(&self.enc, ENC_LEN)?,
            decode_exact(&self.ciphertext, CIPHERTEXT_LEN)?,
        ))
    }

    /// The envelope as compact JSON, byte for byte what `serde_json::to_string` writes, so the
    /// widget can post it without serde (the widget's wasm budget).
    pub fn to_json(&self) -> String {
        let mut w = ObjectWriter::new();
        w.u32("envelope_version", self.envelope_version)
            .str("landlord", &self.landlord)
            .str("request_id", &self.request_id)
            .str("key_id", &self.key_id)
            .str("enc", &self.enc)
            .str("ciphertext", &self.ciphertext);
        w.finish()
    }

    /// Rebuilds an envelope from stored parts.
    pub fn from_parts(
        landlord: &str,
        request_id: &str,
        key_id: &str,
        enc: &[u8],
        ciphertext: &[u8],
    ) -> Envelope {
        Envelope {
            envelope_version: ENVELOPE_VERSION,
            landlord: landlord.to_owned(),
            request_id: request_id.to_owned(),
            key_id: key_id.to_owned(),
            enc: URL_SAFE_NO_PAD.encode(enc),
            ciphertext: URL_SAFE_NO_PAD.encode(ciphertext),
        }
    }
}

fn problem(field: &str, message: &str) -> FieldError {
    FieldError {
        field: field.to_owned(),
        message: message.to_owned(),
        key: "",
    }
}

#[cfg(feature = "serde")]
fn shape_message(field: &str) -> &'static str {
    match field {
        "envelope_version" => VERSION_MESSAGE,
        "landlord" => LANDLORD_MESSAGE,
        "request_id" => REQUEST_ID_MESSAGE,
        "key_id" => KEY_ID_MESSAGE,
        "enc" => ENC_MESSAGE,
        _ => CIPHERTEXT_MESSAGE,
    }
}

/// Only the lower-case form: the request id is the associated data, so the bytes must be the
/// same when sealing and opening.
fn is_canonical_request_id(s: &str) -> bool {
    normalise_request_id(s).is_some_and(|n| n == s)
}

/// Decodes canonical base64url without padding, and only if it holds exactly `len` bytes. The
/// length is checked on the text first, so an oversized field is refused without decoding it.
fn decode_exact(text: &str, len: usize) -> Option<Vec<u8>> {
    if text.len() != (len * 4).div_ceil(3) {
        return None;
    }
    URL_SAFE_NO_PAD
        .decode(text)
        .ok()
        .filter(|bytes| bytes.len() == len)
}

/// The HPKE `info` for a landlord and schema version (see the crate documentation).
pub fn info(landlord: &str, schema_version: u32) -> Vec<u8> {
    let mut info = Vec::with_capacity(INFO_LABEL.len() + landlord.len() + 6);
    info.extend_from_slice(INFO_LABEL);
    info.push(0);
    info.extend_from_slice(landlord.as_bytes());
    info.push(0);
    info.extend_from_slice(&schema_version.to_be_bytes());
    info
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SealError {
    /// The request's JSON is longer than [`MAX_PLAINTEXT`] bytes.
    TooLarge,
    /// This id (`landlord`, `request_id` or `key_id`) is not well formed, so the endpoint would
    /// refuse the envelope.
    BadId(&'static str),
    /// The public key is not 32 bytes of base64url without padding.
    BadPublicKey,
    /// HPKE refused, for example for a public key of low order.
    Crypto,
}

impl std::fmt::Display for SealError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SealError::TooLarge => write!(f, "the request is larger than {MAX_PLAINTEXT} bytes"),
            SealError::BadId(field) => write!(f, "the {field} is not well formed"),
            SealError::BadPublicKey => {
                f.write_str("the landlord's public key is not 32 bytes of base64url")
            }
            SealError::Crypto => f.write_str("the request could not be sealed to this key"),
        }
    }
}

impl std::error::Error for SealError {}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenError {
    /// The envelope fails [`Envelope::check`].
    BadEnvelope,
    /// The envelope names another landlord than the one it is being opened for.
    WrongLandlord,
    /// The private key is not 32 bytes of base64url without padding.
    BadPrivateKey,
    /// The authentication failed: the ciphertext, encapsulated key, request id or landlord was
    /// changed after sealing, or this is not the key it was sealed to.
    CannotOpen,
    /// It opened, so it is what the sender sealed, but the padding is wrong: the sender is broken.
    BadPadding,
}

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            OpenError::BadEnvelope => {
                "the sealed request is damaged: its envelope is not well formed"
            }
            OpenError::WrongLandlord => "the sealed request is for another landlord",
            OpenError::BadPrivateKey => "the private key is not 32 bytes of base64url",
            OpenError::CannotOpen => {
                "the sealed request cannot be opened: it was changed after it was sealed, its \
                 request id or landlord was altered, or it was not sealed to this key"
            }
            OpenError::BadPadding => {
                "the sealed request opened but its padding is wrong: the sender's sealing is broken"
            }
        })
    }
}

impl std::error::Error for OpenError {}

/// Seals a request's JSON to the landlord's public key (see the crate documentation for what
/// `info`, the associated data and the padding are).
pub fn seal(
    request_json: &[u8],
    landlord: &str,
    schema_version: u32,
    request_id: &str,
    key: &PublicKeyInfo<'_>,
    rng: &mut impl CryptoRng,
) -> Result<Envelope, SealError> {
    if !is_id(landlord) {
        return Err(SealError::BadId("landlord"));
    }
    if !is_canonical_request_id(request_id) {
        return Err(SealError::BadId("request_id"));
    }
    if !is_id(key.key_id) {
        return Err(SealError::BadId("key_id"));
    }
    let public_key = decode_exact(key.public_key_b64, KEY_LEN)
        .and_then(|bytes| <Kem as hpke::Kem>::PublicKey::from_bytes(&bytes).ok())
        .ok_or(SealError::BadPublicKey)?;
    if request_json.len() > MAX_PLAINTEXT {
        return Err(SealError::TooLarge);
    }
    let mut padded = Zeroizing::new(Vec::with_capacity(BUCKET));
    padded.extend_from_slice(request_json);
    padded.push(0x80);
    padded.resize(BUCKET, 0);
    let (enc, ciphertext) = hpke::single_shot_seal_with_rng::<Aead, Kdf, Kem>(
        &OpModeS::Base,
        &public_key,
        &info(landlord, schema_version),
        &padded,
        request_id.as_bytes(),
        rng,
    )
    .map_err(|_| SealError::Crypto)?;
    Ok(Envelope {
        envelope_version: ENVELOPE_VERSION,
        landlord: landlord.to_owned(),
        request_id: request_id.to_owned(),
        key_id: key.key_id.to_owned(),
        enc: URL_SAFE_NO_PAD.encode(enc.to_bytes()),
        ciphertext: URL_SAFE_NO_PAD.encode(ciphertext),
    })
}

/// Opens an envelope sealed for `landlord` and `schema_version` with the private key, and
/// returns the request's JSON without its padding.
pub fn open(
    envelope: &Envelope,
    private_key_b64: &str,
    landlord: &str,
    schema_version: u32,
) -> Result<Vec<u8>, OpenError> {
    envelope.check().map_err(|_| OpenError::BadEnvelope)?;
    if envelope.landlord != landlord {
        return Err(OpenError::WrongLandlord);
    }
    let private_key = private_key(private_key_b64)?;
    let (enc, ciphertext) = envelope.binary_parts().ok_or(OpenError::BadEnvelope)?;
    let enc =
        <Kem as hpke::Kem>::EncappedKey::from_bytes(&enc).map_err(|_| OpenError::BadEnvelope)?;
    let padded = hpke::single_shot_open::<Aead, Kdf, Kem>(
        &OpModeR::Base,
        &private_key,
        &enc,
        &info(landlord, schema_version),
        &ciphertext,
        envelope.request_id.as_bytes(),
    )
    .map_err(|_| OpenError::CannotOpen)?;
    unpad(padded)
}

fn unpad(mut padded: Vec<u8>) -> Result<Vec<u8>, OpenError> {
    let end = padded.iter().rposition(|&b| b != 0);
    match end {
        Some(end) if padded.len() == BUCKET && padded[end] == 0x80 => {
            padded.truncate(end);
            Ok(padded)
        }
        _ => {
            padded.zeroize();
            Err(OpenError::BadPadding)
        }
    }
}

fn private_key(private_key_b64: &str) -> Result<<Kem as hpke::Kem>::PrivateKey, OpenError> {
    let bytes = Zeroizing::new(
        decode_exact(private_key_b64.trim(), KEY_LEN).ok_or(OpenError::BadPrivateKey)?,
    );
    <Kem as hpke::Kem>::PrivateKey::from_bytes(&bytes).map_err(|_| OpenError::BadPrivateKey)
}

/// A new key pair as `(private, public)`, both base64url without padding. The public key goes
/// in the landlord's profile; the private key stays with the landlord's staff.
pub fn generate_keypair(rng: &mut impl CryptoRng) -> (String, String) {
    let (private_key, public_key) = Kem::gen_keypair_with_rng(rng);
    let secret = Zeroizing::new(private_key.to_bytes().to_vec());
    (
        URL_SAFE_NO_PAD.encode(&*secret),
        URL_SAFE_NO_PAD.encode(public_key.to_bytes()),
    )
}

/// The public key that belongs to a private key, so a key file can be checked before use.
pub fn public_key_for(private_key_b64: &str) -> Result<String, OpenError> {
    let private_key = private_key(private_key_b64)?;
    Ok(URL_SAFE_NO_PAD.encode(Kem::sk_to_pk(&private_key).to_bytes()))
}

#[cfg(test)]
mod tests;
