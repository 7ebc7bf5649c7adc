//! The inbox's sign-in limits, written so that nobody can lock a member out by failing on
//! purpose.
//!
//! - A **known device** (a browser that has signed in as the account before, see
//!   `known_device`) is counted on its own: failures from any other browser, on any address,
//!   its own included, never count against it.
//! - **Any other browser** is counted per account and client, under a ceiling per account for
//!   all such browsers together and a ceiling per client across every account it tries. When
//!   an account's ceiling is reached, new browsers are turned away for it; known ones are not.
//! - A **client** is its IPv4 address or its IPv6 /48, as for intake's limit on a site.
//!
//! Failures are rows in the database, so on PostgreSQL every instance counts the same ones.
//! Accounts, clients and browsers appear there only as keyed hashes (the intake limiter's key,
//! the same on every instance), and an account is counted by its email whether or not it is a
//! member, so a limit says nothing about who has one.
//!
//! An attempt is counted before its proof is checked and taken back only if it did not fail,
//! so parallel attempts cannot all slip past a limit while the first are still being checked.
//! A limited attempt is refused before its proof is checked.
//!
//! A flood must not queue honest sign-ins and tenants' requests behind it on the database, so
//! attempts from other browsers first pass a limit per client kept in memory, which turns a
//! flood from one client away without asking the database, and a count that is already full
//! is read without taking SQLite's write lock; only an attempt that will be checked writes.

use std::net::IpAddr;
use std::time::{Duration, Instant};

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::session::{refuse, unavailable};
use crate::args;
use crate::clock::unix_now;
use crate::config::{RateLimit, SignInLimit};
use crate::intake::rate_limit::{retry_after_secs, RateLimiter};
use crate::store::sql::{self, Db};
use crate::store::Store;

/// Which browser a sign-in comes from, as far as the limits care.
#[derive(Clone, Copy)]
pub enum Browser {
    /// It has signed in as this account before: the SHA-256 of its device token.
    Known([u8; 32]),
    /// Any other, from this client (a keyed hash of its address or /48).
    New([u8; 16]),
}

pub struct SignInLimiter {
    limits: SignInLimit,
    /// Attempts from other browsers per client, on this instance alone.
    sites: RateLimiter,
}

/// How many clients the in-memory limit remembers at once; the least recently seen go first.
const SITES_REMEMBERED: usize = 10_000;

/// The in-memory limit allows a client twice the attempts its failures are limited to in the
/// database, so it never turns away an office signing in honestly before those counts would.
const SITE_ATTEMPTS_MULTIPLE: u32 = 2;

/// An attempt counted against the limits: it stays counted, as a failure, unless it is given
/// back with [`SignInLimiter::forget`].
#[must_use]
pub struct Attempt {
    id: [u8; 16],
    scopes: Vec<[u8; 16]>,
}

/// Why an attempt was not counted, and so must not go on to be checked.
pub enum NotCounted {
    Limited { wait: Duration, known: bool },
    Unavailable,
}

impl IntoResponse for NotCounted {
    fn into_response(self) -> Response {
        let (wait, known) = match self {
            NotCounted::Limited { wait, known } => (wait, known),
            NotCounted::Unavailable => return unavailable(),
        };
        let minutes = retry_after_secs(wait).div_ceil(60);
        let unit = if minutes == 1 { "minute" } else { "minutes" };
        // The advice differs by browser, never by account, so it says nothing about who has one.
        let message = if known {
            format!("There have been too many tries to sign in on this browser. Wait {minutes} {unit} and try again.")
        } else {
            format!("There have been too many tries to sign in. Wait {minutes} {unit} and try again, or sign in on a browser you have used for the inbox before.")
        };
        let mut r = refuse(StatusCode::TOO_MANY_REQUESTS, &message);
        r.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(retry_after_secs(wait)),
        );
        r
    }
}

impl SignInLimiter {
    pub fn new(limits: SignInLimit) -> Self {
        let per_window = limits
            .failures_per_client
            .saturating_mul(SITE_ATTEMPTS_MULTIPLE);
        let per_hour = per_window.saturating_mul(60) / limits.window_minutes.max(1);
        let sites = RateLimiter::new(
            RateLimit {
                per_client_per_hour: per_hour.max(per_window),
                // Only the per-client buckets are used.
                per_landlord_per_hour: 1,
                global_per_hour: 1,
                max_clients: SITES_REMEMBERED,
            },
            None,
        );
        SignInLimiter { limits, sites }
    }

