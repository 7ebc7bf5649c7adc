//! A landlord's sealing private key, sealed by a lead to one member's public key, so the member
//! can open that landlord's requests and the server, which stores the grant, cannot.
//!
//! HPKE base mode with the suite of `safe_contact_seal::suite`. The `info` binds the grant to
//! its landlord, key and member: `"safe-contact/staff-grant/v1"` ‖ 0x00 ‖ landlord ‖ 0x00 ‖
//! key_id ‖ 0x00 ‖ normalised email, so a grant cannot be passed off as another. No associated
//! data. The plaintext is the 32 raw bytes of the landlord's private key, and the grant is
//! base64url(enc (32 bytes) ‖ ciphertext (48 bytes)).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hpke::{Deserializable, OpModeR, OpModeS, Serializable};
use safe_contact_rules::id::is_id;
use safe_contact_seal::rand_core::CryptoRng;
use safe_contact_seal::suite::{Aead, Kdf, Kem};
use zeroize::Zeroizing;

use crate::passphrase::normalise_email;
use crate::{decode_exact, Error, KEY_LEN};

pub const INFO_LABEL: &[u8] = b"safe-contact/staff-grant/v1";
const ENC_LEN: usize = 32;
const TAG_LEN: usize = 16;
const GRANT_LEN: usize = ENC_LEN + KEY_LEN + TAG_LEN;

type PrivateKey = <Kem as hpke::Kem>::PrivateKey;
type PublicKey = <Kem as hpke::Kem>::PublicKey;
type EncappedKey = <Kem as hpke::Kem>::EncappedKey;

fn info(landlord: &str, key_id: &str, email: &str) -> Vec<u8> {
    let email = normalise_email(email);
    let mut info = INFO_LABEL.to_vec();
    for part in [landlord, key_id, &email] {
        info.push(0);
        info.extend_from_slice(part.as_bytes());
    }
    info
}

fn private_key_bytes(b64: &str) -> Option<Zeroizing<Vec<u8>>> {
    decode_exact(b64, KEY_LEN).map(Zeroizing::new)
}

/// Seals the landlord's private key `key_id` to the member with this email and public key.
pub fn seal_grant(
    landlord_private_b64: &str,
    landlord: &str,
    key_id: &str,
    email: &str,
    member_public_b64: &str,
    rng: &mut impl CryptoRng,
) -> Result<String, Error> {
    // Ids are what a lead's own config names, but the 0x00 separators in `info` only keep the
    // parts apart if the ids are plain.
    if !is_id(landlord) {
        return Err(Error::BadId("landlord"));
    }
    if !is_id(key_id) {
        return Err(Error::BadId("key_id"));
    }
    let landlord_private = private_key_bytes(landlord_private_b64)
        .filter(|bytes| PrivateKey::from_bytes(bytes).is_ok())
        .ok_or(Error::BadKey)?;
    let member_public = decode_exact(member_public_b64, KEY_LEN)
        .and_then(|bytes| PublicKey::from_bytes(&bytes).ok())
        .ok_or(Error::BadKey)?;
    let (enc, ciphertext) = hpke::single_shot_seal_with_rng::<Aead, Kdf, Kem>(
        &OpModeS::Base,
        &member_public,
        &info(landlord, key_id, email),
        &landlord_private,
        &[],
        rng,
    )
    // A public key of low order is the only way this fails.
    .map_err(|_| Error::BadKey)?;
    let mut grant = enc.to_bytes().to_vec();
    grant.extend_from_slice(&ciphertext);
    Ok(URL_SAFE_NO_PAD.encode(grant))
}

