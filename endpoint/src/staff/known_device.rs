//! Known devices: a browser that has enrolled or signed in as a member carries a cookie saying
//! so, and its sign-in tries are counted apart from everyone else's (`sign_in_limit`), so
//! nobody elsewhere can lock it out.
//!
//! The cookie holds one token per member who signed in on that browser, each 32 random bytes,
//! newest first and at most [`TOKENS_PER_BROWSER`]; the database keeps only each token's SHA-256,
//! for its one member. A token is made anew at each sign-in and the one it replaces stops
//! counting, so a token read off a shared computer counts only until its member next signs in,
//! and a colleague's own token never counts for anyone else. A copy of the database cannot make
//! a cookie that counts as known. Whoever can write to the database can add a row for a cookie
//! of their own, but they could as well change the account itself. There is no server secret
//! in it, so a known device stays known across restarts and on every instance.
//!
//! Which hashes exist is also kept in memory ([`KnownDevices`]), so a flood of made-up cookies
//! is told apart from real ones without asking the database.

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, HeaderValue};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use super::session::cookie;
use super::token_hash;
use crate::args;
use crate::clock::{unix_now, DAY};
use crate::store::sql::{self, Db};
use crate::store::{Store, StoreError};

pub const COOKIE: &str = "__Host-safe-contact-device";

/// How long a browser stays known without signing in: long enough to come back from leave or
/// part-time hours to a known browser, and within Chromium's 400-day ceiling on a cookie's life.
pub const KEPT_DAYS: i64 = 180;

/// Members one browser is known for at once: enough for a shared desk, few enough that the
/// cookie stays short and each sign-in asks about a handful of tokens at most.
pub const TOKENS_PER_BROWSER: usize = 4;

/// As the session cookie (see `session::COOKIE`), `Secure` even for the demo on loopback, and
/// kept after the browser closes: that is the point of it.
pub fn set_cookie(tokens: &[String]) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Secure; Max-Age={}",
        tokens.join("."),
        KEPT_DAYS * DAY
    ))
    .expect("base64url tokens and dots are a valid header value")
}

/// The device tokens the browser sent that this server could have made, newest first. Anything
/// else is treated as no token, and drops out at the next sign-in. A cookie from before tokens
/// were per member holds one token, and is read the same way.
pub fn presented(headers: &HeaderMap) -> Vec<String> {
    cookie(headers, COOKIE)
        .into_iter()
        .flat_map(|c| c.split('.'))
        .filter(|t| URL_SAFE_NO_PAD.decode(t).is_ok_and(|b| b.len() == 32))
        .take(TOKENS_PER_BROWSER)
        .map(str::to_owned)
        .collect()
}

/// The cookie's tokens after a member signs in: their fresh token first, then the others it
/// held but the one it replaces.
pub fn after_sign_in(
    presented: &[String],
    fresh: String,
    replaced: Option<&[u8; 32]>,
) -> Vec<String> {
    std::iter::once(fresh)
        .chain(
            presented
                .iter()
                .filter(|t| Some(&token_hash(t)) != replaced)
                .cloned(),
        )
        .take(TOKENS_PER_BROWSER)
        .collect()
}

/// Whether the browser holding the token with this hash has signed in as the member with this
/// email within [`KEPT_DAYS`]. Asked for every email alike, member or not, so it takes as long
/// either way.
pub fn is_known(db: &mut Db, email: &str, token_sha256: &[u8; 32], now: i64) -> sql::Result<bool> {
    let found = db.query_one(
        "SELECT 1 FROM known_devices d JOIN members m ON m.member_id = d.member_id
         WHERE m.email = ?1 AND d.token_sha256 = ?2 AND d.last_used > ?3",
        args![email, token_sha256, now - KEPT_DAYS * DAY],
    )?;
    Ok(found.is_some())
}

