//! The language catalogues, read as the panel reads them. English is the app's own built-in
//! catalogue. Each other language is its `ui.<lang>.json` and `national.<lang>.json`, joined as
//! `scripts/catalogues.mjs` joins them into the `lang/<lang>.json` the panel fetches.

use std::sync::OnceLock;

use safe_contact_profile::{language_for_tag, Profile};
use safe_contact_ui::text::{english, Catalogue};

/// Every shipped language but English, with its two files, built in so that the validator
/// renders a panel wherever it is run.
const OTHERS: [(&str, &str, &str); 3] = [
    (
        "pl",
        include_str!("../../profile/content/ui.pl.json"),
        include_str!("../../profile/content/national.pl.json"),
    ),
    (
        "ur",
        include_str!("../../profile/content/ui.ur.json"),
        include_str!("../../profile/content/national.ur.json"),
    ),
    (
        "ar",
        include_str!("../../profile/content/ui.ar.json"),
        include_str!("../../profile/content/national.ar.json"),
    ),
];

/// The catalogue for `code`, when `profile` offers that language.
pub fn for_profile(profile: &Profile, code: &str) -> Result<&'static Catalogue, String> {
    let offered = profile.offered_languages();
    let language = language_for_tag(code)
        .filter(|l| l.code == code && offered.contains(l))
        .ok_or_else(|| {
            let codes: Vec<&str> = offered.iter().map(|l| l.code).collect();
            format!(
                "{} does not offer the language \"{code}\": use one of {}",
                profile.id,
                codes.join(", ")
            )
        })?;
    static READ: [OnceLock<Result<Catalogue, String>>; 3] = [const { OnceLock::new() }; 3];
    let Some(i) = OTHERS.iter().position(|(c, _, _)| *c == language.code) else {
        return Ok(english());
    };
    let (code, ui, national) = OTHERS[i];
    READ[i]
        .get_or_init(|| Catalogue::read(code, &joined(ui, national)?, None))
        .as_ref()
        .map_err(|e| format!("the {code} catalogue cannot be read: {e}"))
}

/// The interface's text with the national content as its last member, `national`.
fn joined(ui: &str, national: &str) -> Result<String, String> {
    let open = ui
        .trim_end()
        .strip_suffix('}')
        .ok_or("a catalogue is a JSON object")?;
    Ok(format!("{open},\"national\":{national}}}"))
}

#[cfg(test)]
mod tests {
    use safe_contact_profile::LANGUAGES;

    use super::*;

    fn everything() -> Profile {
        let mut profile = Profile::read_json(include_str!("../../public/profiles/livin.json"))
            .expect("the seed profile reads");
        profile.languages.clear();
        profile
    }

    #[test]
    fn every_shipped_language_is_built_in_and_reads() {
        let codes: Vec<&str> = OTHERS.iter().map(|(c, _, _)| *c).collect();
        let shipped: Vec<&str> = LANGUAGES[1..].iter().map(|l| l.code).collect();
        assert_eq!(codes, shipped);
        for language in &LANGUAGES {
            let catalogue = for_profile(&everything(), language.code).unwrap();
            assert_eq!(catalogue.language, language);
            assert!(catalogue.text("panel.title").is_some(), "{}", language.code);
        }
    }

    #[test]
    fn only_a_language_the_landlord_offers_is_rendered() {
        let mut profile = everything();
        profile.languages = vec!["pl".into()];
        assert!(for_profile(&profile, "pl").is_ok());
        assert!(
            for_profile(&profile, "en").is_ok(),
            "English is always offered"
        );
        for code in ["ar", "pl-PL", "PL", "fr", ""] {
            let refused = for_profile(&profile, code).err().unwrap_or_default();
            assert!(refused.contains("use one of en, pl"), "{code}: {refused}");
        }
    }
}
