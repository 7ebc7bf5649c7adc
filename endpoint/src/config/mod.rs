//! The one TOML file that says who the landlords are and how the endpoint behaves.
//!
//! Everything is checked before the server starts: a typo that quietly widened CORS or turned off
//! deletion would be worse than a server that refuses to start, so any problem stops the start
//! with a message naming the setting.

mod landlords;
mod limits;
mod serving;
mod smtp;
mod staff;
#[cfg(test)]
mod tests;
mod web;

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use safe_contact_rules::hex;
use serde::Deserialize;

pub use landlords::Landlord;
pub use limits::{RateLimit, Retention};
pub use smtp::{Security, Smtp};
pub use staff::{SignInLimit, Staff, DEMO_PEPPER};

use landlords::{check_landlords, Context, RawLandlord};
use limits::{check_rate_limit, check_retention};
use serving::{check_bind, check_connections, check_static_dir, check_trusted_proxies};
use smtp::{check_smtp, RawSmtp};
use staff::{check_staff, RawStaff};
use web::check_origin;

/// Where requests are kept: an SQLite file (the default, for one instance) or a PostgreSQL
/// database (for several instances behind a proxy).
#[derive(Clone, PartialEq)]
pub enum Database {
    Sqlite(PathBuf),
    /// The connection string as written, password included: never logged or shown whole.
    Postgres(String),
}

/// As [`Database::describe`]: a config printed for debugging must not show the password.
impl fmt::Debug for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

impl Database {
    fn parse(text: &str, base: &Path) -> Result<Database, ConfigError> {
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            text.parse::<tokio_postgres::Config>().map_err(|_| {
                ConfigError(
                    "database: not a PostgreSQL connection string (postgres://user@host:port/name)"
                        .into(),
                )
            })?;
            Ok(Database::Postgres(text.to_owned()))
        } else if text.contains("://") {
            Err(ConfigError(
                "database: give a file path for SQLite or a postgres:// address".into(),
            ))
        } else {
            Ok(Database::Sqlite(base.join(text)))
        }
    }

    /// For messages: the file, or PostgreSQL's host, port and database, without the user or
    /// password.
    pub fn describe(&self) -> String {
        match self {
            Database::Sqlite(path) => path.display().to_string(),
            Database::Postgres(url) => match url.parse::<tokio_postgres::Config>() {
                Ok(c) => {
                    let hosts: Vec<String> = c
                        .get_hosts()
                        .iter()
                        .map(|h| match h {
                            tokio_postgres::config::Host::Tcp(name) => name.clone(),
                            tokio_postgres::config::Host::Unix(path) => path.display().to_string(),
                        })
                        .collect();
                    let ports: Vec<String> = c.get_ports().iter().map(u16::to_string).collect();
                    format!(
                        "PostgreSQL database {} on {} port {}",
                        c.get_dbname().unwrap_or("(default)"),
                        hosts.join(","),
                        if ports.is_empty() {
                            "5432".into()
                        } else {
                            ports.join(",")
                        }
                    )
                }
                Err(_) => "PostgreSQL".into(),
            },
        }
    }
}

#[derive(Clone, Debug)]
pub struct Config {
    pub bind: SocketAddr,
    pub database: Database,
    pub static_dir: Option<PathBuf>,
    /// The endpoint's own origin as browsers see it. With it, the call-back form is served in a
    /// frame from this origin, which no script on a landlord's page can read; without it there
    /// is no form frame.
    pub origin: Option<String>,
    /// Only connections from these addresses may say, with X-Forwarded-For, who the client is.
    pub trusted_proxies: Vec<IpAddr>,
    pub request_timeout: Duration,
    pub max_connections: usize,
    pub rate_limit: RateLimit,
    /// The environment variable that holds the key of the hash standing for a client in the
    /// rate limits: see [`Config::client_secret`].
    pub client_secret_env: Option<String>,
    pub retention: Retention,
    pub landlords: Vec<Landlord>,
    /// Whether this is a demo, where public demo keys and plaintext requests are allowed.
    pub demo: bool,
    /// The mail server that landlords' `team_email` notices go through.
    pub smtp: Option<Smtp>,
    /// The staff inbox; without a `[staff]` table it is not served and the CLI cannot invite.
    pub staff: Option<Staff>,
}

#[derive(Debug)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default = "default_bind")]
    bind: String,
    database: String,
    client_secret_env: Option<String>,
    static_dir: Option<PathBuf>,
    origin: Option<String>,
    #[serde(default)]
    trusted_proxies: Vec<String>,
    #[serde(default = "default_timeout")]
    request_timeout_seconds: u64,
    #[serde(default = "default_max_connections")]
    max_connections: usize,
    #[serde(default)]
    rate_limit: RateLimit,
    #[serde(default)]
    retention: Retention,
    #[serde(default)]
    landlord: Vec<RawLandlord>,
    #[serde(default)]
    demo: bool,
    smtp: Option<RawSmtp>,
    staff: Option<RawStaff>,
}

fn default_bind() -> String {
    "127.0.0.1:8080".into()
}
fn default_timeout() -> u64 {
    10
}
fn default_max_connections() -> usize {
    512
}

