//! Inbox sessions and the hardening around them: the session cookie, the signed-in member as an
//! extractor, the Origin and CSRF checks, the security headers on everything under `/staff/`,
//! and the sign-in limits.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use subtle::ConstantTimeEq;
use tokio::sync::Semaphore;

use super::accounts::{self, Role, SignedIn};
use super::token_hash;
use crate::answers::tagged;
use crate::clock::unix_now;
use crate::config::SignInLimit;
use crate::intake::rate_limit::retry_after_secs;
use crate::state::AppState;

/// `__Host-` makes the browser refuse the cookie unless it is `Secure`, has `Path=/` and no
/// `Domain`, so no other host or path can set or shadow it. Chromium takes `Secure` cookies
/// from http://127.0.0.1 and http://localhost (a secure context), so one cookie works for the
/// demo and behind TLS alike.
pub const COOKIE: &str = "__Host-safe-contact-staff";
const ATTRIBUTES: &str = "Path=/; HttpOnly; SameSite=Strict; Secure";

pub const CSRF_HEADER: &str = "x-csrf-token";

const CSP: HeaderValue = HeaderValue::from_static(
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; frame-ancestors 'none'",
);

/// `{"error": "..."}`, the inbox API's one error shape.
pub fn refuse(status: StatusCode, message: &str) -> Response {
    (status, Json(serde_json::json!({ "error": message }))).into_response()
}

pub fn set_cookie(token: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("{COOKIE}={token}; {ATTRIBUTES}"))
        .expect("a base64url token is a valid header value")
}

pub fn clear_cookie() -> HeaderValue {
    HeaderValue::from_str(&format!("{COOKIE}=; {ATTRIBUTES}; Max-Age=0"))
        .expect("a fixed string is a valid header value")
}

/// The session token's hash from the request's cookie, if it has one.
pub fn session_hash(headers: &HeaderMap) -> Option<[u8; 32]> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == COOKIE && !value.is_empty())
        .map(|(_, token)| token_hash(token))
}

/// Signed-in members are extracted from the session cookie. An unknown or idle session is a 401;
/// a POST or DELETE without the session's CSRF token is a 403.
impl FromRequestParts<Arc<AppState>> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let signed_out = || {
            refuse(
                StatusCode::UNAUTHORIZED,
                "You are signed out. Sign in again to continue.",
            )
        };
        let Some(hash) = session_hash(&parts.headers) else {
            return Err(signed_out());
        };
        let Some(staff) = app.config.staff.as_ref() else {
            return Err(signed_out());
        };
        let idle = staff.idle.as_secs() as i64;
        let member = app
            .store
            .with_db(move |c| accounts::touch_session(c, &hash, idle, unix_now()))
            .await
            .map_err(|_| unavailable())?
            .ok_or_else(signed_out)?;
        if parts.method != Method::GET && parts.method != Method::HEAD {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .map(HeaderValue::as_bytes)
                .unwrap_or_default();
            if !bool::from(sent.ct_eq(member.csrf.as_bytes())) {
                return Err(tagged(
                    refuse(
                        StatusCode::FORBIDDEN,
                        "This action could not be checked. Reload the inbox and try again.",
                    ),
                    &member.landlord,
                ));
            }
        }
        Ok(member)
    }
}

/// A member with the lead role; officers get 403.
pub struct Lead(pub SignedIn);

impl FromRequestParts<Arc<AppState>> for Lead {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let member = SignedIn::from_request_parts(parts, app).await?;
        if member.role != Role::Lead {
            return Err(tagged(
                refuse(
                    StatusCode::FORBIDDEN,
                    "Only a team lead can do this. Ask your team lead.",
                ),
                &member.landlord,
            ));
        }
        Ok(Lead(member))
    }
}

pub fn unavailable() -> Response {
    let mut r = refuse(
        StatusCode::SERVICE_UNAVAILABLE,
        "The inbox could not reach its database. Try again in a moment.",
    );
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    r
}

/// Every POST and DELETE under `/staff/api/` must come from the inbox's own origin: with
/// `SameSite=Strict` as well, another site can neither ride a session nor sign someone in.
pub async fn same_origin(State(app): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    if req.method() == Method::POST || req.method() == Method::DELETE {
        let expected = app.config.staff.as_ref().map(|s| s.base_url.as_bytes());
        let sent = req.headers().get(header::ORIGIN).map(HeaderValue::as_bytes);
        if expected.is_none() || sent != expected {
            return refuse(
                StatusCode::FORBIDDEN,
                "This action must come from the inbox page itself. Open the inbox and try again.",
            );
        }
    }
    next.run(req).await
}

