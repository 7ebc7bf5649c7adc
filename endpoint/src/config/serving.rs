//! The settings at the top of the file that say how the endpoint serves: the address it listens
//! on, the proxies it believes, its time and connection limits, and its folder of static files.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use super::ConfigError;

pub(super) fn check_bind(bind: &str) -> Result<SocketAddr, ConfigError> {
    bind.parse().map_err(|_| {
        ConfigError(format!(
            "bind = {bind:?} is not an address and port like \"127.0.0.1:8080\""
        ))
    })
}

pub(super) fn check_trusted_proxies(proxies: &[String]) -> Result<Vec<IpAddr>, ConfigError> {
    proxies
        .iter()
        .map(|p| {
            p.parse::<IpAddr>()
                .map_err(|_| ConfigError(format!("trusted_proxies: {p:?} is not an IP address")))
        })
        .collect()
}

pub(super) fn check_connections(
    request_timeout_seconds: u64,
    max_connections: usize,
) -> Result<(), ConfigError> {
    if !(1..=300).contains(&request_timeout_seconds) {
        return Err(ConfigError(
            "request_timeout_seconds must be between 1 and 300".into(),
        ));
    }
    if max_connections == 0 {
        return Err(ConfigError("max_connections must be at least 1".into()));
    }
    Ok(())
}

pub(super) fn check_static_dir(
    static_dir: Option<PathBuf>,
    base: &Path,
) -> Result<Option<PathBuf>, ConfigError> {
    let static_dir = static_dir.map(|d| base.join(d));
    if let Some(d) = &static_dir {
        if !d.is_dir() {
            return Err(ConfigError(format!(
                "static_dir {} is not a folder",
                d.display()
            )));
        }
    }
    Ok(static_dir)
}
