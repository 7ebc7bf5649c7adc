//! Known devices: a browser that has enrolled or signed in as a member carries a cookie saying
//! so, and its sign-in tries are counted apart from everyone else's (`sign_in_limit`), so
//! nobody elsewhere can lock it out.
//!
//! The cookie is 32 random bytes, one per browser; the database keeps only its SHA-256, once
//! for each member it signed in as. A copy of the database therefore cannot make a cookie that
//! counts as known. Whoever can write to the database can add a row for a cookie of their own,
//! but they could as well change the account itself. There is no server secret in it, so a
//! known device stays known across restarts and on every instance.

use axum::http::{HeaderMap, HeaderValue};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use super::session::cookie;
use crate::args;
use crate::clock::DAY;
use crate::store::sql::{self, Db};

pub const COOKIE: &str = "__Host-safe-contact-device";

/// How long a browser stays known without signing in: long enough to come back from leave or
/// part-time hours to a known browser, and within Chromium's 400-day ceiling on a cookie's life.
pub const KEPT_DAYS: i64 = 180;

/// As the session cookie (see `session::COOKIE`), `Secure` even for the demo on loopback, and
/// kept after the browser closes: that is the point of it.
pub fn set_cookie(token: &str) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Secure; Max-Age={}",
        KEPT_DAYS * DAY
    ))
    .expect("a base64url token is a valid header value")
}

/// The device token the browser sent, if it is one this server could have made. Anything else
/// is treated as no cookie, and a new token replaces it at the next sign-in.
pub fn presented(headers: &HeaderMap) -> Option<String> {
    cookie(headers, COOKIE)
        .filter(|t| URL_SAFE_NO_PAD.decode(t).is_ok_and(|b| b.len() == 32))
        .map(str::to_owned)
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

/// Records that the browser holding the token with this hash enrolled or signed in as the member.
pub fn remember(
    db: &mut Db,
    token_sha256: &[u8; 32],
    member_id: &str,
    now: i64,
) -> sql::Result<()> {
    db.execute(
        "INSERT INTO known_devices (token_sha256, member_id, first_used, last_used)
         VALUES (?1, ?2, ?3, ?3)
         ON CONFLICT (token_sha256, member_id) DO UPDATE SET last_used = excluded.last_used",
        args![token_sha256, member_id, now],
    )?;
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::header;

    #[test]
    fn only_a_well_formed_device_cookie_is_read() {
        let token = "A".repeat(43);
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("__Host-safe-contact-staff=x; {COOKIE}={token}"))
                .unwrap(),
        );
        assert_eq!(presented(&h), Some(token));
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("__Host-safe-contact-device=short"),
        );
        assert_eq!(presented(&h), None);
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
        let (device, other) = ([1u8; 32], [2u8; 32]);
        remember(&mut db, &device, "m1", 1000).unwrap();
        remember(&mut db, &device, "m1", 2000).unwrap();
        assert!(is_known(&mut db, "a@livin.example", &device, 2000).unwrap());
        assert!(!is_known(&mut db, "b@livin.example", &device, 2000).unwrap());
        assert!(!is_known(&mut db, "a@livin.example", &other, 2000).unwrap());
        assert!(!is_known(&mut db, "nobody@livin.example", &device, 2000).unwrap());
        let later = 2000 + KEPT_DAYS * DAY;
        assert!(!is_known(&mut db, "a@livin.example", &device, later).unwrap());
        remember(&mut db, &device, "m2", later).unwrap();
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
