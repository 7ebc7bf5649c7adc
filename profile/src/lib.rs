//! Landlord profiles and the national content every page shows.
//!
//! Plain serde types so that the widget, the validator and the tests share one definition.
//! Every phone number, address and link is a [`Contact`] that carries where it was read and when.

mod area;
mod contact;
mod language;
mod national;
mod read;
#[cfg(feature = "serde")]
pub mod shown;
mod types;

pub use area::AreaChoice;
pub use language::{language_for_tag, Language, LANGUAGES};
pub use national::{national, national_shown, National, NATIONAL_JSON, NATIONAL_SHOWN_JSON};
pub use types::*;

/// The profile format this build reads. A profile with another version is refused,
/// so the widget never guesses at fields it does not know.
pub const SCHEMA_VERSION: u32 = 1;

impl Profile {
    /// Parses a profile and refuses one written for another schema version.
    #[cfg(feature = "serde")]
    pub fn from_json(text: &str) -> Result<Profile, String> {
        let profile: Profile = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if profile.schema_version != SCHEMA_VERSION {
            return Err(format!(
                "schema_version {} is not supported (expected {SCHEMA_VERSION})",
                profile.schema_version
            ));
        }
        Ok(profile)
    }
}

impl Profile {
    /// The languages the panel offers, English first: those listed that the widget ships in,
    /// or all of them when none are listed.
    pub fn offered_languages(&self) -> Vec<&'static Language> {
        LANGUAGES
            .iter()
            .filter(|l| {
                l.code == "en"
                    || self.languages.is_empty()
                    || self.languages.iter().any(|c| c == l.code)
            })
            .collect()
    }

    /// The translations of the landlord's own words in its commitments, advice included: where
    /// any lacks the panel's language, the panel says some of its words are in English.
    pub fn commitment_words(&self) -> impl Iterator<Item = &Translations> {
        self.commitments.iter().flat_map(|c| {
            std::iter::once(&c.translations)
                .chain(c.advice.as_ref().map(|_| &c.advice_translations))
        })
    }
}
