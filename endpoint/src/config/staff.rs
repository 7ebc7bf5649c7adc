//! The `[staff]` table: the staff inbox, its sessions and sign-in limits, and the pepper.

use std::time::Duration;

use safe_contact_rules::hex;
use safe_contact_staff_keys::pepper::Pepper;
use serde::Deserialize;

use super::web::check_origin;
use super::ConfigError;

#[derive(Clone, Debug)]
pub struct Staff {
    /// The origin the inbox is served from: POSTs must carry it as `Origin`, and invite links
    /// start with it.
    pub base_url: String,
    pub idle: Duration,
    pub invite_hours: u32,
    pub sign_in: SignInLimit,
    /// The pepper, read at load from the environment variable `pepper_env` names (a demo
    /// without one uses [`DEMO_PEPPER`]). It never goes in the database, so a copy of the
    /// database, or a backup of it, cannot test a passphrase guess; its `Debug` shows nothing.
    pub pepper: Pepper,
    /// Whether `pepper` is the demo's public one, for the warning at start.
    pub demo_pepper: bool,
}

/// A demo's pepper when `pepper_env` is not set. It is public, as the demo keys are, so it
/// protects nothing; outside a demo `pepper_env` is required.
pub const DEMO_PEPPER: [u8; 32] = *b"safe-contact demo pepper: public";

#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SignInLimit {
    /// Failed sign-ins in `window_minutes` from a browser that has signed in to the account
    /// before, counted for that browser alone: enough for honest typing slips.
    pub failures_per_known_device: u32,
    /// Failed sign-ins for one account from one client, in browsers it has never signed in from.
    pub failures_per_account_and_client: u32,
    /// Failed sign-ins for one account from every client together, in browsers it has never
    /// signed in from: few enough that guessing a passphrase and a six-digit code together is
    /// hopeless, and reaching it never stops a known device.
    pub failures_per_account: u32,
    /// Failed sign-ins one client may have across every account it tries, in browsers unknown
    /// to them.
    pub failures_per_client: u32,
    pub window_minutes: u32,
}

impl Default for SignInLimit {
    fn default() -> Self {
        SignInLimit {
            failures_per_known_device: 5,
            failures_per_account_and_client: 5,
            failures_per_account: 10,
            failures_per_client: 20,
            window_minutes: 15,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStaff {
    base_url: String,
    #[serde(default = "default_idle_seconds")]
    idle_seconds: u64,
    #[serde(default = "default_invite_hours")]
    invite_hours: u32,
    #[serde(default)]
    sign_in: SignInLimit,
    pepper_env: Option<String>,
}

impl Staff {
    /// The inbox's address: invite links and notice e-mails point here.
    pub fn inbox_url(&self) -> String {
        format!("{}/staff/", self.base_url)
    }
}

fn default_idle_seconds() -> u64 {
    900
}
fn default_invite_hours() -> u32 {
    24
}

pub(super) fn check_staff(raw: RawStaff, demo: bool) -> Result<Staff, ConfigError> {
    check_origin(&raw.base_url)
        .map_err(|why| ConfigError(format!("staff.base_url {:?} {why}", raw.base_url)))?;
    if !(10..=24 * 60 * 60).contains(&raw.idle_seconds) {
        return Err(ConfigError(
            "staff.idle_seconds must be between 10 and 86400".into(),
        ));
    }
    if !(1..=24 * 7).contains(&raw.invite_hours) {
        return Err(ConfigError(
            "staff.invite_hours must be between 1 and 168".into(),
        ));
    }
    check_sign_in_limit(&raw.sign_in)?;
    let (pepper, demo_pepper) = read_pepper(raw.pepper_env.as_deref(), demo)?;
    Ok(Staff {
        base_url: raw.base_url,
        idle: Duration::from_secs(raw.idle_seconds),
        invite_hours: raw.invite_hours,
        sign_in: raw.sign_in,
        pepper,
        demo_pepper,
    })
}

fn check_sign_in_limit(s: &SignInLimit) -> Result<(), ConfigError> {
    for (name, v) in [
        (
            "staff.sign_in.failures_per_known_device",
            s.failures_per_known_device,
        ),
        (
            "staff.sign_in.failures_per_account_and_client",
            s.failures_per_account_and_client,
        ),
        ("staff.sign_in.failures_per_account", s.failures_per_account),
        ("staff.sign_in.failures_per_client", s.failures_per_client),
        ("staff.sign_in.window_minutes", s.window_minutes),
    ] {
        if v == 0 {
            return Err(ConfigError(format!("{name} must be at least 1")));
        }
    }
    Ok(())
}

/// The pepper: 32 bytes as 64 hex digits or base64, from the environment variable `pepper_env`
/// names. Required outside a demo; a demo without it uses [`DEMO_PEPPER`].
fn read_pepper(var: Option<&str>, demo: bool) -> Result<(Pepper, bool), ConfigError> {
    let Some(var) = var else {
        return if demo {
            Ok((Pepper::new(DEMO_PEPPER), true))
        } else {
            Err(ConfigError(
                "staff.pepper_env is needed: the NAME of an environment variable that holds 32 random bytes as 64 hex digits (make them with: openssl rand -hex 32). Keep it out of the database's backups, and the same for every instance".into(),
            ))
        };
    };
    // Says nothing of what was written: a secret put here by mistake must not show.
    if var.is_empty() || !var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(ConfigError("staff.pepper_env must be the NAME of an environment variable (letters, digits and _), not the pepper itself".into()));
    }
    let value = std::env::var(var).unwrap_or_default();
    let value = value.trim();
    let bytes = hex::decode32(value).map(Vec::from).or_else(|| {
        use base64::engine::general_purpose::{
            STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD,
        };
        use base64::Engine;
        [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
            .iter()
            .find_map(|e| e.decode(value).ok())
    });
    match bytes.and_then(|b| <[u8; 32]>::try_from(b).ok()) {
        Some(pepper) => Ok((Pepper::new(pepper), false)),
        None => Err(ConfigError(format!(
            "staff.pepper_env names {var:?}, but that environment variable does not hold 32 bytes as 64 hex digits or base64"
        ))),
    }
}
