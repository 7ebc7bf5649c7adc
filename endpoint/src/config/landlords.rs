//! The `[[landlord]]` tables: who may send requests, where they are kept, and who is told.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use lettre::Address;
use safe_contact_profile::Profile;
use safe_contact_rules::hex;
use safe_contact_rules::id::{is_id, IN_WORDS};
use serde::Deserialize;

use super::web::{check_origin, check_web_address};
use super::ConfigError;

#[derive(Clone, Debug)]
pub struct Landlord {
    pub id: String,
    pub areas: Vec<String>,
    /// Exact origins (`https://www.example.org`) whose pages may send requests for this landlord.
    pub origins: Vec<String>,
    pub retention_days: u32,
    pub closed_retention_days: u32,
    /// SHA-256 of the staff bearer token; the token itself is never written down here.
    pub staff_token_sha256: [u8; 32],
    /// Told `{"landlord": id, "new_requests": true}` when a request waits.
    pub notify_webhook: Option<String>,
    /// E-mailed that a request waits, through `[smtp]`. With neither this nor a webhook, the
    /// notice goes to the log.
    pub team_email: Option<Address>,
    /// Ids of the keys sealed requests may be sealed to. Several can be live at once, so a new
    /// key can go into the profile while requests sealed to the old one are still coming in.
    pub seal_key_ids: Vec<String>,
    /// Whether `POST /v1/callbacks` takes this landlord's requests in the clear. Off unless the
    /// config says so: a plaintext request is readable by anyone who gets the database.
    pub allow_plaintext: bool,
    /// The landlord's own call-back guidance, shown to staff next to an opened request.
    pub staff_guidance: Vec<String>,
    /// The only email domains its leads may invite (`livin.org.uk`), lower case. Empty: any, as
    /// before; the start-up warns, since a lead could then take another landlord's addresses.
    pub staff_email_domains: Vec<String>,
    /// The landlord's profile, for the form frame: it takes the seal key, the areas and the
    /// questions left out from here, never from the page that embeds it.
    pub profile: Option<Profile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLandlord {
    id: String,
    #[serde(default)]
    areas: Vec<String>,
    origins: Vec<String>,
    #[serde(default = "default_retention_days")]
    retention_days: u32,
    #[serde(default = "default_closed_retention_days")]
    closed_retention_days: u32,
    staff_token_sha256: String,
    notify_webhook: Option<String>,
    team_email: Option<String>,
    #[serde(default)]
    seal_key_ids: Vec<String>,
    #[serde(default)]
    allow_plaintext: bool,
    #[serde(default)]
    staff_guidance: Vec<String>,
    #[serde(default)]
    staff_email_domains: Vec<String>,
    profile: Option<PathBuf>,
}

fn default_retention_days() -> u32 {
    90
}
fn default_closed_retention_days() -> u32 {
    30
}

/// What a landlord's check needs from the rest of the config, which is checked first.
pub(super) struct Context<'a> {
    /// The config file's folder, which a relative profile path is taken from.
    pub base: &'a Path,
    pub demo: bool,
    pub smtp: bool,
    pub staff: bool,
}

/// What must differ from one landlord to the next.
#[derive(Default)]
struct Seen {
    ids: HashSet<String>,
    hashes: HashSet<[u8; 32]>,
}

pub(super) fn check_landlords(
    raw: Vec<RawLandlord>,
    context: &Context,
) -> Result<Vec<Landlord>, ConfigError> {
    if raw.is_empty() {
        return Err(ConfigError(
            "no [[landlord]] sections: the endpoint would accept nothing".into(),
        ));
    }
    let mut seen = Seen::default();
    raw.into_iter()
        .enumerate()
        .map(|(i, l)| {
            let at = format!("landlord[{i}] ({:?})", l.id);
            check_landlord(&at, l, context, &mut seen)
        })
        .collect()
}

