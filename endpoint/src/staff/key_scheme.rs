//! Moving members enrolled before the pepper (key scheme 1) onto scheme 2 without a new invite.
//!
//! A scheme-1 member's browser signs in with the scheme-1 proof, unwraps their key with the
//! scheme-1 wrap key, wraps it again with the scheme-2 wrap key (which needs the member's
//! pepper, in the sign-in answer) and sends it here with the scheme-2 proof. Until every member
//! has, the inbox derives both proofs at sign-in; [`scheme`] says whether it must, for the whole
//! deployment and never for one email, so it tells no one whether an account exists.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Deserialize;
use serde_json::json;

use super::accounts::{self, SignedIn};
use super::proof_gate::Asker;
use super::session::{refuse, unavailable};
use crate::answers::tagged;
use crate::clock::unix_now;
use crate::state::AppState;

/// How long a "some members still have scheme-1 keys" answer is kept before the database is
/// asked again. A "none" answer is kept for good: no new scheme-1 key is ever made.
const RECHECK: Duration = Duration::from_secs(60);

/// Whether any scheme-1 keys remain, kept so that anyone calling [`scheme`] costs the database
/// at most one query a minute.
#[derive(Default)]
pub struct OlderKeys(Mutex<Option<(Instant, bool)>>);

impl OlderKeys {
    async fn remain(&self, app: &AppState) -> Option<bool> {
        if let Some((at, remain)) = *self.0.lock().unwrap_or_else(|e| e.into_inner()) {
            if !remain || at.elapsed() < RECHECK {
                return Some(remain);
            }
        }
        let remain = app.store.with_db(accounts::has_older_keys).await.ok()?;
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some((Instant::now(), remain));
        Some(remain)
    }

    /// After a re-wrap, which may have been the last: asked again at the next sign-in.
    fn forget(&self) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

/// `GET /staff/api/key-scheme`: whether the inbox must derive scheme-1 proofs too at sign-in,
/// and whether it may offer passkeys.
pub async fn scheme(State(app): State<Arc<AppState>>) -> Response {
    match app.older_keys.remain(&app).await {
        Some(remain) => Json(json!({
            "older_keys": remain,
            "passkeys": super::passkeys::relying_party(&app).is_some(),
        }))
        .into_response(),
        None => unavailable(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Rewrap {
    /// The scheme-1 proof the member signed in with, again: a stolen session alone cannot
    /// replace anyone's key.
    older_proof: String,
    proof: String,
    wrapped_key: String,
}

/// `POST /staff/api/session/key`: the signed-in member's key, re-wrapped under scheme 2, with
/// the scheme-2 proof, in place of their scheme-1 ones. 204 when done; 409 if the member is on
/// scheme 2 already; 403 if the older proof is not theirs.
pub async fn rewrap(State(app): State<Arc<AppState>>, member: SignedIn, bytes: Bytes) -> Response {
    let Some(pepper) = app.config.staff.as_ref().map(|s| s.pepper.clone()) else {
        return unavailable();
    };
    let Ok(r) = serde_json::from_slice::<Rewrap>(&bytes) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "The inbox sent your key in a form the server does not understand. Reload the inbox and sign in again.",
        );
    };
    let decodes_to = |s: &str| URL_SAFE_NO_PAD.decode(s).map(|b| b.len()).ok();
    // As at enrolment: a nonce, the key's text and a tag, with room to spare.
    if decodes_to(&r.proof) != Some(32)
        || r.wrapped_key.len() > 512
        || decodes_to(&r.wrapped_key).is_none_or(|n| n == 0)
    {
        return refuse(
            StatusCode::BAD_REQUEST,
            "The inbox sent keys the server cannot use. Reload the inbox and sign in again.",
        );
    }
    let email = member.email.clone();
    let account = match app
        .store
        .with_db(move |c| accounts::account(c, &email))
        .await
    {
        Ok(Some(a)) => a,
        // The member was removed since the session was checked.
        Ok(None) | Err(_) => return unavailable(),
    };
    if !account.older_key {
        return tagged(
            refuse(
                StatusCode::CONFLICT,
                "Your key is already kept the new way. There is nothing to do.",
            ),
            &member.landlord,
        );
    }
    let older_hash = account.proof_hash;
    let checked = app
        .proof_gate
        // The member signed in from this browser a moment ago, which made it a known device.
        .run(Asker::KnownDevice, move || {
            accounts::verify_proof(&r.older_proof, &older_hash, None).then(|| {
                (
                    older_hash,
                    accounts::hash_proof(&r.proof, &pepper),
                    r.wrapped_key,
                )
            })
        })
        .await;
    let (older_hash, proof_hash, wrapped_key) = match checked {
        Ok(Some(ok)) => ok,
        Ok(None) => {
            return tagged(
                refuse(
                    StatusCode::FORBIDDEN,
                    "Your key was not changed: the passphrase did not match. Sign in again.",
                ),
                &member.landlord,
            )
        }
        Err(r) => return r,
    };
    let member_id = member.member_id.clone();
    match app
        .store
        .with_db(move |c| {
            accounts::replace_older_key(
                c,
                &member_id,
                &older_hash,
                &proof_hash,
                &wrapped_key,
                unix_now(),
            )
        })
        .await
    {
        Ok(true) => {
            app.older_keys.forget();
            tagged(StatusCode::NO_CONTENT.into_response(), &member.landlord)
        }
        Ok(false) => tagged(
            refuse(
                StatusCode::CONFLICT,
                "Your key was changed from another window a moment ago. Sign in again.",
            ),
            &member.landlord,
        ),
        Err(_) => unavailable(),
    }
}
