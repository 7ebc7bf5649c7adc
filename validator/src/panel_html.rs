//! The static panel a support page carries (`safe-contact-panel-html`), checked in the page:
//! a copy pasted before the profile or the national content changed would show tenants old
//! numbers, with nothing to say so, until the app takes its place (or never, with scripts off).

use safe_contact_panel_html::{render, ATTRIBUTE};
use safe_contact_profile::Profile;

/// Whether `page` (named `page_name`) holds the current panel for `profile` (named
/// `profile_name`), in `lang` or else in the language the copy says it is in. `Ok` is a line
/// saying so; `Err` is one line saying what is wrong and what to do.
pub fn check(
    page_name: &str,
    page: &str,
    profile_name: &str,
    profile: &Profile,
    lang: Option<&str>,
) -> Result<String, String> {
    let again = format!("re-run --panel-html {profile_name} and paste it again");
    let copy = match copies(page).as_slice() {
        [] => {
            return Err(format!(
                "{page_name}: no static panel (a <div {ATTRIBUTE}>): run --panel-html {profile_name} and paste it into the page"
            ))
        }
        [one] => &page[*one..],
        [_, ..] => {
            return Err(format!(
                "{page_name}: more than one static panel (<div {ATTRIBUTE}>): keep one, then {again}"
            ))
        }
    };
    let tag = &copy[..copy.find('>').unwrap_or(copy.len())];
    let code = lang.or_else(|| attribute(tag, "lang")).unwrap_or("en");
    let current = render(profile, code).map_err(|e| format!("{page_name}: {e}"))?;
    if copy.starts_with(&current) {
        return Ok(format!(
            "{page_name}: the static panel is current for {profile_name} ({code})"
        ));
    }
    let pasted = copy.lines().nth(1).and_then(sha256).unwrap_or("none");
    let now = current.lines().nth(1).and_then(sha256).unwrap_or_default();
    let why = match pasted == now {
        true => format!("{page_name}: the static panel for {profile_name} ({code}) was changed after it was printed"),
        false => format!(
            "{page_name}: the static panel is not the current one for {profile_name} ({code}; pasted sha256:{}, current sha256:{})",
            short(pasted),
            short(now)
        ),
    };
    Err(format!("{why}: {again}"))
}

/// Where each `<div …>` marked with the attribute starts. A script in the page (the loader
/// pasted inline, say) may name the attribute too, so only a `<div` start tag counts.
fn copies(page: &str) -> Vec<usize> {
    page.match_indices(ATTRIBUTE)
        .filter_map(|(at, _)| {
            let start = page[..at].rfind('<')?;
            let before = &page[start..at];
            let in_tag = before.starts_with("<div")
                && before[4..].starts_with(char::is_whitespace)
                && !before.contains('>');
            in_tag.then_some(start)
        })
        .collect()
}

/// The value of `name="…"` in a start tag.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let (_, rest) = tag.split_once(&format!(" {name}=\""))?;
    rest.split_once('"').map(|(value, _)| value)
}

/// The digest in the copy's first-line comment.
fn sha256(comment: &str) -> Option<&str> {
    let (_, rest) = comment.split_once("sha256:")?;
    rest.split_whitespace().next()
}

/// Enough of a digest to tell two apart in a message.
fn short(digest: &str) -> &str {
    &digest[..digest.len().min(12)]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn livin() -> Profile {
        Profile::read_json(include_str!("../../public/profiles/livin.json")).unwrap()
    }

    fn page(inside: &str) -> String {
        format!(
            "<!DOCTYPE html>\n<script>q('[{ATTRIBUTE}]')</script>\n<div id=\"safe-contact-support\">{inside}</div>\n"
        )
    }

    #[test]
    fn a_fresh_copy_is_current() {
        let page = page(&render(&livin(), "en").unwrap());
        assert_eq!(
            check("support.html", &page, "livin.json", &livin(), None),
            Ok("support.html: the static panel is current for livin.json (en)".into())
        );
    }

    #[test]
    fn a_copy_of_another_profile_or_edited_by_hand_is_stale() {
        let pasted = render(&livin(), "en").unwrap();
        let mut changed = livin();
        changed.landlord_contacts[0].contacts[0].value = "0800 000 0000".into();
        let stale = check("p.html", &page(&pasted), "livin.json", &changed, None).unwrap_err();
        assert!(stale.starts_with("p.html: the static panel is not the current one for livin.json (en; pasted sha256:"), "{stale}");
        assert!(
            stale.ends_with("): re-run --panel-html livin.json and paste it again"),
            "{stale}"
        );
        assert!(!stale.contains('\n'));
        let edited = pasted.replace("0800 587 4538", "0800 587 4539");
        let edited = check("p.html", &page(&edited), "livin.json", &livin(), None).unwrap_err();
        assert_eq!(edited, "p.html: the static panel for livin.json (en) was changed after it was printed: re-run --panel-html livin.json and paste it again");
        let cut = &pasted[..pasted.len() - 10];
        assert!(check("p.html", &page(cut), "livin.json", &livin(), None).is_err());
    }

    #[test]
    fn the_copy_is_checked_in_its_own_language_unless_one_is_asked_for() {
        let polish = render(&livin(), "pl").unwrap();
        assert!(check("p", &page(&polish), "l", &livin(), None).is_ok());
        let asked = check("p", &page(&polish), "l", &livin(), Some("en")).unwrap_err();
        assert!(asked.contains("(en; pasted"), "{asked}");
    }

    #[test]
    fn a_page_without_a_copy_or_with_two_says_so() {
        let missing = check("p.html", &page(""), "livin.json", &livin(), None).unwrap_err();
        assert_eq!(
            missing,
            format!("p.html: no static panel (a <div {ATTRIBUTE}>): run --panel-html livin.json and paste it into the page")
        );
        let one = render(&livin(), "en").unwrap();
        let two = check("p", &page(&(one.clone() + &one)), "l", &livin(), None).unwrap_err();
        assert!(two.contains("more than one static panel"), "{two}");
    }
}