    /// The limit kept in memory on attempts from browsers that are not known devices, checked
    /// before anything asks the database.
    pub fn check_client(&self, ip: IpAddr) -> Result<(), NotCounted> {
        self.sites
            .check_site(ip, Instant::now())
            .map_err(|wait| NotCounted::Limited { wait, known: false })
    }

    /// Each limit the attempt counts against, as its scope's keyed hash and how many failures
    /// it allows.
    fn scopes(&self, keys: &RateLimiter, email: &str, browser: Browser) -> Vec<([u8; 16], u32)> {
        let l = &self.limits;
        let email = email.as_bytes();
        match browser {
            Browser::Known(token) => vec![(
                keys.keyed(&[b"known device", &token, email]),
                l.failures_per_known_device,
            )],
            Browser::New(client) => vec![
                (
                    keys.keyed(&[b"new browser", &client, email]),
                    l.failures_per_account_and_client,
                ),
                (keys.keyed(&[b"account", email]), l.failures_per_account),
                (keys.keyed(&[b"client", &client]), l.failures_per_client),
            ],
        }
    }

    /// Counts an attempt to sign in as `email`, or says how long until the browser may try
    /// again.
    pub async fn attempt(
        &self,
        store: &Store,
        keys: &RateLimiter,
        email: &str,
        browser: Browser,
    ) -> Result<Attempt, NotCounted> {
        let scopes = self.scopes(keys, email, browser);
        let mut id = [0u8; 16];
        getrandom::fill(&mut id).expect("the operating system has no random source");
        let window = i64::from(self.limits.window_minutes) * 60;
        let counting = scopes.clone();
        let counted = store
            .with_db(move |db| count(db, &counting, &id, window, unix_now()))
            .await
            .map_err(|_| NotCounted::Unavailable)?;
        match counted {
            Ok(()) => Ok(Attempt {
                id,
                scopes: scopes.into_iter().map(|(scope, _)| scope).collect(),
            }),
            Err(wait) => Err(NotCounted::Limited {
                wait: Duration::from_secs(wait.max(0) as u64),
                known: matches!(browser, Browser::Known(_)),
            }),
        }
    }

    /// Gives back an attempt that did not fail: it signed in, or its proof was never checked.
    /// If the database cannot be reached it stays counted, which errs on the side of caution.
    pub async fn forget(&self, store: &Store, attempt: Attempt) {
        let given_back = store.with_db(move |db| give_back(db, &attempt)).await;
        if given_back.is_err() {
            tracing::warn!("a sign-in attempt that did not fail stays counted against the limits");
        }
    }
}

/// Counts an attempt under every scope, or under none and says how many seconds until the
/// fullest has room. A limit already reached is found by reading alone, so a flood that is
/// being refused never takes SQLite's write lock. Otherwise the counts are read again and the
/// writes made in one step for every instance: SQLite's transaction holds the write lock from
/// the start, and on PostgreSQL a lock per scope, taken in one order everywhere, stands in for
/// the rows that do not exist yet.
fn count(
    db: &mut Db,
    scopes: &[([u8; 16], u32)],
    attempt: &[u8; 16],
    window: i64,
    now: i64,
) -> sql::Result<Result<(), i64>> {
    if let Some(wait) = fullest(db, scopes, window, now)? {
        return Ok(Err(wait));
    }
    db.transaction(|tx| {
        if tx.is_postgres() {
            let mut locks: Vec<i64> = scopes
                .iter()
                .map(|(scope, _)| i64::from_be_bytes(scope[..8].try_into().expect("8 bytes")))
                .collect();
            locks.sort_unstable();
            for lock in locks {
                tx.execute("SELECT pg_advisory_xact_lock(?1)", args![lock])?;
            }
        }
        if let Some(wait) = fullest(tx, scopes, window, now)? {
            return Ok(Err(wait));
        }
        for (scope, _) in scopes {
            tx.execute(
                "DELETE FROM sign_in_failures WHERE scope = ?1 AND at <= ?2",
                args![&scope[..], now - window],
            )?;
            tx.execute(
                "INSERT INTO sign_in_failures (scope, attempt, at) VALUES (?1, ?2, ?3)",
                args![&scope[..], &attempt[..], now],
            )?;
        }
        Ok(Ok(()))
    })
}