/// The inbox's security headers on every answer whose path starts with `/staff/`, its files
/// and errors included: a strict CSP with no inline script, nothing cached, no referrer.
pub async fn staff_headers(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let staff = path == "/staff" || path.starts_with("/staff/");
    let mut response = next.run(req).await;
    if staff {
        let h = response.headers_mut();
        h.insert(header::CONTENT_SECURITY_POLICY, CSP);
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        h.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
        h.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
    }
    response
}

/// Sign-in attempts in a sliding window, per account and per client. An attempt is counted
/// before its proof is checked and taken back only if it did not fail, so parallel attempts
/// cannot all slip past the limit while the first ones are still being verified, and a member
/// who signs in is never held up by their own earlier successes. A limited account or client is
/// refused before its proof is even checked. Accounts are keyed by a hash of the email whether
/// or not it is a member, so the limit says nothing about who has an account.
pub struct SignInLimiter {
    limits: SignInLimit,
    failures: Mutex<HashMap<Key, VecDeque<Instant>>>,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    Account([u8; 32]),
    Client([u8; 16]),
}

/// An attempt counted against the limits: it stays counted, as a failure, unless it is given
/// back with `SignInLimiter::forget`.
#[must_use]
pub struct Attempt {
    keys: [Key; 2],
    at: Instant,
}

/// Keys held at most; past this, keys with no failure in the window are forgotten.
const MAX_KEYS: usize = 100_000;

impl SignInLimiter {
    pub fn new(limits: SignInLimit) -> Self {
        SignInLimiter {
            limits,
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn window(&self) -> Duration {
        Duration::from_secs(u64::from(self.limits.window_minutes) * 60)
    }

    fn keys(&self, email: &str, client: [u8; 16]) -> [(Key, usize); 2] {
        [
            (
                Key::Account(token_hash(email)),
                self.limits.failures_per_account as usize,
            ),
            (
                Key::Client(client),
                self.limits.failures_per_client as usize,
            ),
        ]
    }

    /// Counts an attempt for this account and client, or says how long until they may try
    /// again if either is at its limit. The check and the count are made under one lock.
    pub fn attempt(
        &self,
        email: &str,
        client: [u8; 16],
        now: Instant,
    ) -> Result<Attempt, Duration> {
        let window = self.window();
        let keys = self.keys(email, client);
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let mut wait = None;
        for (key, allowed) in keys {
            let Some(times) = failures.get_mut(&key) else {
                continue;
            };
            while times
                .front()
                .is_some_and(|t| now.saturating_duration_since(*t) >= window)
            {
                times.pop_front();
            }
            if let Some(oldest) = times.front().filter(|_| times.len() >= allowed) {
                wait = wait.max(Some(
                    window.saturating_sub(now.saturating_duration_since(*oldest)),
                ));
            }
        }
        if let Some(wait) = wait {
            return Err(wait);
        }
        if failures.len() >= MAX_KEYS {
            failures.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|t| now.saturating_duration_since(*t) < window)
            });
        }
        // Both keys are under their limits here, so no deque grows past its limit.
        for (key, _) in keys {
            failures.entry(key).or_default().push_back(now);
        }
        Ok(Attempt {
            keys: keys.map(|(key, _)| key),
            at: now,
        })
    }

    /// Gives back an attempt that did not fail: it signed in, or its proof was never checked.
    pub fn forget(&self, attempt: Attempt) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        for key in attempt.keys {
            if let Some(times) = failures.get_mut(&key) {
                if let Some(i) = times.iter().position(|t| *t == attempt.at) {
                    times.remove(i);
                }
            }
        }
    }
}

/// The answer to a limited sign-in.
pub fn too_many(wait: Duration) -> Response {
    let minutes = retry_after_secs(wait).div_ceil(60);
    let unit = if minutes == 1 { "minute" } else { "minutes" };
    let mut r = refuse(
        StatusCode::TOO_MANY_REQUESTS,
        &format!("There have been too many tries to sign in. Wait {minutes} {unit} and try again."),
    );
    r.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from(retry_after_secs(wait)),
    );
    r
}

/// How many proof hashes or verifies run at once. Each holds 19 MiB and a core for tens of
/// milliseconds, and sign-in and enrolment are open to anyone, so without a bound a burst of
/// requests could take all the memory and blocking threads; four keeps that under 80 MiB.
pub const PROOF_WORK_AT_ONCE: usize = 4;

/// How long a request waits for a free place before it is told the server is busy: long enough
/// to ride out an ordinary queue of sign-ins, short enough that a flood is shed quickly.
pub const PROOF_WORK_WAIT: Duration = Duration::from_secs(2);