impl Config {
    /// The key of the hash that stands for a client in the rate limits, from the environment
    /// variable `client_secret_env` names: 64 hex digits. Needed on PostgreSQL, where every
    /// instance must hash a client alike; on SQLite without it, the one instance makes a fresh
    /// key at each start (`None`). Read when the server starts, not with the file, so the staff
    /// tool, which limits no one, needs no secret.
    pub fn client_secret(&self) -> Result<Option<[u8; 32]>, ConfigError> {
        let Some(var) = &self.client_secret_env else {
            return match self.database {
                Database::Postgres(_) => Err(ConfigError(
                    "client_secret_env is needed with PostgreSQL: the NAME of an environment variable that holds the same 64 hex digits for every instance (make them with: openssl rand -hex 32)".into(),
                )),
                Database::Sqlite(_) => Ok(None),
            };
        };
        match hex::decode32(&std::env::var(var).unwrap_or_default()) {
            Some(secret) => Ok(Some(secret)),
            None => Err(ConfigError(format!(
                "client_secret_env names {var:?}, but that environment variable does not hold 64 hex digits"
            ))),
        }
    }

    /// Reads and checks a config file. Relative paths in it are taken from the file's folder, so
    /// the same file works whatever directory the server is started from.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError(format!("cannot read config file {}: {e}", path.display())))?;
        let base = path.parent().unwrap_or(Path::new("."));
        Config::from_toml(&text, base)
            .map_err(|e| ConfigError(format!("config file {}: {e}", path.display())))
    }

    /// The checks run in a fixed order, so a file with several problems always names the same
    /// one first.
    pub fn from_toml(text: &str, base: &Path) -> Result<Config, ConfigError> {
        let raw: RawConfig =
            toml::from_str(text).map_err(|e| ConfigError(e.to_string().trim_end().to_owned()))?;
        let bind = check_bind(&raw.bind)?;
        let trusted_proxies = check_trusted_proxies(&raw.trusted_proxies)?;
        check_connections(raw.request_timeout_seconds, raw.max_connections)?;
        check_rate_limit(&raw.rate_limit)?;
        check_retention(&raw.retention)?;
        let static_dir = check_static_dir(raw.static_dir, base)?;
        if let Some(o) = &raw.origin {
            check_origin(o).map_err(|why| ConfigError(format!("origin {o:?} {why}")))?;
        }
        let smtp = raw.smtp.map(check_smtp).transpose()?;
        let staff = raw.staff.map(|s| check_staff(s, raw.demo)).transpose()?;
        let context = Context {
            base,
            demo: raw.demo,
            smtp: smtp.is_some(),
            staff: staff.is_some(),
        };
        let landlords = check_landlords(raw.landlord, &context)?;
        let database = Database::parse(&raw.database, base)?;
        let client_secret_env = check_client_secret_env(raw.client_secret_env)?;
        Ok(Config {
            bind,
            client_secret_env,
            database,
            static_dir,
            origin: raw.origin,
            trusted_proxies,
            request_timeout: Duration::from_secs(raw.request_timeout_seconds),
            max_connections: raw.max_connections,
            rate_limit: raw.rate_limit,
            retention: raw.retention,
            landlords,
            demo: raw.demo,
            smtp,
            staff,
        })
    }

    pub fn landlord(&self, id: &str) -> Option<&Landlord> {
        self.landlords.iter().find(|l| l.id == id)
    }

    /// Settings that work but undo what the form frame is for, one line each, for the log at
    /// start. They are not refusals: a landlord may be part-way through moving the endpoint.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        if self.staff.as_ref().is_some_and(|s| s.demo_pepper) {
            warnings.push("[staff] sets no pepper_env, so the demo's public pepper is used: a copy of this database can be guessed at as if it had none. Set pepper_env outside a demo.".to_owned());
        }
        for l in &self.landlords {
            match &self.origin {
                Some(origin) if l.origins.contains(origin) => warnings.push(format!(
                    "Landlord {}'s pages share the endpoint's origin {origin}, so scripts on those pages could read the call-back form. Serve the endpoint from an origin of its own, for example https://contact.<landlord>.org.uk.",
                    l.id
                )),
                None if l.profile.is_some() => warnings.push(format!(
                    "Landlord {} has a profile, but the config sets no origin, so the call-back form frame is off. Set origin at the top of the config to the endpoint's own origin, for example https://contact.<landlord>.org.uk.",
                    l.id
                )),
                _ => {}
            }
            if self.staff.is_some() && l.staff_email_domains.is_empty() {
                warnings.push(format!(
                    "Landlord {} sets no staff_email_domains, so its leads can invite any address, another landlord's staff's included. Set it to the domains of its own staff's email, for example [\"{}.org.uk\"].",
                    l.id, l.id
                ));
            }
        }
        warnings
    }
}

/// Only the variable's name is in the file; its value, the secret, is read at start by
/// [`Config::client_secret`].
fn check_client_secret_env(var: Option<String>) -> Result<Option<String>, ConfigError> {
    match var {
        // Says nothing of what was written: a secret put here by mistake must not show.
        Some(var)
            if var.is_empty() || !var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
        {
            Err(ConfigError("client_secret_env must be the NAME of an environment variable (letters, digits and _), not the secret itself".into()))
        }
        var => Ok(var),
    }
}
