//! Token buckets: one per client, one per landlord, one for everything. On SQLite all are in
//! memory. On PostgreSQL the landlord and global buckets are rows every instance takes from,
//! and each instance keeps its own per-client buckets in memory, so a client spreading its
//! requests over N instances gets up to N times its allowance (the README says so).
//!
//! Clients are known only by a keyed hash of their address, so not even a memory dump links a
//! bucket back to an address, and nothing about clients is written anywhere. The key is fresh
//! each time the process starts, unless the config gives one (`client_secret_env`, needed on
//! PostgreSQL) so that every instance hashes a client alike.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use safe_contact_callback::MAX_RETRY_AFTER_SECS;
use sha2::Sha256;

use crate::client_addr::{network, IPV6_SITE_BITS, IPV6_SUBSCRIBER_BITS};
use crate::config::RateLimit;
use crate::store::{Level, Store, StoreError};

/// Each IPv6 /64 gets the per-client allowance and its whole /48 this many times it: enough for
/// a household or a small office, too little for one sender hopping across its /64s.
pub const IPV6_48_MULTIPLE: u32 = 16;
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
    per_hour: u32,
    /// When a request last touched the bucket: the least recently used are forgotten first.
    updated: Instant,
}

impl Bucket {
    fn full(per_hour: u32, now: Instant) -> Self {
        Bucket {
            tokens: f64::from(per_hour),
            per_hour,
            updated: now,
        }
    }

    fn level(&self, now: Instant) -> f64 {
        let rate = f64::from(self.per_hour) / HOUR;
        let elapsed = now.saturating_duration_since(self.updated).as_secs_f64();
        (self.tokens + elapsed * rate).min(f64::from(self.per_hour))
    }

    fn refill(&mut self, now: Instant) {
        self.tokens = self.level(now);
        self.updated = now;
    }

    /// How long until one token is there, if it is not there now.
    fn wait(&self) -> Option<Duration> {
        (self.tokens < 1.0)
            .then(|| Duration::from_secs_f64((1.0 - self.tokens) * HOUR / f64::from(self.per_hour)))
    }
}

/// Why a request was refused by a shared limit, and for how long.
#[derive(Debug, PartialEq)]
pub struct SharedLimit {
    pub wait: Duration,
    /// The landlord's own hourly allowance is spent.
    pub landlord: bool,
    /// The allowance for all landlords together is spent.
    pub global: bool,
}

