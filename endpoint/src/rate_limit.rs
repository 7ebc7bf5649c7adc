//! Token buckets in memory: one per client, one per landlord, one for everything.
//!
//! Clients are known only by a keyed hash of their address, with a secret made fresh each time
//! the process starts, so not even a memory dump links a bucket back to an address, and nothing
//! about clients outlives the process.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::config::RateLimit;

/// Past this many remembered clients, buckets that have refilled are forgotten.
const PRUNE_AT: usize = 10_000;
/// A hard ceiling, so a flood of spoofed or rotating addresses cannot exhaust memory.
const MAX_CLIENTS: usize = 100_000;
const HOUR: f64 = 3600.0;

pub struct RateLimiter {
    secret: [u8; 32],
    limits: RateLimit,
    clients: Mutex<HashMap<[u8; 16], Bucket>>,
    shared: Mutex<Shared>,
}

struct Shared {
    landlords: HashMap<String, Bucket>,
    global: Bucket,
}

/// Holds up to `per_hour` tokens and refills evenly over an hour, so a burst of the whole
/// hourly allowance is possible but the long-run rate is capped.
#[derive(Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

impl Bucket {
    fn full(per_hour: u32, now: Instant) -> Self {
        Bucket {
            tokens: f64::from(per_hour),
            updated: now,
        }
    }

    fn refill(&mut self, per_hour: u32, now: Instant) {
        let rate = f64::from(per_hour) / HOUR;
        let elapsed = now.saturating_duration_since(self.updated).as_secs_f64();
        self.tokens = (self.tokens + elapsed * rate).min(f64::from(per_hour));
        self.updated = now;
    }

    /// How long until one token is there, if it is not there now.
    fn wait(&self, per_hour: u32) -> Option<Duration> {
        (self.tokens < 1.0)
            .then(|| Duration::from_secs_f64((1.0 - self.tokens) * HOUR / f64::from(per_hour)))
    }
}

impl RateLimiter {
    pub fn new(limits: RateLimit) -> Self {
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).expect("the operating system has no random source");
        RateLimiter {
            secret,
            limits,
            clients: Mutex::new(HashMap::new()),
            shared: Mutex::new(Shared {
                landlords: HashMap::new(),
                global: Bucket::full(limits.global_per_hour, Instant::now()),
            }),
        }
    }

    /// Takes one token from the client's bucket, or says how long to wait.
    pub fn check_client(&self, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        let per_hour = self.limits.per_client_per_hour;
        let key = self.client_key(ip);
        let mut clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        if clients.len() >= PRUNE_AT && !clients.contains_key(&key) {
            clients.retain(|_, b| {
                b.refill(per_hour, now);
                b.tokens < f64::from(per_hour)
            });
            if clients.len() >= MAX_CLIENTS {
                return Err(Duration::from_secs(60));
            }
        }
        let bucket = clients
            .entry(key)
            .or_insert_with(|| Bucket::full(per_hour, now));
        bucket.refill(per_hour, now);
        if let Some(wait) = bucket.wait(per_hour) {
            return Err(wait);
        }
        bucket.tokens -= 1.0;
        Ok(())
    }

    /// Takes one token from both the landlord's and the global bucket, or from neither.
    pub fn check_landlord(&self, landlord: &str, now: Instant) -> Result<(), Duration> {
        let (per_landlord, global) = (
            self.limits.per_landlord_per_hour,
            self.limits.global_per_hour,
        );
        let mut shared = self.shared.lock().unwrap_or_else(|p| p.into_inner());
        let Shared {
            landlords,
            global: g,
        } = &mut *shared;
        g.refill(global, now);
        let l = landlords
            .entry(landlord.to_owned())
            .or_insert_with(|| Bucket::full(per_landlord, now));
        l.refill(per_landlord, now);
        if let Some(wait) = l.wait(per_landlord).max(g.wait(global)) {
            return Err(wait);
        }
        l.tokens -= 1.0;
        g.tokens -= 1.0;
        Ok(())
    }

    fn client_key(&self, ip: IpAddr) -> [u8; 16] {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes any key length");
        match ip {
            IpAddr::V4(v4) => mac.update(&v4.octets()),
            // One IPv6 subscriber usually holds a whole /64 and can rotate through it freely.
            IpAddr::V6(v6) => mac.update(&v6.octets()[..8]),
        }
        let full = mac.finalize().into_bytes();
        let mut key = [0u8; 16];
        key.copy_from_slice(&full[..16]);
        key
    }
}

/// Whole seconds for Retry-After, never 0, which clients would read as "now".
pub fn retry_after_secs(wait: Duration) -> u64 {
    wait.as_secs_f64().ceil().max(1.0) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(client: u32, landlord: u32, global: u32) -> RateLimiter {
        RateLimiter::new(RateLimit {
            per_client_per_hour: client,
            per_landlord_per_hour: landlord,
            global_per_hour: global,
        })
    }

    #[test]
    fn client_bucket_refills_over_the_hour() {
        let rl = limiter(2, 100, 100);
        let t = Instant::now();
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        assert!(rl.check_client(ip, t).is_ok());
        assert!(rl.check_client(ip, t).is_ok());
        let wait = rl.check_client(ip, t).unwrap_err();
        assert_eq!(retry_after_secs(wait), 1800);
        assert!(rl.check_client("192.0.2.2".parse().unwrap(), t).is_ok());
        assert!(rl.check_client(ip, t + Duration::from_secs(1800)).is_ok());
    }

    #[test]
    fn ipv6_neighbours_share_a_bucket() {
        let rl = limiter(1, 100, 100);
        let t = Instant::now();
        assert!(rl
            .check_client("2001:db8:1:2::1".parse().unwrap(), t)
            .is_ok());
        assert!(rl
            .check_client("2001:db8:1:2::ffff".parse().unwrap(), t)
            .is_err());
        assert!(rl
            .check_client("2001:db8:1:3::1".parse().unwrap(), t)
            .is_ok());
    }

    #[test]
    fn landlord_and_global_caps() {
        let rl = limiter(100, 2, 3);
        let t = Instant::now();
        assert!(rl.check_landlord("livin", t).is_ok());
        assert!(rl.check_landlord("livin", t).is_ok());
        assert!(rl.check_landlord("livin", t).is_err());
        assert!(rl.check_landlord("star-housing", t).is_ok());
        // The global bucket is now empty for everyone, and a refusal takes nothing.
        assert!(rl.check_landlord("chesterfield", t).is_err());
        assert!(rl
            .check_landlord("chesterfield", t + Duration::from_secs(1200))
            .is_ok());
    }
}
