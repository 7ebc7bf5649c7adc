//! The invite token in an invite link (`/staff/#invite=TOKEN`). Someone could hand a member a
//! link with anything after `#invite=`, such as a path meant to steer the inbox's requests
//! elsewhere. Only a token of the exact shape the server makes is used, and only in a POST body.

use safe_contact_staff_keys::invite::is_well_formed;

/// An invite link whose token is not one the server could have made: cut short or changed on
/// the way. The inbox sends nothing for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BrokenLink;

impl std::fmt::Display for BrokenLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(
            "This invite link is not complete. It may have been cut short or changed when it \
             was copied. Open the link again from the message it came in. If it still does not \
             work, ask a lead on your team for a new invite link.",
        )
    }
}

impl std::error::Error for BrokenLink {}

/// The invite token in the page's fragment (`#invite=TOKEN`), if it has one, or why it cannot
/// be used.
pub fn token(fragment: &str) -> Option<Result<&str, BrokenLink>> {
    let token = fragment.strip_prefix("#invite=")?;
    Some(if is_well_formed(token) {
        Ok(token)
    } else {
        Err(BrokenLink)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "q5mVJ0Xl2R8-kT_cZr1wW3yPn7oA9sHbD4eF6gUiLjM";

    #[test]
    fn a_server_token_is_taken_and_nothing_else() {
        assert_eq!(token(&format!("#invite={TOKEN}")), Some(Ok(TOKEN)));
        assert_eq!(token(""), None);
        assert_eq!(token("#main"), None);
        for hostile in [
            "#invite=".to_owned(),
            "#invite=../requests/0b6f8a52-52d8-4e44-b4a3-0b8a7f5c1d2e".to_owned(),
            format!("#invite={}/", &TOKEN[..42]),
            format!("#invite={}?", &TOKEN[..42]),
            format!("#invite={}%2e", &TOKEN[..40]),
            format!("#invite=%2e%2e/{}", &TOKEN[..37]),
            format!("#invite={TOKEN}&x"),
            format!("#invite={}", &TOKEN[..42]),
            format!("#invite= {}", &TOKEN[..42]),
        ] {
            assert_eq!(token(&hostile), Some(Err(BrokenLink)), "{hostile}");
        }
    }
}
