//! A soft authenticator for the passkey tests: a P-256 key of its own, and answers built byte
//! by byte as a browser with a platform authenticator gives them ("none" attestation, user
//! present and verified), so the server's checks meet what a real browser sends.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

pub struct Authenticator {
    key: SigningKey,
    pub credential_id: Vec<u8>,
    /// The user handle the passkey was made for, given back at each sign-in.
    pub user_handle: Vec<u8>,
    sign_count: u32,
    /// Synced passkeys report a signature counter of 0 every time, so the counter cannot tell
    /// a replayed answer from a fresh one; only the used challenge can.
    pub counts: bool,
    rp_id: String,
    origin: String,
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn random<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).unwrap();
    b
}

/// CBOR's header for a byte string of `len` bytes.
fn cbor_bytes(len: usize) -> Vec<u8> {
    match len {
        0..24 => vec![0x40 | len as u8],
        24..256 => vec![0x58, len as u8],
        _ => vec![0x59, (len >> 8) as u8, len as u8],
    }
}

impl Authenticator {
    pub fn new(rp_id: &str, origin: &str) -> Authenticator {
        Authenticator {
            key: SigningKey::from_bytes(&random::<32>().into()).unwrap(),
            credential_id: random::<16>().to_vec(),
            user_handle: Vec::new(),
            sign_count: 0,
            counts: true,
            rp_id: rp_id.to_owned(),
            origin: origin.to_owned(),
        }
    }

    fn client_data(&self, kind: &str, challenge: &str) -> Vec<u8> {
        format!(
            r#"{{"type":"{kind}","challenge":"{challenge}","origin":"{}","crossOrigin":false}}"#,
            self.origin
        )
        .into_bytes()
    }

    fn rp_id_hash(&self) -> Vec<u8> {
        Sha256::digest(self.rp_id.as_bytes()).to_vec()
    }

    /// `navigator.credentials.create()` with the server's creation options, as `toJSON()` gives
    /// its answer.
    pub fn create(&mut self, options: &Value) -> Value {
        let challenge = options["challenge"].as_str().unwrap();
        self.user_handle = URL_SAFE_NO_PAD
            .decode(options["user"]["id"].as_str().unwrap())
            .unwrap();
        let client_data = self.client_data("webauthn.create", challenge);
        let point = self.key.verifying_key().to_encoded_point(false);
        let mut cose = vec![0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20];
        cose.extend_from_slice(point.x().unwrap());
        cose.extend_from_slice(&[0x22, 0x58, 0x20]);
        cose.extend_from_slice(point.y().unwrap());
        let mut auth_data = self.rp_id_hash();
        // User present, user verified, attested credential data included.
        auth_data.push(0b0100_0101);
        auth_data.extend_from_slice(&0u32.to_be_bytes());
        auth_data.extend_from_slice(&[0; 16]);
        auth_data.extend_from_slice(&(self.credential_id.len() as u16).to_be_bytes());
        auth_data.extend_from_slice(&self.credential_id);
        auth_data.extend_from_slice(&cose);
        let mut attestation = vec![0xa3, 0x63];
        attestation.extend_from_slice(b"fmt");
        attestation.push(0x64);
        attestation.extend_from_slice(b"none");
        attestation.push(0x67);
        attestation.extend_from_slice(b"attStmt");
        attestation.push(0xa0);
        attestation.push(0x68);
        attestation.extend_from_slice(b"authData");
        attestation.extend_from_slice(&cbor_bytes(auth_data.len()));
        attestation.extend_from_slice(&auth_data);
        // SubjectPublicKeyInfo for a P-256 key: a fixed prefix, then the point.
        let mut spki = vec![
            0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06,
            0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
        ];
        spki.extend_from_slice(point.as_bytes());
        json!({
            "id": b64(&self.credential_id),
            "rawId": b64(&self.credential_id),
            "response": {
                "clientDataJSON": b64(&client_data),
                "authenticatorData": b64(&auth_data),
                "transports": ["internal"],
                "publicKey": b64(&spki),
                "publicKeyAlgorithm": -7,
                "attestationObject": b64(&attestation),
            },
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
            "type": "public-key",
        })
    }

    /// `navigator.credentials.get()` with the server's request options, as `toJSON()` gives its
    /// answer.
    pub fn get(&mut self, options: &Value) -> Value {
        let challenge = options["challenge"].as_str().unwrap();
        let client_data = self.client_data("webauthn.get", challenge);
        if self.counts {
            self.sign_count += 1;
        }
        let mut auth_data = self.rp_id_hash();
        // User present and verified.
        auth_data.push(0b0000_0101);
        auth_data.extend_from_slice(&self.sign_count.to_be_bytes());
        let mut signed = auth_data.clone();
        signed.extend_from_slice(&Sha256::digest(&client_data));
        let signature: Signature = self.key.sign(&signed);
        json!({
            "id": b64(&self.credential_id),
            "rawId": b64(&self.credential_id),
            "response": {
                "clientDataJSON": b64(&client_data),
                "authenticatorData": b64(&auth_data),
                "signature": b64(signature.to_der().as_bytes()),
                "userHandle": b64(&self.user_handle),
            },
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
            "type": "public-key",
        })
    }
}
