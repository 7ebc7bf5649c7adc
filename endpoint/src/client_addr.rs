//! Who the client is, for rate limiting only. The answer is hashed at once and never stored.

use std::net::{IpAddr, SocketAddr};

use axum::http::HeaderMap;

/// The peer address, unless the peer is a configured proxy: then the nearest address in
/// X-Forwarded-For that is not one of our proxies. Anyone can write X-Forwarded-For, so it is
/// believed only as far back as the chain of our own proxies reaches.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted_proxies: &[IpAddr]) -> IpAddr {
    let peer = canonical(peer);
    if !trusted_proxies.contains(&peer) {
        return peer;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        let Some(ip) = parse_hop(hop) else {
            // A garbled entry ends what can be believed; the proxy's own address stands in.
            return client;
        };
        client = ip;
        if !trusted_proxies.contains(&ip) {
            break;
        }
    }
    client
}

/// An IPv6 subscriber usually holds a whole /64 and can rotate through it freely.
pub const IPV6_SUBSCRIBER_BITS: u8 = 64;
/// An IPv6 /48 is usually one site or customer, free to hand out its 65,536 /64s.
pub const IPV6_SITE_BITS: u8 = 48;

/// The part of a client's address that it is counted by: an IPv4 address whole, an IPv6
/// address's first `ipv6_bits` (a multiple of 8). The prefix length comes first, so an IPv4
/// address and an IPv6 network with the same bytes are never one client.
pub fn network(ip: IpAddr, ipv6_bits: u8) -> Vec<u8> {
    debug_assert!(ipv6_bits.is_multiple_of(8) && ipv6_bits <= 128);
    match canonical(ip) {
        IpAddr::V4(v4) => [&[32][..], &v4.octets()].concat(),
        IpAddr::V6(v6) => [&[ipv6_bits][..], &v6.octets()[..usize::from(ipv6_bits / 8)]].concat(),
    }
}

fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .or_else(|_| hop.parse::<SocketAddr>().map(|s| s.ip()))
        .ok()
        .map(canonical)
}

/// An IPv4 client reached over an IPv6 socket looks like `::ffff:192.0.2.1`; it is the same client.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn with_xff(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", v.parse().unwrap());
        h
    }

    #[test]
    fn networks_group_ipv6_by_prefix_and_keep_ipv4_apart() {
        let site = |s: &str| network(ip(s), IPV6_SITE_BITS);
        assert_eq!(site("2001:db8:1:2::1"), site("2001:db8:1:ffff::9"));
        assert_ne!(site("2001:db8:1::1"), site("2001:db8:2::1"));
        assert_ne!(
            network(ip("2001:db8:1:2::1"), IPV6_SUBSCRIBER_BITS),
            network(ip("2001:db8:1:3::1"), IPV6_SUBSCRIBER_BITS)
        );
        assert_eq!(site("192.0.2.1"), site("::ffff:192.0.2.1"));
        assert_ne!(site("192.0.2.1"), site("192.0.2.2"));
    }

    #[test]
    fn forwarded_for_ignored_from_strangers() {
        assert_eq!(
            client_ip(
                ip("198.51.100.7"),
                &with_xff("203.0.113.9"),
                &[ip("10.0.0.1")]
            ),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn forwarded_for_believed_from_proxies() {
        let proxies = [ip("10.0.0.1"), ip("10.0.0.2")];
        // A forged first entry is skipped: only the hop our proxy saw counts.
        let h = with_xff("1.2.3.4, 203.0.113.9, 10.0.0.2");
        assert_eq!(client_ip(ip("10.0.0.1"), &h, &proxies), ip("203.0.113.9"));
        assert_eq!(
            client_ip(ip("10.0.0.1"), &HeaderMap::new(), &proxies),
            ip("10.0.0.1")
        );
        assert_eq!(
            client_ip(ip("10.0.0.1"), &with_xff("nonsense"), &proxies),
            ip("10.0.0.1")
        );
        assert_eq!(
            client_ip(ip("10.0.0.1"), &with_xff("[2001:db8::1]:443"), &proxies),
            ip("2001:db8::1")
        );
        assert_eq!(
            client_ip(ip("::ffff:10.0.0.1"), &with_xff("203.0.113.9"), &proxies),
            ip("203.0.113.9")
        );
    }
}