/// `at` names the landlord in every message, by its place in the file and its id.
fn check_landlord(
    at: &str,
    l: RawLandlord,
    context: &Context,
    seen: &mut Seen,
) -> Result<Landlord, ConfigError> {
    check_id_and_areas(at, &l, &mut seen.ids)?;
    check_origins(at, &l.origins)?;
    check_retention_days(at, &l)?;
    let hash = check_token_hash(at, &l.staff_token_sha256, &mut seen.hashes)?;
    check_seal_keys(at, &l)?;
    if !context.demo {
        refuse_demo_settings(at, &l)?;
    }
    check_staff_guidance(at, &l.staff_guidance)?;
    let staff_email_domains = check_email_domains(at, &l.staff_email_domains)?;
    if let Some(url) = &l.notify_webhook {
        check_web_address(url).map_err(|why| ConfigError(format!("{at}: notify_webhook {why}")))?;
    }
    let team_email = check_team_email(at, l.team_email.as_deref(), context)?;
    let profile = match &l.profile {
        Some(path) => Some(read_profile(at, &context.base.join(path), &l)?),
        None => None,
    };
    Ok(Landlord {
        id: l.id,
        areas: l.areas,
        origins: l.origins,
        retention_days: l.retention_days,
        closed_retention_days: l.closed_retention_days,
        staff_token_sha256: hash,
        notify_webhook: l.notify_webhook,
        team_email,
        seal_key_ids: l.seal_key_ids,
        allow_plaintext: l.allow_plaintext,
        staff_guidance: l.staff_guidance,
        staff_email_domains,
        profile,
    })
}

fn check_id_and_areas(
    at: &str,
    l: &RawLandlord,
    ids: &mut HashSet<String>,
) -> Result<(), ConfigError> {
    let err = |msg: String| Err(ConfigError(msg));
    if !is_id(&l.id) {
        return err(format!("{at}: id must be {IN_WORDS}, as in the profile"));
    }
    if !ids.insert(l.id.clone()) {
        return err(format!("{at}: id appears twice"));
    }
    let mut seen_areas = HashSet::new();
    for a in &l.areas {
        if !is_id(a) {
            return err(format!("{at}: area {a:?} must be {IN_WORDS}"));
        }
        if !seen_areas.insert(a) {
            return err(format!("{at}: area {a:?} appears twice"));
        }
    }
    Ok(())
}

fn check_origins(at: &str, origins: &[String]) -> Result<(), ConfigError> {
    if origins.is_empty() {
        return Err(ConfigError(format!(
            "{at}: origins is empty, so no page could send requests"
        )));
    }
    for o in origins {
        check_origin(o).map_err(|why| ConfigError(format!("{at}: origin {o:?} {why}")))?;
    }
    Ok(())
}

fn check_retention_days(at: &str, l: &RawLandlord) -> Result<(), ConfigError> {
    if !(1..=3650).contains(&l.retention_days) {
        return Err(ConfigError(format!(
            "{at}: retention_days must be between 1 and 3650"
        )));
    }
    if l.closed_retention_days == 0 || l.closed_retention_days > l.retention_days {
        return Err(ConfigError(format!(
            "{at}: closed_retention_days must be at least 1 and no more than retention_days"
        )));
    }
    Ok(())
}

fn check_token_hash(
    at: &str,
    text: &str,
    hashes: &mut HashSet<[u8; 32]>,
) -> Result<[u8; 32], ConfigError> {
    let hash = hex::decode32(text).ok_or_else(|| {
        ConfigError(format!(
            "{at}: staff_token_sha256 must be 64 hex digits (run `safe-contact-staff new-token`)"
        ))
    })?;
    if !hashes.insert(hash) {
        return Err(ConfigError(format!(
            "{at}: staff_token_sha256 is the same as another landlord's"
        )));
    }
    Ok(hash)
}

fn check_seal_keys(at: &str, l: &RawLandlord) -> Result<(), ConfigError> {
    let err = |msg: String| Err(ConfigError(msg));
    let mut seen_keys = HashSet::new();
    for k in &l.seal_key_ids {
        if !is_id(k) {
            return err(format!(
                "{at}: seal key id {k:?} must be {IN_WORDS}, as in the profile"
            ));
        }
        if !seen_keys.insert(k) {
            return err(format!("{at}: seal key id {k:?} appears twice"));
        }
    }
    if l.seal_key_ids.is_empty() && !l.allow_plaintext {
        return err(format!(
            "{at}: seal_key_ids is empty and allow_plaintext is false, so it could take no requests"
        ));
    }
    Ok(())
}

/// Outside a demo, the demo's shortcuts would put real requests at risk: the demo keys' private
/// halves are public, and plaintext requests are readable by anyone who gets the database.
/// Each message says in one line what to do instead.
fn refuse_demo_settings(at: &str, l: &RawLandlord) -> Result<(), ConfigError> {
    if let Some(k) = l.seal_key_ids.iter().find(|k| k.contains("-demo-")) {
        return Err(ConfigError(format!(
            "{at}: seal key id {k:?} is a demo key, whose private key is public: run `safe-contact-staff keygen`, then replace callback.seal in the landlord's profile and {k:?} in seal_key_ids (or set demo = true for a demo only)"
        )));
    }
    if l.allow_plaintext {
        return Err(ConfigError(format!(
            "{at}: allow_plaintext = true lets requests be stored unsealed: remove allow_plaintext (or set demo = true for a demo only)"
        )));
    }
    Ok(())
}

