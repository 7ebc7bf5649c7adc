//! Inbox sessions and the hardening around them: the session cookie, the signed-in member as an
//! extractor, the Origin and CSRF checks, the security headers on everything under `/staff/`,
//! and the bound on Argon2 work.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use subtle::ConstantTimeEq;

use super::accounts::{self, Role, SignedIn};
use super::token_hash;
use crate::answers::tagged;
use crate::clock::unix_now;
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

/// The value of the request's cookie called `name`, if it has one that is not empty.
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, value)| *n == name && !value.is_empty())
        .map(|(_, value)| value)
}

/// The session token's hash from the request's cookie, if it has one.
pub fn session_hash(headers: &HeaderMap) -> Option<[u8; 32]> {
    cookie(headers, COOKIE).map(token_hash)
}

/// Signed-in members are extracted from the session cookie. An unknown or idle session is a 401;
/// a POST or DELETE without the session's CSRF token is a 403; so is a session that may only
/// add a passkey ([`SignedIn::setup_only`]), which says so, so the inbox can show where to add one.
impl FromRequestParts<Arc<AppState>> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let member = session_member(parts, app).await?;
        if member.setup_only {
            let said = "Your team signs in with passkeys. Add a passkey to carry on.";
            let r = (
                StatusCode::FORBIDDEN,
                Json(serde_json::json!({ "error": said, "must_add_passkey": true })),
            );
            return Err(tagged(r.into_response(), &member.landlord));
        }
        Ok(member)
    }
}

/// Any signed-in member, a session that may only add a passkey included: for adding one, and
/// for signing out.
pub struct AnySession(pub SignedIn);

impl FromRequestParts<Arc<AppState>> for AnySession {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        session_member(parts, app).await.map(AnySession)
    }
}

async fn session_member(parts: &mut Parts, app: &Arc<AppState>) -> Result<SignedIn, Response> {
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
    let key = staff.pepper.session_binding_key();
    let member = app
        .store
        .with_db(move |c| accounts::touch_session(c, &key, &hash, idle, unix_now()))
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
/// and errors included: a strict CSP with no inline script, nothing cached, no referrer. COOP
/// cuts the tie to any window that opened the inbox or that the inbox opens, so a page on
/// another origin cannot keep a handle on the inbox's window to navigate or probe it.
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
        h.insert(
            header::HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        );
    }
    response
}

/// Who the client is for the sign-in limits, as intake finds it behind the configured proxies.
pub fn client_ip(app: &AppState, headers: &HeaderMap, peer: SocketAddr) -> IpAddr {
    crate::client_addr::client_ip(peer.ip(), headers, &app.config.trusted_proxies)
}

#[cfg(test)]
mod tests {
    use super::*;

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