impl RateLimiter {
    /// With no `secret`, a fresh one for this process.
    pub fn new(limits: RateLimit, secret: Option<[u8; 32]>) -> Self {
        let secret = secret.unwrap_or_else(|| {
            let mut fresh = [0u8; 32];
            getrandom::fill(&mut fresh).expect("the operating system has no random source");
            fresh
        });
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

    /// Takes one token from each of the client's buckets, or from none and says how long to
    /// wait. An IPv4 client has one bucket; an IPv6 client one for its /64 and one for its /48.
    pub fn check_client(&self, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        let per_hour = self.limits.per_client_per_hour;
        let subscriber = (self.hash(&network(ip, IPV6_SUBSCRIBER_BITS)), per_hour);
        let buckets = match ip {
            IpAddr::V4(_) => vec![subscriber],
            IpAddr::V6(_) => vec![
                subscriber,
                (self.site_id(ip), per_hour.saturating_mul(IPV6_48_MULTIPLE)),
            ],
        };
        self.take(&buckets, now)
    }

    /// Takes one token from the bucket of the client's site alone, its IPv4 address or IPv6
    /// /48, or says how long to wait: for the inbox's sign-in, which counts clients by site.
    pub fn check_site(&self, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        self.take(&[(self.site_id(ip), self.limits.per_client_per_hour)], now)
    }

    /// Takes one token from each of these buckets, or from none and says how long to wait.
    fn take(&self, buckets: &[([u8; 16], u32)], now: Instant) -> Result<(), Duration> {
        let mut clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        let new = buckets
            .iter()
            .filter(|(key, _)| !clients.contains_key(key))
            .count();
        make_room(&mut clients, new, self.limits.max_clients, now);
        let mut wait = None;
        for (key, per_hour) in buckets {
            let bucket = clients
                .entry(*key)
                .or_insert_with(|| Bucket::full(*per_hour, now));
            bucket.refill(now);
            wait = wait.max(bucket.wait());
        }
        if let Some(wait) = wait {
            return Err(wait);
        }
        for (key, _) in buckets {
            if let Some(bucket) = clients.get_mut(key) {
                bucket.tokens -= 1.0;
            }
        }
        Ok(())
    }

    /// Takes one token from both the landlord's and the global bucket, or from neither.
    pub fn check_landlord(&self, landlord: &str, now: Instant) -> Result<(), SharedLimit> {
        let per_landlord = self.limits.per_landlord_per_hour;
        let mut shared = self.shared.lock().unwrap_or_else(|p| p.into_inner());
        let Shared {
            landlords,
            global: g,
        } = &mut *shared;
        g.refill(now);
        let l = landlords
            .entry(landlord.to_owned())
            .or_insert_with(|| Bucket::full(per_landlord, now));
        l.refill(now);
        let (landlord_wait, global_wait) = (l.wait(), g.wait());
        if let Some(wait) = landlord_wait.max(global_wait) {
            return Err(SharedLimit {
                wait,
                landlord: landlord_wait.is_some(),
                global: global_wait.is_some(),
            });
        }
        l.tokens -= 1.0;
        g.tokens -= 1.0;
        Ok(())
    }

    /// [`Self::check_landlord`], but across every instance when the store is PostgreSQL: there
    /// the two buckets are rows that all instances take from.
    pub async fn check_landlord_everywhere(
        &self,
        store: &Store,
        landlord: &str,
    ) -> Result<Result<(), SharedLimit>, StoreError> {
        let (per_landlord, global) = (
            self.limits.per_landlord_per_hour,
            self.limits.global_per_hour,
        );
        let Some(taken) = store.take_shared(landlord, per_landlord, global).await else {
            return Ok(self.check_landlord(landlord, Instant::now()));
        };
        let (ok, levels) = taken?;
        if ok {
            return Ok(Ok(()));
        }
        let wait = |l: &Level| {
            let per_hour = if l.global { global } else { per_landlord };
            Bucket {
                tokens: l.tokens,
                per_hour,
                updated: Instant::now(),
            }
            .wait()
        };
        let short = |global: bool| {
            levels
                .iter()
                .filter(|l| l.global == global)
                .filter_map(wait)
                .max()
        };
        let (landlord_wait, global_wait) = (short(false), short(true));
        Ok(Err(SharedLimit {
            // A bucket row missing (a restore, a TRUNCATE) refuses this one request rather than
            // letting everything through; the store makes the row again for the next.
            wait: landlord_wait
                .max(global_wait)
                .unwrap_or(Duration::from_secs(1)),
            landlord: landlord_wait.is_some(),
            global: global_wait.is_some(),
        }))
    }

    /// The keyed hash of a client's site, its IPv4 address or its IPv6 /48: the /48 bucket
    /// here, and the client the inbox's sign-in limits count.
    pub fn site_id(&self, ip: IpAddr) -> [u8; 16] {
        self.hash(&network(ip, IPV6_SITE_BITS))
    }

    /// A keyed hash of `parts`, for other things counted but never written down as themselves
    /// (the sign-in limits' accounts and browsers). Each part's length goes in, so no two lists
    /// hash alike, and the leading 0 keeps them apart from every network, which starts with
    /// its prefix length.
    pub fn keyed(&self, parts: &[&[u8]]) -> [u8; 16] {
        let mut bytes = vec![0];
        for part in parts {
            bytes.extend_from_slice(&(part.len() as u32).to_be_bytes());
            bytes.extend_from_slice(part);
        }
        self.hash(&bytes)
    }

    fn hash(&self, bytes: &[u8]) -> [u8; 16] {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes any key length");
        mac.update(bytes);
        let full = mac.finalize().into_bytes();
        let mut key = [0u8; 16];
        key.copy_from_slice(&full[..16]);
        key
    }
}

/// Makes room for `new` more clients in a table of at most `max`. Memory stays bounded however
/// many addresses a flood rotates through, and a new client is never turned away for lack of
/// room: buckets that have refilled go first (they hold nothing a fresh one would not), then
/// the least recently used, at least a tenth of the table at a time so the scan is rare.
fn make_room(clients: &mut HashMap<[u8; 16], Bucket>, new: usize, max: usize, now: Instant) {
    if clients.len() + new <= max {
        return;
    }
    clients.retain(|_, b| b.level(now) < f64::from(b.per_hour));
    let excess = (clients.len() + new).saturating_sub(max);
    if excess == 0 {
        return;
    }
    let mut last_used: Vec<Instant> = clients.values().map(|b| b.updated).collect();
    let evict = excess.max(max / 10).min(last_used.len());
    let (_, newest_evicted, _) = last_used.select_nth_unstable(evict - 1);
    let newest_evicted = *newest_evicted;
    clients.retain(|_, b| b.updated > newest_evicted);
}

/// Whole seconds for Retry-After: never 0, which clients would read as "now", and never more
/// than the ceiling the widget honours.
pub fn retry_after_secs(wait: Duration) -> u64 {
    (wait.as_secs_f64().ceil().max(1.0) as u64).min(MAX_RETRY_AFTER_SECS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(client: u32, landlord: u32, global: u32) -> RateLimiter {
        RateLimiter::new(
            RateLimit {
                per_client_per_hour: client,
                per_landlord_per_hour: landlord,
                global_per_hour: global,
                max_clients: 1000,
            },
            None,
        )
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
    fn ipv6_networks_share_a_larger_bucket() {
        let rl = limiter(1, 100, 100);
        let t = Instant::now();
        // Each /64 of one /48 gets one request; the /48 as a whole gets 16.
        for subnet in 0..IPV6_48_MULTIPLE {
            let ip = format!("2001:db8:7:{subnet:x}::1").parse().unwrap();
            assert!(rl.check_client(ip, t).is_ok(), "subnet {subnet}");
        }
        let wait = rl
            .check_client("2001:db8:7:ff::1".parse().unwrap(), t)
            .unwrap_err();
        assert_eq!(retry_after_secs(wait), 3600 / u64::from(IPV6_48_MULTIPLE));
        // A refused /64 took nothing from its /48, and another /48 is untouched.
        assert!(rl.check_client("2001:db8:8::1".parse().unwrap(), t).is_ok());
    }

    #[test]
    fn a_full_table_forgets_the_least_recently_used() {
        let mut limits = limiter(1, 100, 100).limits;
        limits.max_clients = 3;
        let rl = RateLimiter::new(limits, None);
        let t = Instant::now();
        let ip = |n: u8| IpAddr::from([192, 0, 2, n]);
        for n in 1..=3 {
            assert!(rl
                .check_client(ip(n), t + Duration::from_secs(n.into()))
                .is_ok());
        }
        let later = t + Duration::from_secs(10);
        assert!(
            rl.check_client(ip(4), later).is_ok(),
            "a new client is let in"
        );
        assert_eq!(rl.clients.lock().unwrap().len(), 3);
        assert!(
            rl.check_client(ip(1), later).is_ok(),
            "the oldest was forgotten"
        );
        assert!(
            rl.check_client(ip(4), later).is_err(),
            "the newest was kept"
        );
        assert!(
            rl.check_client(ip(3), later).is_err(),
            "the newer ones were kept"
        );
    }

    #[test]
    fn retry_after_is_whole_seconds_within_the_ceiling() {
        assert_eq!(retry_after_secs(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(1500)), 2);
        assert_eq!(
            retry_after_secs(Duration::from_secs(7200)),
            MAX_RETRY_AFTER_SECS
        );
        assert_eq!(
            retry_after_secs(Duration::from_secs_f64(3600.2)),
            MAX_RETRY_AFTER_SECS
        );
    }

    #[test]
    fn landlord_and_global_caps() {
        let rl = limiter(100, 2, 3);
        let t = Instant::now();
        assert!(rl.check_landlord("livin", t).is_ok());
        assert!(rl.check_landlord("livin", t).is_ok());
        let refused = rl.check_landlord("livin", t).unwrap_err();
        assert!(refused.landlord && !refused.global);
        assert!(rl.check_landlord("star-housing", t).is_ok());
        // The global bucket is now empty for everyone, and a refusal takes nothing.
        let refused = rl.check_landlord("chesterfield", t).unwrap_err();
        assert!(refused.global && !refused.landlord);
        assert!(rl
            .check_landlord("chesterfield", t + Duration::from_secs(1200))
            .is_ok());
    }
}