fn check_staff_guidance(at: &str, lines: &[String]) -> Result<(), ConfigError> {
    for g in lines {
        if g.trim().is_empty() || g.len() > 500 || g.contains(['\n', '\r']) {
            return Err(ConfigError(format!(
                "{at}: each staff_guidance line must be one line of 1 to 500 characters"
            )));
        }
    }
    Ok(())
}

fn check_email_domains(at: &str, domains: &[String]) -> Result<Vec<String>, ConfigError> {
    domains
        .iter()
        .map(|d| email_domain(d).ok_or(d))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|d| {
            ConfigError(format!(
                "{at}: staff_email_domains: {d:?} is not a domain like \"livin.org.uk\""
            ))
        })
}

/// A configured email domain, lower case, by the same rule as the form's email addresses.
fn email_domain(domain: &str) -> Option<String> {
    let domain = domain.trim().to_ascii_lowercase();
    let address = safe_contact_callback::normalise_email(&format!("a@{domain}"))?;
    (address == format!("a@{domain}")).then_some(domain)
}

/// The address is left out of these messages, as it is out of every log line.
fn check_team_email(
    at: &str,
    team_email: Option<&str>,
    context: &Context,
) -> Result<Option<Address>, ConfigError> {
    match team_email {
        None => Ok(None),
        Some(_) if !context.smtp => Err(ConfigError(format!(
            "{at}: team_email is set but there is no [smtp] table to send it through"
        ))),
        // The e-mail's one link is the inbox, so there must be one.
        Some(_) if !context.staff => Err(ConfigError(format!(
            "{at}: team_email is set but there is no [staff] table: the e-mail links to the staff inbox at staff.base_url"
        ))),
        Some(a) => a.parse::<Address>().map(Some).map_err(|_| {
            ConfigError(format!(
                "{at}: team_email must be one e-mail address, like team@example.org"
            ))
        }),
    }
}

/// Reads the landlord's profile and checks it against the landlord's settings. The form frame
/// seals to the profile's key and offers the profile's areas, so a profile that disagrees with
/// the config would have every request refused; better to say so before starting.
fn read_profile(at: &str, path: &Path, l: &RawLandlord) -> Result<Profile, ConfigError> {
    let shown = path.display();
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError(format!("{at}: cannot read profile {shown}: {e}")))?;
    let profile = Profile::from_json(&text).map_err(|e| {
        ConfigError(format!(
            "{at}: profile {shown} is not a profile the form can read ({e}); check it with safe-contact-validate"
        ))
    })?;
    if profile.id != l.id {
        return Err(ConfigError(format!(
            "{at}: profile {shown} is for landlord {:?}, not {:?}",
            profile.id, l.id
        )));
    }
    let Some(callback) = &profile.callback else {
        return Err(ConfigError(format!(
            "{at}: profile {shown} has no callback section, so the form frame would have no form"
        )));
    };
    match &callback.seal {
        Some(seal) if !l.seal_key_ids.contains(&seal.key_id) => {
            return Err(ConfigError(format!(
                "{at}: profile {shown} seals to key id {:?}, which is not in seal_key_ids, so every request from the form would be refused: add it to seal_key_ids",
                seal.key_id
            )));
        }
        None if !l.allow_plaintext => {
            return Err(ConfigError(format!(
                "{at}: profile {shown} has no callback.seal and allow_plaintext is false, so every request from the form would be refused: add the landlord's key to the profile"
            )));
        }
        _ => {}
    }
    check_profile_areas(at, path, &profile, l)?;
    Ok(profile)
}

fn check_profile_areas(
    at: &str,
    path: &Path,
    profile: &Profile,
    l: &RawLandlord,
) -> Result<(), ConfigError> {
    let in_profile: HashSet<&str> = profile.areas.iter().map(|a| a.id.as_str()).collect();
    let in_config: HashSet<&str> = l.areas.iter().map(String::as_str).collect();
    if in_profile == in_config {
        return Ok(());
    }
    let listed = |set: &HashSet<&str>, other: &HashSet<&str>| {
        let mut only: Vec<&str> = set.difference(other).copied().collect();
        only.sort_unstable();
        if only.is_empty() {
            "none".to_owned()
        } else {
            only.join(", ")
        }
    };
    Err(ConfigError(format!(
        "{at}: the areas in profile {} differ from areas (only in the profile: {}; only in the config: {}), so the form would offer areas the endpoint refuses or leave some out",
        path.display(),
        listed(&in_profile, &in_config),
        listed(&in_config, &in_profile)
    )))
}
