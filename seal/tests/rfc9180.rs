//! Known-answer tests for the suite this crate seals with, from RFC 9180 Appendix A.2.1
//! ("DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20Poly1305", Base Setup Information),
//! A.2.1.1 (Encryptions) and A.2.1.2 (Exported Values). The values are copied from the RFC text.
//!
//! The RFC's ephemeral key is `DeriveKeyPair(ikmE)`. `hpke` makes its ephemeral key the same way
//! from 32 random bytes, so a random source that yields exactly `ikmE` reproduces the RFC's
//! encapsulation, through `hpke` directly and through this crate's own `seal`.

use std::convert::Infallible;

use hpke::rand_core::{TryCryptoRng, TryRng};
use hpke::{Deserializable, Kem as _, OpModeR, OpModeS, Serializable};
use safe_contact_seal::suite::{Aead, Kdf, Kem};

const MODE_BASE: u8 = 0;
const KEM_ID: u16 = 32;
const KDF_ID: u16 = 1;
const AEAD_ID: u16 = 3;
const INFO: &str = "4f6465206f6e2061204772656369616e2055726e";
const IKM_E: &str = "909a9b35d3dc4713a5e72a4da274b55d3d3821a37e5d099e74a647db583a904b";
const PK_EM: &str = "1afa08d3dec047a643885163f1180476fa7ddb54c6a8029ea33f95796bf2ac4a";
const SK_EM: &str = "f4ec9b33b792c372c1d2c2063507b684ef925b8c75a42dbcbf57d63ccd381600";
const IKM_R: &str = "1ac01f181fdf9f352797655161c58b75c656a6cc2716dcb66372da835542e1df";
const PK_RM: &str = "4310ee97d88cc1f088a5576c77ab0cf5c3ac797f3d95139c6c84b5429c59662a";
const SK_RM: &str = "8057991eef8f1f1af18f4a9491d16a1ce333f695d4db8e38da75975c4478e0fb";
const ENC: &str = "1afa08d3dec047a643885163f1180476fa7ddb54c6a8029ea33f95796bf2ac4a";
const PT: &str = "4265617574792069732074727574682c20747275746820626561757479";

/// A.2.1.1: (sequence number, aad, ct).
const ENCRYPTIONS: &[(usize, &str, &str)] = &[
    (
        0,
        "436f756e742d30",
        "1c5250d8034ec2b784ba2cfd69dbdb8af406cfe3ff938e131f0def8c8b60b4db21993c62ce81883d2dd1b51a28",
    ),
    (
        1,
        "436f756e742d31",
        "6b53c051e4199c518de79594e1c4ab18b96f081549d45ce015be002090bb119e85285337cc95ba5f59992dc98c",
    ),
    (
        2,
        "436f756e742d32",
        "71146bd6795ccc9c49ce25dda112a48f202ad220559502cef1f34271e0cb4b02b4f10ecac6f48c32f878fae86b",
    ),
    (
        4,
        "436f756e742d34",
        "63357a2aa291f5a4e5f27db6baa2af8cf77427c7c1a909e0b37214dd47db122bb153495ff0b02e9e54a50dbe16",
    ),
    (
        255,
        "436f756e742d323535",
        "18ab939d63ddec9f6ac2b60d61d36a7375d2070c9b683861110757062c52b8880a5f6b3936da9cd6c23ef2a95c",
    ),
    (
        256,
        "436f756e742d323536",
        "7a4a13e9ef23978e2c520fd4d2e757514ae160cd0cd05e556ef692370ca53076214c0c40d4c728d6ed9e727a5b",
    ),
];

/// A.2.1.2: (exporter_context, exported_value), each with L = 32.
const EXPORTS: &[(&str, &str)] = &[
    (
        "",
        "4bbd6243b8bb54cec311fac9df81841b6fd61f56538a775e7c80a9f40160606e",
    ),
    (
        "00",
        "8c1df14732580e5501b00f82b10a1647b40713191b7c1240ac80e2b68808ba69",
    ),
    (
        "54657374436f6e74657874",
        "5acb09211139c43b3090489a9da433e8a30ee7188ba8b0a9a1ccf0c229283e53",
    ),
];

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// Yields the given bytes as "randomness", then panics: the RFC's ikmE, exactly once.
struct Replay(Vec<u8>);

impl TryRng for Replay {
    type Error = Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        unreachable!("hpke asks for whole keys, not words")
    }
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        unreachable!("hpke asks for whole keys, not words")
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        assert!(dst.len() <= self.0.len(), "asked for more than ikmE");
        let rest = self.0.split_off(dst.len());
        dst.copy_from_slice(&self.0);
        self.0 = rest;
        Ok(())
    }
}

