//! The shape of an invite token, so the inbox can refuse anything else before it sends a byte.
//!
//! The endpoint makes each token from 32 random bytes in base64url without padding, and the
//! invite link carries it in the fragment (`#invite=TOKEN`). A link someone has tampered with
//! could put anything there; the inbox sends only a token of exactly this shape, in a POST body.

/// 32 random bytes in base64url without padding.
pub const TOKEN_LEN: usize = 43;

/// Whether `token` has the shape of a token the endpoint makes: 43 characters of the base64url
/// alphabet, with the last one carrying no stray bits (as the endpoint's encoder writes it).
pub fn is_well_formed(token: &str) -> bool {
    crate::decode_exact(token, 32).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_43_base64url_characters_pass() {
        let good = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdA";
        assert_eq!(good.len(), TOKEN_LEN);
        assert!(is_well_formed(good));
        for bad in [
            "",
            &good[..42],
            &format!("{good}A"),
            &format!("{}=", &good[..42]),
            &format!("../requests/{}", &good[12..]),
            &format!("{}/x", &good[..41]),
            &format!("{}?x", &good[..41]),
            &format!("{}%2e", &good[..40]),
            &format!("{}+/", &good[..41]),
            &format!("{}é", &good[..41]),
        ] {
            assert!(!is_well_formed(bad), "{bad:?}");
        }
    }
}