/// Opens a grant with the member's private key, giving the landlord's private key (base64url).
pub fn open_grant(
    grant: &str,
    member_private_b64: &str,
    landlord: &str,
    key_id: &str,
    email: &str,
) -> Result<Zeroizing<String>, Error> {
    let member_private = private_key_bytes(member_private_b64)
        .and_then(|bytes| PrivateKey::from_bytes(&bytes).ok())
        .ok_or(Error::BadKey)?;
    let grant = decode_exact(grant, GRANT_LEN).ok_or(Error::CannotOpenGrant)?;
    let (enc, ciphertext) = grant.split_at(ENC_LEN);
    let enc = EncappedKey::from_bytes(enc).map_err(|_| Error::CannotOpenGrant)?;
    let landlord_private = Zeroizing::new(
        hpke::single_shot_open::<Aead, Kdf, Kem>(
            &OpModeR::Base,
            &member_private,
            &enc,
            &info(landlord, key_id, email),
            ciphertext,
            &[],
        )
        .map_err(|_| Error::CannotOpenGrant)?,
    );
    PrivateKey::from_bytes(&landlord_private).map_err(|_| Error::CannotOpenGrant)?;
    Ok(Zeroizing::new(URL_SAFE_NO_PAD.encode(&*landlord_private)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::rng;
    use safe_contact_seal::{generate_keypair, public_key_for};

    const LANDLORD: &str = "livin";
    const KEY_ID: &str = "livin-demo-1";
    const EMAIL: &str = "sam@livin.org";

    struct Setup {
        landlord_private: String,
        landlord_public: String,
        member_private: String,
        grant: String,
    }

    fn setup() -> Setup {
        let (landlord_private, landlord_public) = generate_keypair(&mut rng());
        let (member_private, member_public) = generate_keypair(&mut rng());
        let grant = seal_grant(
            &landlord_private,
            LANDLORD,
            KEY_ID,
            EMAIL,
            &member_public,
            &mut rng(),
        )
        .unwrap();
        Setup {
            landlord_private,
            landlord_public,
            member_private,
            grant,
        }
    }

    #[test]
    fn round_trip() {
        let s = setup();
        let opened = open_grant(&s.grant, &s.member_private, LANDLORD, KEY_ID, EMAIL).unwrap();
        assert_eq!(*opened, s.landlord_private);
        assert_eq!(public_key_for(&opened).unwrap(), s.landlord_public);
        assert_eq!(URL_SAFE_NO_PAD.decode(&s.grant).unwrap().len(), 80);
        let normalised = open_grant(
            &s.grant,
            &s.member_private,
            LANDLORD,
            KEY_ID,
            " SAM@livin.org",
        );
        assert_eq!(*normalised.unwrap(), s.landlord_private);
    }

    #[test]
    fn another_member_landlord_key_or_email_cannot_open_it() {
        let s = setup();
        let (other_private, _) = generate_keypair(&mut rng());
        let cases = [
            (other_private.as_str(), LANDLORD, KEY_ID, EMAIL),
            (&s.member_private, "wythenshawe", KEY_ID, EMAIL),
            (&s.member_private, LANDLORD, "livin-demo-2", EMAIL),
            (&s.member_private, LANDLORD, KEY_ID, "sal@livin.org"),
        ];
        for (member, landlord, key_id, email) in cases {
            assert_eq!(
                open_grant(&s.grant, member, landlord, key_id, email).unwrap_err(),
                Error::CannotOpenGrant,
                "{landlord} {key_id} {email}"
            );
        }
    }

    #[test]
    fn damaged_grants_are_refused() {
        let s = setup();
        let bytes = URL_SAFE_NO_PAD.decode(&s.grant).unwrap();
        let mut cases = vec![
            String::new(),
            "garbage".to_owned(),
            format!("{}=", s.grant),
            s.grant[..s.grant.len() - 1].to_owned(),
            URL_SAFE_NO_PAD.encode(&bytes[..79]),
            URL_SAFE_NO_PAD.encode([&bytes[..], &[0]].concat()),
            URL_SAFE_NO_PAD.encode([0u8; 80]),
            "!".repeat(107),
        ];
        for i in [0, 31, 32, 79] {
            let mut edited = bytes.clone();
            edited[i] ^= 0x40;
            cases.push(URL_SAFE_NO_PAD.encode(edited));
        }
        for case in cases {
            assert_eq!(
                open_grant(&case, &s.member_private, LANDLORD, KEY_ID, EMAIL).unwrap_err(),
                Error::CannotOpenGrant,
                "{case}"
            );
        }
    }

    #[test]
    fn bad_keys_and_ids_are_refused() {
        let s = setup();
        let (_, member_public) = generate_keypair(&mut rng());
        let seal = |private: &str, landlord: &str, key_id: &str, public: &str| {
            seal_grant(private, landlord, key_id, EMAIL, public, &mut rng()).unwrap_err()
        };
        let p = &s.landlord_private;
        assert_eq!(
            seal("short", LANDLORD, KEY_ID, &member_public),
            Error::BadKey
        );
        assert_eq!(seal(p, LANDLORD, KEY_ID, "short"), Error::BadKey);
        // A public key of low order (zero) is refused rather than sealed to.
        let zero = URL_SAFE_NO_PAD.encode([0u8; 32]);
        assert_eq!(seal(p, LANDLORD, KEY_ID, &zero), Error::BadKey);
        assert_eq!(
            seal(p, "Livin", KEY_ID, &member_public),
            Error::BadId("landlord")
        );
        assert_eq!(
            seal(p, LANDLORD, "a\0b", &member_public),
            Error::BadId("key_id")
        );
        assert_eq!(
            open_grant(&s.grant, "short", LANDLORD, KEY_ID, EMAIL).unwrap_err(),
            Error::BadKey
        );
    }
}
