//! The one TOML file that says who the landlords are and how the endpoint behaves.
//!
//! Everything is checked before the server starts: a typo that quietly widened CORS or turned off
//! deletion would be worse than a server that refuses to start, so any problem stops the start
//! with a message naming the setting.

use std::collections::HashSet;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::Address;
use safe_contact_profile::Profile;
use safe_contact_rules::dns::is_host_name;
use safe_contact_rules::hex;
use safe_contact_rules::id::is_id;
use safe_contact_staff_keys::pepper::Pepper;
use serde::Deserialize;

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

#[derive(Clone, Debug)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    pub security: Security,
    /// Read from the environment variable that `password_env` names, so the file holds no secret.
    /// Its `Debug` leaves the password out.
    pub credentials: Option<Credentials>,
    pub from: Mailbox,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// Plain connection upgraded with STARTTLS; the send fails if the server does not offer it.
    Starttls,
    /// TLS from the first byte (SMTPS, usually port 465).
    Tls,
    /// No encryption: only to a mail server on this machine.
    None,
}

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
struct RawStaff {
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSmtp {
    host: String,
    port: u16,
    security: Security,
    username: Option<String>,
    password_env: Option<String>,
    from: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLandlord {
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

fn default_bind() -> String {
    "127.0.0.1:8080".into()
}
fn default_timeout() -> u64 {
    10
}
fn default_max_connections() -> usize {
    512
}
fn default_retention_days() -> u32 {
    90
}
fn default_closed_retention_days() -> u32 {
    30
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

    pub fn from_toml(text: &str, base: &Path) -> Result<Config, ConfigError> {
        let raw: RawConfig =
            toml::from_str(text).map_err(|e| ConfigError(e.to_string().trim_end().to_owned()))?;
        let err = |msg: String| Err(ConfigError(msg));

        let bind: SocketAddr = match raw.bind.parse() {
            Ok(b) => b,
            Err(_) => {
                return err(format!(
                    "bind = {:?} is not an address and port like \"127.0.0.1:8080\"",
                    raw.bind
                ))
            }
        };
        let mut trusted_proxies = Vec::new();
        for p in &raw.trusted_proxies {
            match p.parse::<IpAddr>() {
                Ok(ip) => trusted_proxies.push(ip),
                Err(_) => return err(format!("trusted_proxies: {p:?} is not an IP address")),
            }
        }
        if !(1..=300).contains(&raw.request_timeout_seconds) {
            return err("request_timeout_seconds must be between 1 and 300".into());
        }
        if raw.max_connections == 0 {
            return err("max_connections must be at least 1".into());
        }
        let rl = &raw.rate_limit;
        for (name, v) in [
            ("rate_limit.per_client_per_hour", rl.per_client_per_hour),
            ("rate_limit.per_landlord_per_hour", rl.per_landlord_per_hour),
            ("rate_limit.global_per_hour", rl.global_per_hour),
        ] {
            if v == 0 {
                return err(format!("{name} must be at least 1"));
            }
        }
        if rl.max_clients < 2 {
            return err("rate_limit.max_clients must be at least 2".into());
        }
        if raw.retention.sweep_every_minutes == 0 || raw.retention.sweep_every_minutes > 24 * 60 {
            return err("retention.sweep_every_minutes must be between 1 and 1440".into());
        }
        if !(1..=3650).contains(&raw.retention.audit_days) {
            return err("retention.audit_days must be between 1 and 3650".into());
        }

        let static_dir = raw.static_dir.map(|d| base.join(d));
        if let Some(d) = &static_dir {
            if !d.is_dir() {
                return err(format!("static_dir {} is not a folder", d.display()));
            }
        }
        if let Some(o) = &raw.origin {
            check_origin(o).map_err(|why| ConfigError(format!("origin {o:?} {why}")))?;
        }
        let smtp = raw.smtp.map(check_smtp).transpose()?;
        let staff = raw.staff.map(|s| check_staff(s, raw.demo)).transpose()?;
        if raw.landlord.is_empty() {
            return err("no [[landlord]] sections: the endpoint would accept nothing".into());
        }

        let mut ids = HashSet::new();
        let mut hashes = HashSet::new();
        let mut landlords = Vec::new();
        for (i, l) in raw.landlord.into_iter().enumerate() {
            let at = format!("landlord[{i}] ({:?})", l.id);
            if !is_id(&l.id) {
                return err(format!(
                    "{at}: id must be lower-case letters, digits and hyphens, as in the profile"
                ));
            }
            if !ids.insert(l.id.clone()) {
                return err(format!("{at}: id appears twice"));
            }
            let mut seen_areas = HashSet::new();
            for a in &l.areas {
                if !is_id(a) {
                    return err(format!(
                        "{at}: area {a:?} must be lower-case letters, digits and hyphens"
                    ));
                }
                if !seen_areas.insert(a) {
                    return err(format!("{at}: area {a:?} appears twice"));
                }
            }
            if l.origins.is_empty() {
                return err(format!(
                    "{at}: origins is empty, so no page could send requests"
                ));
            }
            for o in &l.origins {
                check_origin(o).map_err(|why| ConfigError(format!("{at}: origin {o:?} {why}")))?;
            }
            if !(1..=3650).contains(&l.retention_days) {
                return err(format!("{at}: retention_days must be between 1 and 3650"));
            }
            if l.closed_retention_days == 0 || l.closed_retention_days > l.retention_days {
                return err(format!("{at}: closed_retention_days must be at least 1 and no more than retention_days"));
            }
            let hash = hex::decode32(&l.staff_token_sha256).ok_or_else(|| {
                ConfigError(format!(
                    "{at}: staff_token_sha256 must be 64 hex digits (run `safe-contact-staff new-token`)"
                ))
            })?;
            if !hashes.insert(hash) {
                return err(format!(
                    "{at}: staff_token_sha256 is the same as another landlord's"
                ));
            }
            let mut seen_keys = HashSet::new();
            for k in &l.seal_key_ids {
                if !is_id(k) {
                    return err(format!(
                        "{at}: seal key id {k:?} must be lower-case letters, digits and hyphens, as in the profile"
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
            if !raw.demo {
                refuse_demo_settings(&at, &l)?;
            }
            for g in &l.staff_guidance {
                if g.trim().is_empty() || g.len() > 500 || g.contains(['\n', '\r']) {
                    return err(format!(
                        "{at}: each staff_guidance line must be one line of 1 to 500 characters"
                    ));
                }
            }
            let staff_email_domains = l
                .staff_email_domains
                .iter()
                .map(|d| email_domain(d).ok_or(d))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|d| {
                    ConfigError(format!(
                        "{at}: staff_email_domains: {d:?} is not a domain like \"livin.org.uk\""
                    ))
                })?;
            if let Some(url) = &l.notify_webhook {
                check_web_address(url)
                    .map_err(|why| ConfigError(format!("{at}: notify_webhook {why}")))?;
            }
            // The address is left out of these messages, as it is out of every log line.
            let team_email = match &l.team_email {
                None => None,
                Some(_) if smtp.is_none() => {
                    return err(format!(
                        "{at}: team_email is set but there is no [smtp] table to send it through"
                    ))
                }
                // The e-mail's one link is the inbox, so there must be one.
                Some(_) if staff.is_none() => {
                    return err(format!(
                        "{at}: team_email is set but there is no [staff] table: the e-mail links to the staff inbox at staff.base_url"
                    ))
                }
                Some(a) => Some(a.parse::<Address>().map_err(|_| {
                    ConfigError(format!(
                        "{at}: team_email must be one e-mail address, like team@example.org"
                    ))
                })?),
            };
            let profile = match &l.profile {
                Some(path) => Some(read_profile(&at, &base.join(path), &l)?),
                None => None,
            };
            landlords.push(Landlord {
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
            });
        }

        let database = Database::parse(&raw.database, base)?;
        Ok(Config {
            bind,
            client_secret_env: match raw.client_secret_env {
                // Says nothing of what was written: a secret put here by mistake must not show.
                Some(var)
                    if var.is_empty()
                        || !var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
                {
                    return Err(ConfigError("client_secret_env must be the NAME of an environment variable (letters, digits and _), not the secret itself".into()));
                }
                var => var,
            },
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
    let in_profile: HashSet<&str> = profile.areas.iter().map(|a| a.id.as_str()).collect();
    let in_config: HashSet<&str> = l.areas.iter().map(String::as_str).collect();
    if in_profile != in_config {
        let listed = |set: &HashSet<&str>, other: &HashSet<&str>| {
            let mut only: Vec<&str> = set.difference(other).copied().collect();
            only.sort_unstable();
            if only.is_empty() {
                "none".to_owned()
            } else {
                only.join(", ")
            }
        };
        return Err(ConfigError(format!(
            "{at}: the areas in profile {shown} differ from areas (only in the profile: {}; only in the config: {}), so the form would offer areas the endpoint refuses or leave some out",
            listed(&in_profile, &in_config),
            listed(&in_config, &in_profile)
        )));
    }
    Ok(profile)
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

fn check_staff(raw: RawStaff, demo: bool) -> Result<Staff, ConfigError> {
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
    let s = raw.sign_in;
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
    let (pepper, demo_pepper) = read_pepper(raw.pepper_env.as_deref(), demo)?;
    Ok(Staff {
        base_url: raw.base_url,
        idle: Duration::from_secs(raw.idle_seconds),
        invite_hours: raw.invite_hours,
        sign_in: s,
        pepper,
        demo_pepper,
    })
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

/// An origin as browsers send it: scheme, host and optional port, nothing more. Anything looser
/// (a trailing slash, a path, a wildcard) would never match or would match too much. Pages that
/// collect requests must be served over HTTPS; plain HTTP is only for this machine.
fn check_origin(o: &str) -> Result<(), &'static str> {
    let (scheme, rest) = o
        .split_once("://")
        .filter(|(s, _)| matches!(*s, "https" | "http"))
        .ok_or("must start with https://")?;
    if o != o.to_ascii_lowercase() {
        return Err("must be in lower case, as browsers send it");
    }
    if rest.is_empty() || rest.contains(['/', '?', '#', '@', '*', ' ']) {
        return Err("must be scheme://host[:port] with no path, wildcard or trailing slash");
    }
    let (host, port) = if let Some(v6) = rest.strip_prefix('[') {
        let (inside, after) = v6.split_once(']').ok_or("has an unclosed [")?;
        (&rest[..inside.len() + 2], after.strip_prefix(':'))
    } else {
        match rest.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (rest, None),
        }
    };
    if let Some(p) = port {
        if p.parse::<u16>().map_or(true, |n| n == 0) {
            return Err("has a port that is not a number from 1 to 65535");
        }
    }
    if scheme == "http" && !is_loopback_host(host) {
        return Err(
            "must start with https:// (plain http:// only for 127.0.0.1, localhost or [::1])",
        );
    }
    Ok(())
}

/// A configured email domain, lower case, by the same rule as the form's email addresses.
fn email_domain(domain: &str) -> Option<String> {
    let domain = domain.trim().to_ascii_lowercase();
    let address = safe_contact_callback::normalise_email(&format!("a@{domain}"))?;
    (address == format!("a@{domain}")).then_some(domain)
}

fn is_loopback_host(host: &str) -> bool {
    matches!(host, "127.0.0.1" | "localhost" | "[::1]")
}

/// Even a notice that says only "a request is waiting" tells an eavesdropper that someone asked
/// for help, so mail leaves this machine encrypted. A password comes from the environment,
/// never the file, which is often copied around.
fn check_smtp(raw: RawSmtp) -> Result<Smtp, ConfigError> {
    let err = |msg: String| Err(ConfigError(msg));
    let host_ip = raw.host.parse::<IpAddr>().ok();
    if host_ip.is_none() && !is_host_name(&raw.host) {
        return err(format!(
            "smtp.host {:?} must be a host name like smtp.example.org or an IP address, with no scheme or port",
            raw.host
        ));
    }
    let loopback = raw.host == "localhost" || host_ip.is_some_and(|ip| ip.is_loopback());
    if raw.security == Security::None && !loopback {
        return err(format!(
            "smtp.security = \"none\" would send mail unencrypted, so it is allowed only when smtp.host is this machine (127.0.0.1, localhost or ::1), not {:?}: use \"starttls\" or \"tls\"",
            raw.host
        ));
    }
    if raw.port == 0 {
        return err("smtp.port must be a number from 1 to 65535".into());
    }
    let credentials = match (raw.username, raw.password_env) {
        (None, None) => None,
        (Some(user), Some(var)) => {
            // Says nothing of what was written: a password put here by mistake must not be shown.
            if var.is_empty() || !var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return err("smtp.password_env must be the NAME of an environment variable that holds the password (letters, digits and _), not the password itself".into());
            }
            match std::env::var(&var) {
                Ok(password) if !password.is_empty() => Some(Credentials::new(user, password)),
                _ => {
                    return err(format!(
                        "smtp.password_env names {var:?}, but that environment variable is not set or is empty"
                    ))
                }
            }
        }
        _ => {
            return err(
                "smtp.username and smtp.password_env go together: give both or neither".into(),
            )
        }
    };
    let from = raw.from.parse::<Mailbox>().map_err(|_| {
        ConfigError(format!(
            "smtp.from {:?} must be an e-mail address, like safe-contact@example.org or \"Safe Contact <safe-contact@example.org>\"",
            raw.from
        ))
    })?;
    Ok(Smtp {
        host: raw.host,
        port: raw.port,
        security: raw.security,
        credentials,
        from,
    })
}

/// Webhooks, and the inbox link in e-mails, go over HTTPS: even a content-free "new request" ping
/// tells an eavesdropper that someone asked for help, and the inbox is where staff sign in.
/// Plain HTTP is allowed only to this machine. The address is read with
/// a real URL parser, so the host checked is the host the request will go to: in
/// `http://127.0.0.1:1@evil.example/` that is evil.example. A user name or password in the
/// address is refused outright, since it makes the address read as going somewhere else.
fn check_web_address(address: &str) -> Result<(), &'static str> {
    let url = reqwest::Url::parse(address).map_err(|_| "is not a web address")?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not hold a user name or password (the part before @)");
    }
    let host = url
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or("has no host")?;
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback_host(host) => Ok(()),
        _ => Err("must start with https:// (plain http:// only to 127.0.0.1, localhost or [::1])"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    /// A `pepper_env` line for a `[staff]` table, naming a variable that holds a pepper.
    fn pepper_line() -> &'static str {
        std::env::set_var("SAFE_CONTACT_TEST_PEPPER_TABLE", "cd".repeat(32));
        "pepper_env = \"SAFE_CONTACT_TEST_PEPPER_TABLE\"\n"
    }

    fn base(extra_landlord: &str) -> String {
        format!(
            r#"
database = "x.db"
[[landlord]]
id = "livin"
areas = ["darlington", "hartlepool"]
origins = ["https://www.livin.co.uk"]
staff_token_sha256 = "{HASH}"
seal_key_ids = ["livin-2026-05"]
{extra_landlord}
"#
        )
    }

    fn problem(text: &str) -> String {
        Config::from_toml(text, Path::new("/srv")).unwrap_err().0
    }

    #[test]
    fn good_config_with_defaults() {
        let c = Config::from_toml(&base(""), Path::new("/srv")).unwrap();
        assert_eq!(c.database, Database::Sqlite("/srv/x.db".into()));
        assert_eq!(c.bind.to_string(), "127.0.0.1:8080");
        let l = c.landlord("livin").unwrap();
        assert_eq!((l.retention_days, l.closed_retention_days), (90, 30));
        assert_eq!((&l.notify_webhook, &l.team_email), (&None, &None));
        assert!(c.smtp.is_none());
        assert_eq!(l.seal_key_ids, ["livin-2026-05"]);
        assert!(!l.allow_plaintext, "plaintext is off unless asked for");
        assert!(!c.demo, "a config is not a demo unless it says so");
        assert_eq!(c.rate_limit.per_client_per_hour, 10);
        assert_eq!(c.rate_limit.max_clients, 100_000);
        assert!(c.staff.is_none(), "no inbox unless configured");
        assert!(l.staff_guidance.is_empty());
    }

    #[test]
    fn database_is_a_file_or_a_postgres_address() {
        std::env::set_var("SAFE_CONTACT_TEST_SECRET_GOOD", "ab".repeat(32));
        std::env::set_var("SAFE_CONTACT_TEST_SECRET_SHORT", "ab".repeat(31));
        let with = |db: &str, var: &str| {
            base("").replace(
                "database = \"x.db\"",
                &format!("database = \"{db}\"\nclient_secret_env = \"{var}\""),
            )
        };
        let good = |db: &str| with(db, "SAFE_CONTACT_TEST_SECRET_GOOD");
        let url = "postgres://safe:pw@db.example:5433/contact?sslmode=require";
        let c = Config::from_toml(&good(url), Path::new("/srv")).unwrap();
        assert_eq!(c.database, Database::Postgres(url.into()));
        assert_eq!(c.client_secret().unwrap(), Some([0xab; 32]));
        let said = c.database.describe();
        assert_eq!(said, "PostgreSQL database contact on db.example port 5433");
        assert!(!said.contains("pw") && !said.contains("safe"));
        assert!(!format!("{c:?}").contains("pw"), "Debug shows no password");
        let c = Config::from_toml(&good("postgresql://h/x"), Path::new("/srv")).unwrap();
        assert_eq!(
            c.database.describe(),
            "PostgreSQL database x on h port 5432"
        );
        assert!(problem(&good("postgres://h:notaport/x")).contains("PostgreSQL connection string"));
        assert!(problem(&good("mysql://h/x")).contains("postgres://"));
        // Instances must share the client key on PostgreSQL; SQLite may make its own.
        let without = base("").replace("database = \"x.db\"", &format!("database = \"{url}\""));
        let secret_problem = |text: &str| {
            Config::from_toml(text, Path::new("/srv"))
                .unwrap()
                .client_secret()
                .unwrap_err()
                .0
        };
        assert!(secret_problem(&without).contains("client_secret_env is needed with PostgreSQL"));
        assert_eq!(
            Config::from_toml(&base(""), Path::new("/srv"))
                .unwrap()
                .client_secret()
                .unwrap(),
            None
        );
        let short = secret_problem(&with(url, "SAFE_CONTACT_TEST_SECRET_SHORT"));
        assert!(
            short.contains("64 hex digits") && !short.contains("abab"),
            "{short}"
        );
        assert!(
            secret_problem(&with(url, "SAFE_CONTACT_NO_SUCH_VARIABLE_42"))
                .contains("64 hex digits")
        );
        assert!(problem(&with(url, "abab abab")).contains("NAME of an environment variable"));
    }

    #[test]
    fn staff_table() {
        let with = |table: &str| {
            format!(
                "{}\n{}",
                base("staff_guidance = [\"Call from a withheld number.\"]"),
                table
            )
        };
        let c = Config::from_toml(
            &with(&format!(
                "[staff]\nbase_url = \"http://127.0.0.1:8080\"\n{}",
                pepper_line()
            )),
            Path::new("/srv"),
        )
        .unwrap();
        let s = c.staff.as_ref().unwrap();
        assert_eq!(s.base_url, "http://127.0.0.1:8080");
        assert_eq!((s.idle.as_secs(), s.invite_hours), (900, 24));
        assert_eq!(
            (
                s.sign_in.failures_per_known_device,
                s.sign_in.failures_per_account_and_client,
                s.sign_in.failures_per_account,
                s.sign_in.failures_per_client,
                s.sign_in.window_minutes
            ),
            (5, 5, 10, 20, 15)
        );
        assert_eq!(
            c.landlord("livin").unwrap().staff_guidance,
            ["Call from a withheld number."]
        );
        assert!(problem(&with("[staff]\nidle_seconds = 600")).contains("base_url"));
        assert!(
            problem(&with("[staff]\nbase_url = \"http://inbox.example\""))
                .contains("staff.base_url")
        );
        assert!(
            problem(&with("[staff]\nbase_url = \"https://inbox.example/\""))
                .contains("staff.base_url")
        );
        assert!(problem(&with(
            "[staff]\nbase_url = \"https://a.example\"\nidle_seconds = 5"
        ))
        .contains("idle_seconds"));
        assert!(problem(&with(
            "[staff]\nbase_url = \"https://a.example\"\n[staff.sign_in]\nwindow_minutes = 0"
        ))
        .contains("window_minutes"));
        assert!(problem(&base("staff_guidance = [\"\"]")).contains("staff_guidance"));
    }

    #[test]
    fn staff_pepper_comes_from_the_environment_and_only_a_demo_may_go_without() {
        use safe_contact_staff_keys::pepper::Pepper;
        let staff = |more: &str| {
            format!(
                "{}\n[staff]\nbase_url = \"https://inbox.example\"\n{more}",
                base("")
            )
        };
        let member = |c: &Config| c.staff.as_ref().unwrap().pepper.member("a@b.org").to_b64();
        let hex = "0f".repeat(32);
        let expected = Pepper::new([0x0f; 32]).member("a@b.org").to_b64();
        std::env::set_var("SAFE_CONTACT_TEST_PEPPER_HEX", &hex);
        std::env::set_var(
            "SAFE_CONTACT_TEST_PEPPER_B64",
            "Dw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8=",
        );
        std::env::set_var("SAFE_CONTACT_TEST_PEPPER_SHORT", "0f".repeat(31));
        for var in [
            "SAFE_CONTACT_TEST_PEPPER_HEX",
            "SAFE_CONTACT_TEST_PEPPER_B64",
        ] {
            let c = Config::from_toml(
                &staff(&format!("pepper_env = \"{var}\"")),
                Path::new("/srv"),
            )
            .unwrap();
            assert_eq!(member(&c), expected);
            assert!(!c.staff.as_ref().unwrap().demo_pepper);
            assert!(!format!("{c:?}").contains(&hex), "Debug shows no pepper");
        }
        assert!(problem(&staff("")).contains("staff.pepper_env is needed"));
        for var in [
            "SAFE_CONTACT_TEST_PEPPER_SHORT",
            "SAFE_CONTACT_NO_SUCH_VARIABLE_43",
        ] {
            assert!(problem(&staff(&format!("pepper_env = \"{var}\"")))
                .contains("does not hold 32 bytes"));
        }
        let pasted = problem(&staff(&format!("pepper_env = \"{hex} \"")));
        assert!(pasted.contains("NAME of an environment variable") && !pasted.contains(&hex));

        let demo =
            Config::from_toml(&format!("demo = true\n{}", staff("")), Path::new("/srv")).unwrap();
        assert_eq!(
            member(&demo),
            Pepper::new(DEMO_PEPPER).member("a@b.org").to_b64()
        );
        assert!(demo
            .warnings()
            .iter()
            .any(|w| w.contains("demo's public pepper")));
    }

    #[test]
    fn demo_settings_need_demo_true() {
        let demo_key = base("").replace("livin-2026-05", "livin-demo-1");
        let why = problem(&demo_key);
        assert!(
            why.contains("\"livin-demo-1\" is a demo key")
                && why.contains("run `safe-contact-staff keygen`")
                && why.contains("callback.seal")
                && !why.contains('\n'),
            "{why}"
        );
        let plain = base("allow_plaintext = true");
        let why = problem(&plain);
        assert!(
            why.contains("remove allow_plaintext") && !why.contains('\n'),
            "{why}"
        );
        for text in [demo_key, plain] {
            let c = Config::from_toml(&format!("demo = true\n{text}"), Path::new("/srv")).unwrap();
            assert!(c.demo);
        }
        assert!(problem(&format!("demo = \"yes\"\n{}", base(""))).contains("demo"));
    }

    #[test]
    fn seal_keys_and_plaintext() {
        let keys = |list: &str| base("").replace("[\"livin-2026-05\"]", list);
        assert!(problem(&keys("[\"Livin 1\"]")).contains("seal key id \"Livin 1\""));
        assert!(problem(&keys("[\"a\", \"a\"]")).contains("appears twice"));
        assert!(problem(&keys("[]")).contains("could take no requests"));
        let plain_only = format!("demo = true\n{}allow_plaintext = true\n", keys("[]"));
        let c = Config::from_toml(&plain_only, Path::new("/srv")).unwrap();
        let l = c.landlord("livin").unwrap();
        assert!(l.allow_plaintext && l.seal_key_ids.is_empty());
        let rotating = keys("[\"livin-2026-05\", \"livin-2026-11\"]");
        let c = Config::from_toml(&rotating, Path::new("/srv")).unwrap();
        assert_eq!(c.landlord("livin").unwrap().seal_key_ids.len(), 2);
    }

    #[test]
    fn bad_configs_name_the_problem() {
        assert!(problem(&base("colour = \"red\"")).contains("unknown field `colour`"));
        assert!(problem(&base("retention_days = 0")).contains("retention_days"));
        assert!(problem(&base("closed_retention_days = 100")).contains("closed_retention_days"));
        assert!(
            problem(&base("notify_webhook = \"http://example.org/hook\""))
                .contains("notify_webhook")
        );
        assert!(problem(&base("").replace(HASH, "abc")).contains("staff_token_sha256"));
        assert!(problem(&base("").replace("\"livin\"", "\"Livin\"")).contains("id must be"));
        assert!(problem("database = \"x.db\"").contains("no [[landlord]]"));
        assert!(problem(&format!("bind = \"nowhere\"\n{}", base(""))).contains("bind"));
        assert!(
            problem(&format!("trusted_proxies = [\"proxy\"]\n{}", base("")))
                .contains("trusted_proxies")
        );
        assert!(
            problem(&format!("static_dir = \"/no/such/dir\"\n{}", base(""))).contains("static_dir")
        );
        assert!(
            problem(&format!("{}\n[rate_limit]\nglobal_per_hour = 0", base("")))
                .contains("global_per_hour")
        );
        let twice = format!(
            "{}{}",
            base(""),
            base("").replace("database = \"x.db\"", "")
        );
        assert!(problem(&twice).contains("appears twice"));
    }

    #[test]
    fn origins_must_be_exact() {
        for bad in [
            "https://www.livin.co.uk/",
            "https://*.livin.co.uk",
            "www.livin.co.uk",
            "https://WWW.livin.co.uk",
            "https://a.org:0",
            "https://a.org:x",
            "ftp://a.org",
            "https://a.org/path",
            "http://www.livin.co.uk",
            "http://127.0.0.2:8080",
            "http://localhost.evil.example",
            "http://[::2]:8080",
        ] {
            assert!(check_origin(bad).is_err(), "{bad}");
        }
        for good in [
            "https://www.livin.co.uk",
            "http://127.0.0.1:8080",
            "http://localhost:8080",
            "http://[::1]:8080",
            "http://localhost",
            "https://[2001:db8::1]:8443",
        ] {
            assert!(check_origin(good).is_ok(), "{good}");
        }
    }

    /// Livin's seed profile, as the demo uses it: its key id and its four areas.
    fn with_seed_profile(top: &str) -> Config {
        let text = format!(
            "demo = true\n{top}\n{}",
            base("profile = \"../public/profiles/livin.json\"")
                .replace("livin-2026-05", "livin-demo-1")
                .replace(
                    "[\"darlington\", \"hartlepool\"]",
                    "[\"county-durham\", \"darlington\", \"hartlepool\", \"stockton-on-tees\"]"
                )
        );
        Config::from_toml(&text, Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    #[test]
    fn staff_email_domains_are_domains_in_lower_case() {
        let c = Config::from_toml(
            &base("staff_email_domains = [\"Livin.org.uk\", \"staff.livin.example\"]"),
            Path::new("/srv"),
        )
        .unwrap();
        assert_eq!(
            c.landlord("livin").unwrap().staff_email_domains,
            ["livin.org.uk", "staff.livin.example"]
        );
        for bad in [
            "livin",
            "@livin.org.uk",
            "livin.org.uk/x",
            "",
            "a b.org",
            "livin..org",
        ] {
            let problem = problem(&base(&format!("staff_email_domains = [{bad:?}]")));
            assert!(problem.contains("staff_email_domains"), "{bad}: {problem}");
        }
        // With an inbox and no domains, the start-up says what that allows.
        let staff = "[staff]\nbase_url = \"https://contact.livin.example\"\n";
        let open = Config::from_toml(
            &format!("{}\n{staff}{}", base(""), pepper_line()),
            Path::new("/srv"),
        )
        .unwrap();
        assert!(
            open.warnings()
                .iter()
                .any(|w| w.starts_with("Landlord livin sets no staff_email_domains")),
            "{:?}",
            open.warnings()
        );
        assert_eq!(c.warnings(), Vec::<String>::new());
    }

    #[test]
    fn the_endpoints_origin_and_what_it_warns_of() {
        let c = with_seed_profile("origin = \"https://contact.livin.example\"");
        assert_eq!(c.origin.as_deref(), Some("https://contact.livin.example"));
        assert_eq!(
            c.landlord("livin").unwrap().profile.as_ref().unwrap().id,
            "livin"
        );
        assert_eq!(c.warnings(), Vec::<String>::new());

        let shared = with_seed_profile("origin = \"https://www.livin.co.uk\"");
        assert_eq!(
            shared.warnings(),
            ["Landlord livin's pages share the endpoint's origin https://www.livin.co.uk, so scripts on those pages could read the call-back form. Serve the endpoint from an origin of its own, for example https://contact.<landlord>.org.uk."]
        );
        let off = with_seed_profile("");
        assert_eq!(off.origin, None);
        let warnings = off.warnings();
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0].starts_with("Landlord livin has a profile, but the config sets no origin, so the call-back form frame is off."),
            "{warnings:?}"
        );
        // Without a profile there is no frame to miss.
        let plain = Config::from_toml(&base(""), Path::new("/srv")).unwrap();
        assert_eq!(plain.warnings(), Vec::<String>::new());

        for bad in [
            "https://contact.example.org/",
            "http://contact.example.org",
            "contact.example.org",
        ] {
            let why = problem(&format!("origin = {bad:?}\n{}", base("")));
            assert!(why.starts_with(&format!("origin {bad:?} must")), "{why}");
        }
    }

    #[test]
    fn webhooks_need_tls_off_this_machine() {
        assert!(check_web_address("https://hooks.example.org/x").is_ok());
        assert!(check_web_address("http://127.0.0.1:9000/x").is_ok());
        assert!(check_web_address("http://localhost/x").is_ok());
        assert!(check_web_address("http://example.org/x").is_err());
        assert!(check_web_address("https://").is_err());
        assert!(check_web_address("http://[::1]:9000/x").is_ok());
        for bad in [
            "http://127.0.0.1:1@evil.example/",
            "http://localhost@evil.example/x",
            "http://127.0.0.1.evil.example/x",
            "https://user:secret@hooks.example.org/x",
            "ftp://127.0.0.1/x",
            "not a url",
        ] {
            assert!(check_web_address(bad).is_err(), "{bad}");
        }
        assert!(check_web_address("http://127.0.0.1:1@evil.example/")
            .unwrap_err()
            .contains("user name"));
    }

    const SMTP: &str = r#"
[smtp]
host = "smtp.example.org"
port = 587
security = "starttls"
from = "Safe Contact <safe-contact@example.org>"
"#;
    const STAFF: &str = "\n[staff]\nbase_url = \"https://help.example.org\"\n";

    fn with_smtp(landlord: &str, smtp: &str) -> String {
        format!("{}{smtp}{STAFF}{}", base(landlord), pepper_line())
    }

    #[test]
    fn team_email_through_smtp() {
        let c = Config::from_toml(
            &with_smtp("team_email = \"da-team@livin.example\"", SMTP),
            Path::new("/srv"),
        )
        .unwrap();
        let l = c.landlord("livin").unwrap();
        assert_eq!(
            l.team_email.as_ref().unwrap().to_string(),
            "da-team@livin.example"
        );
        let smtp = c.smtp.unwrap();
        assert_eq!((smtp.port, smtp.security), (587, Security::Starttls));
        assert_eq!(smtp.from.email.to_string(), "safe-contact@example.org");
        assert!(smtp.credentials.is_none());
        assert_eq!(
            c.staff.unwrap().inbox_url(),
            "https://help.example.org/staff/",
            "the e-mail's link"
        );
        let why = problem(&format!(
            "{}{SMTP}",
            base("team_email = \"da-team@livin.example\"")
        ));
        assert!(
            why.contains("team_email") && why.contains("[staff]"),
            "no inbox to link to: {why}"
        );

        let why = problem(&base("team_email = \"da-team@livin.example\""));
        assert!(
            why.contains("landlord[0] (\"livin\")")
                && why.contains("team_email")
                && why.contains("[smtp]"),
            "{why}"
        );
        for bad in [
            "not an address",
            "a@x.example, b@x.example",
            "Team <a@x.example>",
        ] {
            let why = problem(&with_smtp(&format!("team_email = {bad:?}"), SMTP));
            assert!(
                why.contains("team_email must be one e-mail address"),
                "{why}"
            );
            assert!(!why.contains("x.example"), "the address stays out: {why}");
        }
    }

    #[test]
    fn smtp_settings_are_checked() {
        let smtp = |from: &str, to: &str| with_smtp("", &SMTP.replace(from, to));
        let none_remote = smtp("\"starttls\"", "\"none\"");
        assert!(problem(&none_remote).contains("security = \"none\" would send mail unencrypted"));
        for host in ["127.0.0.1", "localhost", "::1"] {
            let local = none_remote.replace("smtp.example.org", host);
            let c = Config::from_toml(&local, Path::new("/srv")).unwrap();
            assert_eq!(c.smtp.unwrap().security, Security::None, "{host}");
        }
        assert!(problem(&smtp("\"starttls\"", "\"ssl\"")).contains("unknown variant `ssl`"));
        assert!(Config::from_toml(&smtp("\"starttls\"", "\"tls\""), Path::new("/srv")).is_ok());
        for host in [
            "smtp://smtp.example.org",
            "smtp.example.org:587",
            "",
            "-x.example",
        ] {
            assert!(
                problem(&smtp("smtp.example.org", host)).contains("smtp.host"),
                "{host}"
            );
        }
        assert!(problem(&smtp("587", "0")).contains("smtp.port"));
        assert!(problem(&smtp("587", "70000")).contains("port"));
        assert!(
            problem(&smtp("Safe Contact <safe-contact@example.org>", "nobody"))
                .contains("smtp.from")
        );
        assert!(problem(&with_smtp("", "[smtp]\nhost = \"localhost\"")).contains("missing field"));
        assert!(problem(&with_smtp("", &format!("{SMTP}colour = \"red\"")))
            .contains("unknown field `colour`"));
    }

    #[test]
    fn smtp_password_comes_from_the_environment() {
        let creds = |lines: &str| with_smtp("", &format!("{SMTP}{lines}"));
        // PATH is set wherever tests run, so no test has to change the environment.
        let c = Config::from_toml(
            &creds("username = \"safe-contact\"\npassword_env = \"PATH\""),
            Path::new("/srv"),
        )
        .unwrap();
        let smtp = c.smtp.unwrap();
        assert!(smtp.credentials.is_some());
        let shown = format!("{smtp:?}");
        let path = std::env::var("PATH").unwrap();
        assert!(!shown.contains(&path), "Debug shows the password: {shown}");

        let why = problem(&creds(
            "username = \"safe-contact\"\npassword_env = \"SAFE_CONTACT_NO_SUCH_VARIABLE_42\"",
        ));
        assert!(
            why.contains("\"SAFE_CONTACT_NO_SUCH_VARIABLE_42\"") && why.contains("not set"),
            "{why}"
        );
        let why = problem(&creds(
            "username = \"safe-contact\"\npassword_env = \"hunter2 secret!\"",
        ));
        assert!(
            why.contains("NAME of an environment variable") && !why.contains("hunter2"),
            "{why}"
        );
        assert!(problem(&creds("username = \"safe-contact\"")).contains("go together"));
        assert!(problem(&creds("password_env = \"PATH\"")).contains("go together"));
    }
}
