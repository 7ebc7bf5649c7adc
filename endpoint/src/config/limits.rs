//! The `[rate_limit]` and `[retention]` tables: how much the endpoint takes, and how long it
//! keeps what is not tied to one landlord.

use serde::Deserialize;

use super::ConfigError;

#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RateLimit {
    pub per_client_per_hour: u32,
    pub per_landlord_per_hour: u32,
    pub global_per_hour: u32,
    /// How many clients (addresses, or IPv6 networks) are remembered at once. When the table
    /// is full the longest-idle ones are forgotten, so a new client is never turned away.
    pub max_clients: usize,
}

impl Default for RateLimit {
    // Close to GlobaLeaks' defaults: a person sends one or two requests; a flood is an attack.
    fn default() -> Self {
        RateLimit {
            per_client_per_hour: 10,
            per_landlord_per_hour: 300,
            global_per_hour: 1000,
            max_clients: 100_000,
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Retention {
    pub sweep_every_minutes: u64,
    /// How long the staff audit trail (who did what, never what a request said) is kept.
    pub audit_days: u32,
}

impl Default for Retention {
    fn default() -> Self {
        Retention {
            sweep_every_minutes: 60,
            audit_days: 365,
        }
    }
}

pub(super) fn check_rate_limit(rl: &RateLimit) -> Result<(), ConfigError> {
    for (name, v) in [
        ("rate_limit.per_client_per_hour", rl.per_client_per_hour),
        ("rate_limit.per_landlord_per_hour", rl.per_landlord_per_hour),
        ("rate_limit.global_per_hour", rl.global_per_hour),
    ] {
        if v == 0 {
            return Err(ConfigError(format!("{name} must be at least 1")));
        }
    }
    if rl.max_clients < 2 {
        return Err(ConfigError(
            "rate_limit.max_clients must be at least 2".into(),
        ));
    }
    Ok(())
}

pub(super) fn check_retention(r: &Retention) -> Result<(), ConfigError> {
    if r.sweep_every_minutes == 0 || r.sweep_every_minutes > 24 * 60 {
        return Err(ConfigError(
            "retention.sweep_every_minutes must be between 1 and 1440".into(),
        ));
    }
    if !(1..=3650).contains(&r.audit_days) {
        return Err(ConfigError(
            "retention.audit_days must be between 1 and 3650".into(),
        ));
    }
    Ok(())
}
