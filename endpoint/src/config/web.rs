//! Web addresses in the config: origins that pages are served from, and addresses the endpoint
//! sends to.

/// An origin as browsers send it: scheme, host and optional port, nothing more. Anything looser
/// (a trailing slash, a path, a wildcard) would never match or would match too much. Pages that
/// collect requests must be served over HTTPS; plain HTTP is only for this machine.
pub(super) fn check_origin(o: &str) -> Result<(), &'static str> {
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

/// Webhooks, and the inbox link in e-mails, go over HTTPS: even a content-free "new request" ping
/// tells an eavesdropper that someone asked for help, and the inbox is where staff sign in.
/// Plain HTTP is allowed only to this machine. The address is read with
/// a real URL parser, so the host checked is the host the request will go to: in
/// `http://127.0.0.1:1@evil.example/` that is evil.example. A user name or password in the
/// address is refused outright, since it makes the address read as going somewhere else.
pub(super) fn check_web_address(address: &str) -> Result<(), &'static str> {
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

fn is_loopback_host(host: &str) -> bool {
    matches!(host, "127.0.0.1" | "localhost" | "[::1]")
}
