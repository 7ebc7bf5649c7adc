//! The `[smtp]` table: the mail server that landlords' `team_email` notices go through.

use std::net::IpAddr;

use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use safe_contact_rules::dns::is_host_name;
use serde::Deserialize;

use super::ConfigError;

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSmtp {
    host: String,
    port: u16,
    security: Security,
    username: Option<String>,
    password_env: Option<String>,
    from: String,
}

/// Even a notice that says only "a request is waiting" tells an eavesdropper that someone asked
/// for help, so mail leaves this machine encrypted. A password comes from the environment,
/// never the file, which is often copied around.
pub(super) fn check_smtp(raw: RawSmtp) -> Result<Smtp, ConfigError> {
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
    let credentials = read_credentials(raw.username, raw.password_env)?;
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

fn read_credentials(
    username: Option<String>,
    password_env: Option<String>,
) -> Result<Option<Credentials>, ConfigError> {
    let err = |msg: String| Err(ConfigError(msg));
    match (username, password_env) {
        (None, None) => Ok(None),
        (Some(user), Some(var)) => {
            // Says nothing of what was written: a password put here by mistake must not be shown.
            if var.is_empty() || !var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return err("smtp.password_env must be the NAME of an environment variable that holds the password (letters, digits and _), not the password itself".into());
            }
            match std::env::var(&var) {
                Ok(password) if !password.is_empty() => Ok(Some(Credentials::new(user, password))),
                _ => err(format!(
                    "smtp.password_env names {var:?}, but that environment variable is not set or is empty"
                )),
            }
        }
        _ => err("smtp.username and smtp.password_env go together: give both or neither".into()),
    }
}