/// Records that the browser holding the token with hash `fresh` signed in as the member, and
/// that the token it replaces, if any, no longer counts for them.
pub fn remember(
    db: &mut Db,
    fresh: &[u8; 32],
    replaced: Option<&[u8; 32]>,
    member_id: &str,
    now: i64,
) -> sql::Result<()> {
    db.transaction(|tx| {
        if let Some(replaced) = replaced {
            tx.execute(
                "DELETE FROM known_devices WHERE token_sha256 = ?1 AND member_id = ?2",
                args![replaced, member_id],
            )?;
        }
        tx.execute(
            "INSERT INTO known_devices (token_sha256, member_id, first_used, last_used)
             VALUES (?1, ?2, ?3, ?3)",
            args![fresh, member_id, now],
        )?;
        Ok(())
    })
}

/// Forgets browsers unused for [`KEPT_DAYS`] and those of members who are gone.
pub fn sweep(db: &mut Db, now: i64) -> sql::Result<()> {
    db.execute(
        "DELETE FROM known_devices
         WHERE last_used <= ?1 OR member_id NOT IN (SELECT member_id FROM members)",
        args![now - KEPT_DAYS * DAY],
    )?;
    Ok(())
}

/// Hashes beyond this many are not held in memory, and every token is asked about instead: a
/// bound on memory whatever the table holds, far above any landlord's staff times their
/// browsers.
const HELD: usize = 100_000;

/// How often a token the memory does not hold may make it read the table again: a token made
/// on another instance is known here within this, and a flood of made-up tokens costs one read
/// of the table this often, not one per request.
const RELOAD_AFTER: Duration = Duration::from_secs(1);

/// Which device-token hashes the database holds, as far as this instance last read it, plus the
/// ones it has made since. It only says which tokens are worth asking the database about: the
/// database still decides whether one is known for an account, so a token replaced or a member
/// removed stops counting at once, even if its hash is still held here.
#[derive(Default)]
pub struct KnownDevices {
    held: Mutex<Held>,
    /// One reload at a time; the others wait for it and use what it read.
    reloading: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct Held {
    hashes: HashSet<[u8; 32]>,
    read_at: Option<Instant>,
    /// The table had more than [`HELD`] rows at the last read.
    overflowed: bool,
}

impl KnownDevices {
    /// Which of the browser's tokens is known for this email, as its hash.
    pub async fn known_for(
        &self,
        store: &Store,
        email: &str,
        tokens: &[String],
    ) -> Result<Option<[u8; 32]>, StoreError> {
        let hashes: Vec<[u8; 32]> = tokens.iter().map(|t| token_hash(t)).collect();
        let mut worth_asking = self.worth_asking(&hashes);
        if worth_asking.len() < hashes.len() && self.stale() {
            self.reload(store).await?;
            worth_asking = self.worth_asking(&hashes);
        }
        if worth_asking.is_empty() {
            return Ok(None);
        }
        let email = email.to_owned();
        store
            .with_db(move |db| {
                for hash in worth_asking {
                    if is_known(db, &email, &hash, unix_now())? {
                        return Ok(Some(hash));
                    }
                }
                Ok(None)
            })
            .await
    }

    /// Notes a token this instance has just recorded.
    pub fn add(&self, hash: [u8; 32]) {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        if held.hashes.len() < HELD {
            held.hashes.insert(hash);
        } else {
            held.overflowed = true;
        }
    }

    fn worth_asking(&self, hashes: &[[u8; 32]]) -> Vec<[u8; 32]> {
        let held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        hashes
            .iter()
            .filter(|h| held.overflowed || held.hashes.contains(*h))
            .copied()
            .collect()
    }

    fn stale(&self) -> bool {
        let held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        held.read_at.is_none_or(|t| t.elapsed() >= RELOAD_AFTER)
    }