/// A bound on the server's Argon2 work: every proof hash and verify runs through it.
pub struct ProofGate {
    permits: Arc<Semaphore>,
    wait: Duration,
}

impl ProofGate {
    pub fn new(at_once: usize, wait: Duration) -> Self {
        ProofGate {
            permits: Arc::new(Semaphore::new(at_once)),
            wait,
        }
    }

    /// Runs `work` off the async threads once a place is free, or answers 503 if none frees up
    /// in time.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Response> {
        let Ok(Ok(permit)) =
            tokio::time::timeout(self.wait, Arc::clone(&self.permits).acquire_owned()).await
        else {
            return Err(busy());
        };
        // The place is held by the work itself, so it stays taken even if the request is
        // dropped while the hash runs.
        tokio::task::spawn_blocking(move || {
            let _held = permit;
            work()
        })
        .await
        .map_err(|_| unavailable())
    }
}

fn busy() -> Response {
    let mut r = refuse(
        StatusCode::SERVICE_UNAVAILABLE,
        "The inbox is busy signing people in. Try again in a moment.",
    );
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    r
}

/// Who the client is for the sign-in limit: its address (or IPv6 /64), keyed-hashed as the
/// intake limiter does it.
pub fn client_key(app: &AppState, headers: &HeaderMap, peer: SocketAddr) -> [u8; 16] {
    let ip = crate::client_addr::client_ip(peer.ip(), headers, &app.config.trusted_proxies);
    app.limiter.client_id(ip)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempts_count_within_the_window_only() {
        let limiter = SignInLimiter::new(SignInLimit {
            failures_per_account: 2,
            failures_per_client: 3,
            window_minutes: 15,
        });
        let t = Instant::now();
        let minute = Duration::from_secs(60);
        let (a, b) = ([1u8; 16], [2u8; 16]);
        assert!(limiter.attempt("x@example.org", a, t).is_ok());
        assert!(limiter.attempt("x@example.org", b, t + minute).is_ok());
        // The account is at its limit from any client, until its oldest attempt is 15 minutes old.
        assert_eq!(
            limiter.attempt("x@example.org", b, t + minute).err(),
            Some(14 * minute)
        );
        // Client `a` tries two more accounts and reaches its own limit, for every account.
        assert!(limiter.attempt("y@example.org", a, t + minute).is_ok());
        assert!(limiter.attempt("z@example.org", a, t + minute).is_ok());
        assert_eq!(
            limiter.attempt("new@example.org", a, t + minute).err(),
            Some(14 * minute)
        );
        assert!(limiter.attempt("new@example.org", b, t + minute).is_ok());
        // Once the oldest attempts are 15 minutes old, both may try again.
        assert!(limiter.attempt("x@example.org", a, t + 15 * minute).is_ok());
    }

    #[test]
    fn an_attempt_given_back_frees_its_place() {
        let limiter = SignInLimiter::new(SignInLimit {
            failures_per_account: 2,
            failures_per_client: 2,
            window_minutes: 15,
        });
        let t = Instant::now();
        let client = [1u8; 16];
        let _failed = limiter.attempt("x@example.org", client, t).unwrap();
        let signed_in = limiter.attempt("x@example.org", client, t).unwrap();
        // Two in flight at once fill the limit before either is checked.
        assert!(limiter.attempt("x@example.org", client, t).is_err());
        limiter.forget(signed_in);
        assert!(limiter.attempt("x@example.org", client, t).is_ok());
        assert!(limiter.attempt("x@example.org", client, t).is_err());
    }

    #[tokio::test]
    async fn proof_work_waits_for_a_place_then_answers_busy() {
        let gate = ProofGate::new(1, Duration::from_millis(50));
        assert_eq!(gate.run(|| 7).await.ok(), Some(7));
        let taken = Arc::clone(&gate.permits).acquire_owned().await.unwrap();
        let r = gate.run(|| 7).await.err().unwrap();
        assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(r.headers()[header::RETRY_AFTER], "1");
        drop(taken);
        assert_eq!(gate.run(|| 7).await.ok(), Some(7));
    }

    #[test]
    fn only_the_session_cookie_is_read() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("other=1; __Host-safe-contact-staff=abc; x=y"),
        );
        assert_eq!(session_hash(&h), Some(token_hash("abc")));
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("__Host-safe-contact-staff="),
        );
        assert_eq!(session_hash(&h), None);
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("safe-contact-staff=abc"),
        );
        assert_eq!(session_hash(&h), None);
    }
}