impl TryCryptoRng for Replay {}

#[test]
fn suite_identifiers() {
    assert_eq!(MODE_BASE, 0, "base mode: OpModeS::Base / OpModeR::Base");
    assert_eq!(<Kem as hpke::Kem>::KEM_ID, KEM_ID);
    assert_eq!(<Kdf as hpke::kdf::Kdf>::KDF_ID, KDF_ID);
    assert_eq!(<Aead as hpke::aead::Aead>::AEAD_ID, AEAD_ID);
}

/// X25519 private keys are serialised clamped (RFC 9180 section 7.1.2, RFC 7748 section 5); the
/// RFC lists them before clamping, so they are compared clamped.
fn clamped(mut key: Vec<u8>) -> Vec<u8> {
    key[0] &= 248;
    key[31] &= 127;
    key[31] |= 64;
    key
}

#[test]
fn derive_key_pair() {
    let (sk_r, pk_r) = Kem::derive_keypair(&hex(IKM_R));
    assert_eq!(sk_r.to_bytes().as_slice(), clamped(hex(SK_RM)));
    assert_eq!(pk_r.to_bytes().as_slice(), hex(PK_RM));
    let (sk_e, pk_e) = Kem::derive_keypair(&hex(IKM_E));
    assert_eq!(sk_e.to_bytes().as_slice(), clamped(hex(SK_EM)));
    assert_eq!(pk_e.to_bytes().as_slice(), hex(PK_EM));
}

#[test]
fn base_mode_encryptions_and_exports() {
    let pk_r = <Kem as hpke::Kem>::PublicKey::from_bytes(&hex(PK_RM)).unwrap();
    let (enc, mut sender) = hpke::setup_sender_with_rng::<Aead, Kdf, Kem>(
        &OpModeS::Base,
        &pk_r,
        &hex(INFO),
        &mut Replay(hex(IKM_E)),
    )
    .unwrap();
    assert_eq!(enc.to_bytes().as_slice(), hex(ENC));

    let sk_r = <Kem as hpke::Kem>::PrivateKey::from_bytes(&hex(SK_RM)).unwrap();
    let mut receiver =
        hpke::setup_receiver::<Aead, Kdf, Kem>(&OpModeR::Base, &sk_r, &enc, &hex(INFO)).unwrap();

    // The context's sequence number advances with each message, so every message up to the last
    // listed one is sealed and opened in turn, and the listed ones are compared.
    let last = ENCRYPTIONS.last().unwrap().0;
    for seq in 0..=last {
        let aad = format!("Count-{seq}").into_bytes();
        let ct = sender.seal(&hex(PT), &aad).unwrap();
        if let Some((_, listed_aad, listed_ct)) = ENCRYPTIONS.iter().find(|e| e.0 == seq) {
            assert_eq!(aad, hex(listed_aad), "aad for sequence number {seq}");
            assert_eq!(ct, hex(listed_ct), "ct for sequence number {seq}");
        }
        assert_eq!(receiver.open(&ct, &aad).unwrap(), hex(PT));
    }

    for (context, value) in EXPORTS {
        let mut out = [0u8; 32];
        sender.export(&hex(context), &mut out).unwrap();
        assert_eq!(out.as_slice(), hex(value), "export for {context:?}");
        receiver.export(&hex(context), &mut out).unwrap();
        assert_eq!(out.as_slice(), hex(value), "export for {context:?}");
    }
}

/// The same encapsulation through this crate: `seal` turns the RFC's recipient key and ikmE into
/// the RFC's `enc`, and `open` with the RFC's private key reads the result back.
#[test]
fn this_crate_encapsulates_as_the_rfc_does() {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    let public = URL_SAFE_NO_PAD.encode(hex(PK_RM));
    let private = URL_SAFE_NO_PAD.encode(hex(SK_RM));
    let request_id = "3f2b8c1e-9d4a-4e6b-8f0a-2c5d7e9b1a34";
    let envelope = safe_contact_seal::seal(
        b"{\"consent\":true}",
        "livin",
        1,
        request_id,
        &safe_contact_seal::PublicKeyInfo {
            key_id: "rfc9180-a-2-1",
            public_key_b64: &public,
        },
        &mut Replay(hex(IKM_E)),
    )
    .unwrap();
    assert_eq!(URL_SAFE_NO_PAD.decode(&envelope.enc).unwrap(), hex(ENC));
    assert_eq!(safe_contact_seal::public_key_for(&private).unwrap(), public);
    assert_eq!(
        safe_contact_seal::open(&envelope, &private, "livin", 1).unwrap(),
        b"{\"consent\":true}"
    );
}