    async fn reload(&self, store: &Store) -> Result<(), StoreError> {
        let _one = self.reloading.lock().await;
        if !self.stale() {
            return Ok(());
        }
        let read_at = Instant::now();
        let rows = store
            .with_db(|db| {
                db.query(
                    "SELECT token_sha256 FROM known_devices WHERE last_used > ?1 LIMIT ?2",
                    args![unix_now() - KEPT_DAYS * DAY, HELD as i64 + 1],
                )?
                .iter()
                .map(|r| {
                    r.get::<Vec<u8>>(0)?
                        .try_into()
                        .map_err(|_| sql::Error::Invalid("a stored hash is not 32 bytes"))
                })
                .collect::<sql::Result<Vec<[u8; 32]>>>()
            })
            .await?;
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        held.overflowed = rows.len() > HELD;
        held.hashes = if held.overflowed {
            HashSet::new()
        } else {
            rows.into_iter().collect()
        };
        held.read_at = Some(read_at);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::header;

    #[test]
    fn only_well_formed_device_tokens_are_read_and_few_of_them() {
        let (a, b) = ("A".repeat(43), "Q".repeat(43));
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("__Host-safe-contact-staff=x; {COOKIE}={a}")).unwrap(),
        );
        assert_eq!(
            presented(&h),
            [a.as_str()],
            "a cookie from before, one token"
        );
        h.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("{COOKIE}={a}.short.{b}")).unwrap(),
        );
        assert_eq!(presented(&h), [a.as_str(), b.as_str()]);
        let many = vec![a.clone(); 9].join(".");
        h.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("{COOKIE}={many}")).unwrap(),
        );
        assert_eq!(presented(&h).len(), TOKENS_PER_BROWSER);
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("__Host-safe-contact-device=short"),
        );
        assert!(presented(&h).is_empty());
    }

    #[test]
    fn a_sign_in_puts_its_fresh_token_first_in_place_of_the_one_it_replaces() {
        let held: Vec<String> = ["A", "B", "C", "D"].map(|c| c.repeat(43)).into();
        let fresh = "E".repeat(43);
        assert_eq!(
            after_sign_in(&held, fresh.clone(), Some(&token_hash(&held[2]))),
            [&fresh[..], &held[0], &held[1], &held[3]]
        );
        assert_eq!(
            after_sign_in(&held, fresh.clone(), None),
            [&fresh[..], &held[0], &held[1], &held[2]],
            "a new member on a full browser pushes the oldest out"
        );
    }

    #[test]
    fn a_device_is_known_for_the_members_it_signed_in_as_until_it_goes_unused() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::store::open_sqlite(&dir.path().join("t.db")).unwrap();
        let mut db = Db::Sqlite(&conn);
        db.batch(
            "INSERT INTO members VALUES ('m1', 'livin', 'a@livin.example', 'officer', '', '', '', x'00', NULL, 0);
             INSERT INTO members VALUES ('m2', 'livin', 'b@livin.example', 'officer', '', '', '', x'00', NULL, 0);",
        )
        .unwrap();
        let (device, other, rotated) = ([1u8; 32], [2u8; 32], [3u8; 32]);
        remember(&mut db, &other, None, "m1", 1000).unwrap();
        remember(&mut db, &device, Some(&other), "m1", 2000).unwrap();
        assert!(is_known(&mut db, "a@livin.example", &device, 2000).unwrap());
        assert!(!is_known(&mut db, "b@livin.example", &device, 2000).unwrap());
        assert!(
            !is_known(&mut db, "a@livin.example", &other, 2000).unwrap(),
            "the token it replaced"
        );
        assert!(!is_known(&mut db, "nobody@livin.example", &device, 2000).unwrap());
        let later = 2000 + KEPT_DAYS * DAY;
        assert!(!is_known(&mut db, "a@livin.example", &device, later).unwrap());
        remember(&mut db, &rotated, None, "m2", later).unwrap();
        db.batch("DELETE FROM members WHERE member_id = 'm1'")
            .unwrap();
        sweep(&mut db, later).unwrap();
        let left = db
            .query("SELECT member_id FROM known_devices", &[])
            .unwrap()
            .iter()
            .map(|r| r.get::<String>(0).unwrap())
            .collect::<Vec<_>>();
        assert_eq!(left, ["m2"]);
    }
}
