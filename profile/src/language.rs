/// A language the panel ships in, named in that language, so a person finds their own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Language {
    /// The BCP 47 primary language subtag, which is also the catalogue's file name.
    pub code: &'static str,
    pub name: &'static str,
    pub rtl: bool,
}

/// Every language with a catalogue, English first: it is built into the widget and is the
/// fallback for any other. The most common main languages after English in the seed
/// landlords' areas.
pub const LANGUAGES: [Language; 4] = [
    Language {
        code: "en",
        name: "English",
        rtl: false,
    },
    Language {
        code: "pl",
        name: "Polski",
        rtl: false,
    },
    Language {
        code: "ur",
        name: "اردو",
        rtl: true,
    },
    Language {
        code: "ar",
        name: "العربية",
        rtl: true,
    },
];

/// The shipped language a BCP 47 tag such as `pl-PL` or `ar` asks for, if any.
pub fn language_for_tag(tag: &str) -> Option<&'static Language> {
    let primary = tag.split(['-', '_']).next()?;
    LANGUAGES
        .iter()
        .find(|l| l.code.eq_ignore_ascii_case(primary))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_match_on_their_primary_subtag_only() {
        assert_eq!(language_for_tag("pl-PL").map(|l| l.code), Some("pl"));
        assert_eq!(language_for_tag("AR").map(|l| l.code), Some("ar"));
        assert_eq!(language_for_tag("ur_PK").map(|l| l.code), Some("ur"));
        assert_eq!(language_for_tag("en-GB").map(|l| l.code), Some("en"));
        assert_eq!(language_for_tag("pa"), None);
        assert_eq!(language_for_tag("plx"), None);
        assert_eq!(language_for_tag(""), None);
    }
}
