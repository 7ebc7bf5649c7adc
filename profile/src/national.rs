#[cfg(feature = "serde")]
use serde::{Deserialize, Serialize};

#[cfg(feature = "schema")]
use schemars::JsonSchema;

use crate::{Section, Service};

/// The content every landlord's panel shows, and the only content left when a profile fails.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct National {
    pub schema_version: u32,
    /// 999, the Silent Solution, options for deaf and speech-impaired people, 101.
    pub danger_now: Section,
    pub clares_law: Section,
    pub helplines: Vec<Service>,
    pub covering_tracks: Section,
    pub worried_about_someone: Section,
    pub own_behaviour: Section,
    pub children: Section,
}

/// Compiled in, so that 999 advice and the helplines never depend on a network request.
pub const NATIONAL_JSON: &str = include_str!("../content/national.json");

/// The national content. It is checked by the tests, so a failure here is a build defect.
pub fn national() -> National {
    National::read_json(NATIONAL_JSON).expect("content/national.json is checked by the tests")
}

/// The national content as the browser gets it: without the sources and dates behind it
/// (`build.rs`), which only the people who check the content read.
pub const NATIONAL_SHOWN_JSON: &str =
    include_str!(concat!(env!("OUT_DIR"), "/national.shown.json"));

/// [`national`] without its sources and dates, for the panel and the form.
pub fn national_shown() -> National {
    National::read_json(NATIONAL_SHOWN_JSON).expect("content/national.json is checked by the tests")
}
