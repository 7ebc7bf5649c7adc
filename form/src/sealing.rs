//! Sealing a request to the landlord's public key before it leaves the browser, so the endpoint
//! stores only ciphertext. There is no silent fallback: if sealing fails, nothing is sent.

use safe_contact_callback::CallbackRequest;
use safe_contact_profile::SealKey;
use safe_contact_seal::{rand_core::UnwrapErr, seal, PublicKeyInfo};

/// The sealed envelope as JSON, ready to post, or `None` when it cannot be sealed.
pub fn sealed_body(request: &CallbackRequest, key: &SealKey) -> Option<String> {
    let json = request.to_json();
    let info = PublicKeyInfo {
        key_id: &key.key_id,
        public_key_b64: &key.public_key,
    };
    let mut rng = UnwrapErr(getrandom::SysRng);
    let envelope = seal(
        json.as_bytes(),
        &request.landlord,
        request.schema_version,
        &request.request_id,
        &info,
        &mut rng,
    )
    .ok()?;
    Some(envelope.to_json())
}

/// Where sealed requests go: beside the plaintext route.
pub fn sealed_endpoint(endpoint: &str) -> String {
    format!("{}/sealed", endpoint.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_body_opens_with_the_private_key_and_holds_no_plaintext() {
        let mut rng = UnwrapErr(getrandom::SysRng);
        let (private, public) = safe_contact_seal::generate_keypair(&mut rng);
        let key = SealKey {
            key_id: "livin-test-1".into(),
            public_key: public,
        };
        let body = sealed_body(&CallbackRequest::example(), &key).expect("seals");
        assert!(!body.contains("07700900123") && !body.contains("darlington"));
        let envelope = safe_contact_seal::Envelope::parse(body.as_bytes()).expect("an envelope");
        let opened = safe_contact_seal::open(&envelope, &private, "livin", 1).expect("opens");
        assert_eq!(
            serde_json::from_slice::<CallbackRequest>(&opened).unwrap(),
            CallbackRequest::example()
        );
    }

    #[test]
    fn a_bad_public_key_seals_nothing() {
        let key = SealKey {
            key_id: "livin-test-1".into(),
            public_key: "not-a-key".into(),
        };
        assert_eq!(sealed_body(&CallbackRequest::example(), &key), None);
    }

    #[test]
    fn the_sealed_route_sits_beside_the_plaintext_one() {
        assert_eq!(sealed_endpoint("/v1/callbacks"), "/v1/callbacks/sealed");
        assert_eq!(
            sealed_endpoint("https://x.example/v1/callbacks/"),
            "https://x.example/v1/callbacks/sealed"
        );
    }
}