/// How many seconds until the fullest scope that has reached its limit has room, if any has.
fn fullest(
    db: &mut Db,
    scopes: &[([u8; 16], u32)],
    window: i64,
    now: i64,
) -> sql::Result<Option<i64>> {
    let mut wait = None;
    for (scope, allowed) in scopes {
        let row = db
            .query_one(
                "SELECT count(*), min(at) FROM sign_in_failures WHERE scope = ?1 AND at > ?2",
                args![&scope[..], now - window],
            )?
            .ok_or(sql::Error::Invalid("a count gave no row"))?;
        let (failures, oldest): (i64, Option<i64>) = (row.get(0)?, row.get(1)?);
        if let Some(oldest) = oldest.filter(|_| failures >= i64::from(*allowed)) {
            wait = wait.max(Some(oldest + window - now));
        }
    }
    Ok(wait)
}

fn give_back(db: &mut Db, attempt: &Attempt) -> sql::Result<()> {
    for scope in &attempt.scopes {
        db.execute(
            "DELETE FROM sign_in_failures WHERE scope = ?1 AND attempt = ?2",
            args![&scope[..], &attempt.id[..]],
        )?;
    }
    Ok(())
}

/// Forgets failures older than the window; `count` forgets a scope's own as it goes, this
/// catches the scopes nobody tries again.
pub fn sweep(db: &mut Db, limits: &SignInLimit, now: i64) -> sql::Result<()> {
    db.execute(
        "DELETE FROM sign_in_failures WHERE at <= ?1",
        args![now - i64::from(limits.window_minutes) * 60],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: i64 = 60;
    const WINDOW: i64 = 15 * MINUTE;

    fn limiter() -> (SignInLimiter, RateLimiter) {
        let limits = SignInLimit {
            failures_per_known_device: 2,
            failures_per_account_and_client: 2,
            failures_per_account: 3,
            failures_per_client: 4,
            window_minutes: 15,
        };
        let keys = RateLimiter::new(
            RateLimit {
                per_client_per_hour: 1,
                per_landlord_per_hour: 1,
                global_per_hour: 1,
                max_clients: 1,
            },
            None,
        );
        (SignInLimiter::new(limits), keys)
    }

    /// Counts an attempt at `now` with a fresh id, as `SignInLimiter::attempt` would.
    fn try_at(
        db: &mut Db,
        l: &(SignInLimiter, RateLimiter),
        email: &str,
        b: Browser,
        now: i64,
    ) -> Result<Attempt, i64> {
        let scopes = l.0.scopes(&l.1, email, b);
        let mut id = [0u8; 16];
        getrandom::fill(&mut id).unwrap();
        count(db, &scopes, &id, WINDOW, now).unwrap()?;
        Ok(Attempt {
            id,
            scopes: scopes.into_iter().map(|(s, _)| s).collect(),
        })
    }

    #[test]
    fn new_browsers_are_limited_per_account_and_client_per_account_and_per_client() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::store::open_sqlite(&dir.path().join("t.db")).unwrap();
        let db = &mut Db::Sqlite(&conn);
        let l = limiter();
        let (a, b, c) = (
            Browser::New([1; 16]),
            Browser::New([2; 16]),
            Browser::New([3; 16]),
        );
        let t = 1_000_000;
        assert!(try_at(db, &l, "x@example.org", a, t).is_ok());
        assert!(try_at(db, &l, "x@example.org", a, t + MINUTE).is_ok());
        // Two from one client for one account, then that pair waits for the oldest to age out.
        assert_eq!(
            try_at(db, &l, "x@example.org", a, t + MINUTE).err(),
            Some(14 * MINUTE)
        );
        // Another client may try, until the account's three from new browsers are spent.
        assert!(try_at(db, &l, "x@example.org", b, t + MINUTE).is_ok());
        assert_eq!(
            try_at(db, &l, "x@example.org", c, t + MINUTE).err(),
            Some(14 * MINUTE)
        );
        // Client `a` tries other accounts until its own four are spent, for every account.
        assert!(try_at(db, &l, "y@example.org", a, t + MINUTE).is_ok());
        assert!(try_at(db, &l, "z@example.org", a, t + MINUTE).is_ok());
        assert!(try_at(db, &l, "new@example.org", a, t + MINUTE).is_err());
        assert!(try_at(db, &l, "new@example.org", b, t + MINUTE).is_ok());
        // Once the oldest failures are 15 minutes old, there is room again.
        assert!(try_at(db, &l, "x@example.org", c, t + WINDOW).is_ok());
    }

    #[test]
    fn a_known_device_is_counted_on_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::store::open_sqlite(&dir.path().join("t.db")).unwrap();
        let db = &mut Db::Sqlite(&conn);
        let l = limiter();
        let client = [1; 16];
        let t = 1_000_000;
        // Every limit on new browsers is full for this account and client.
        for n in 0..4 {
            let _ = try_at(db, &l, "x@example.org", Browser::New([n; 16]), t);
        }
        let _ = try_at(db, &l, "y@example.org", Browser::New(client), t);
        assert!(try_at(db, &l, "x@example.org", Browser::New(client), t).is_err());
        let known = Browser::Known([7; 32]);
        assert!(try_at(db, &l, "x@example.org", known, t).is_ok());
        let signed_in = try_at(db, &l, "x@example.org", known, t).unwrap();
        assert!(try_at(db, &l, "x@example.org", known, t).is_err());
        // A success is given back, so the device has a try again; another device never shared it.
        give_back(db, &signed_in).unwrap();
        assert!(try_at(db, &l, "x@example.org", known, t).is_ok());
        assert!(try_at(db, &l, "x@example.org", Browser::Known([8; 32]), t).is_ok());
    }

    /// Another connection holds SQLite's write lock, as intake's writer does while it stores a
    /// request: a limited attempt is still refused at once, since it only reads.
    #[test]
    fn a_limited_attempt_does_not_wait_for_the_write_lock() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let conn = crate::store::open_sqlite(&path).unwrap();
        let db = &mut Db::Sqlite(&conn);
        let l = limiter();
        let (client, t) = (Browser::New([1; 16]), 1_000_000);
        for _ in 0..2 {
            assert!(try_at(db, &l, "x@example.org", client, t).is_ok());
        }
        let writer = crate::store::open_sqlite(&path).unwrap();
        writer.execute_batch("BEGIN IMMEDIATE").unwrap();
        let started = std::time::Instant::now();
        assert_eq!(
            try_at(db, &l, "x@example.org", client, t).err(),
            Some(WINDOW)
        );
        assert!(started.elapsed() < std::time::Duration::from_millis(500));
        writer.execute_batch("ROLLBACK").unwrap();
    }

    #[test]
    fn other_browsers_from_one_client_are_limited_in_memory_by_its_48() {
        let l = limiter().0;
        let allowed = 4 * SITE_ATTEMPTS_MULTIPLE * 4;
        for n in 0..allowed {
            let ip = format!("2001:db8:bad:{n:x}::1").parse().unwrap();
            assert!(l.check_client(ip).is_ok(), "attempt {n}");
        }
        assert!(l
            .check_client("2001:db8:bad:ffff::9".parse().unwrap())
            .is_err());
        assert!(l.check_client("2001:db8:600d::1".parse().unwrap()).is_ok());
        assert!(l.check_client("192.0.2.1".parse().unwrap()).is_ok());
    }

    #[test]
    fn the_sweep_forgets_only_failures_out_of_the_window() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::store::open_sqlite(&dir.path().join("t.db")).unwrap();
        let db = &mut Db::Sqlite(&conn);
        let l = limiter();
        let t = 1_000_000;
        let _ = try_at(db, &l, "x@example.org", Browser::New([1; 16]), t);
        let _ = try_at(db, &l, "x@example.org", Browser::New([1; 16]), t + MINUTE);
        sweep(db, &l.0.limits, t + WINDOW).unwrap();
        let left: i64 = db
            .query_one("SELECT count(*) FROM sign_in_failures", &[])
            .unwrap()
            .unwrap()
            .get(0)
            .unwrap();
        assert_eq!(left, 3, "the later attempt's three rows");
    }
}
