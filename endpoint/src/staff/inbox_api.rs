//! The staff inbox's JSON API under `/staff/api/`. The browser does all the unlocking; this
//! side stores what it cannot use (a proof hash, a wrapped key, sealed grants) and hands back
//! sealed envelopes, always within the signed-in member's landlord.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use safe_contact_callback::{is_id, normalise_request_id};
use safe_contact_staff_keys::fingerprint::Fingerprint;
use safe_contact_staff_keys::invite::is_well_formed as is_invite_token;
use safe_contact_staff_keys::passphrase::normalise_email;
use safe_contact_staff_keys::pepper::Pepper;
use safe_contact_staff_keys::totp;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::accounts::{
    self, Enrolled, Factor, Granted, Invited, NewMember, Role, SignedIn, TotpUnusable,
};
use super::known_device;
use super::passkeys;
use super::proof_gate::Asker;
use super::session::{self, refuse, unavailable, AnySession, Lead};
use super::sign_in_limit::Browser;
use super::{token_hash, Actor, Item, Outcome, Status, Stored};
use crate::answers::tagged;
use crate::clock::unix_now;
use crate::config::Landlord;
use crate::state::AppState;

/// One answer for every failed sign-in, whatever was wrong, so it never says whether an
/// account exists.
const SIGN_IN_REFUSED: &str =
    "The email, passphrase or code is not right. Check them and try again.";

const AUDIT_ROWS: u32 = 500;

pub(super) fn not_understood(what: &str) -> Response {
    refuse(
        StatusCode::BAD_REQUEST,
        &format!("The inbox sent {what} in a form the server does not understand. Reload the inbox and try again."),
    )
}

/// Whether `s` is base64url without padding for exactly `len` bytes.
pub(super) fn is_b64(s: &str, len: usize) -> bool {
    URL_SAFE_NO_PAD.decode(s).is_ok_and(|b| b.len() == len)
}

fn landlord<'a>(app: &'a AppState, member: &SignedIn) -> Option<&'a Landlord> {
    app.config.landlord(&member.landlord)
}

fn invite_gone() -> Response {
    refuse(
        StatusCode::NOT_FOUND,
        "This invite link does not work. It may have been used already. Ask your team lead for a new one.",
    )
}

fn invite_expired() -> Response {
    refuse(
        StatusCode::GONE,
        "This invite link has expired. Ask your team lead for a new one.",
    )
}

fn no_request(landlord: &str) -> Response {
    tagged(
        refuse(
            StatusCode::NOT_FOUND,
            "There is no such request. It may have been deleted.",
        ),
        landlord,
    )
}

fn no_member(landlord: &str) -> Response {
    tagged(
        refuse(StatusCode::NOT_FOUND, "There is no such team member."),
        landlord,
    )
}

/// The deployment's pepper; `None` on a server with no inbox.
fn staff_pepper(app: &AppState) -> Option<&Pepper> {
    app.config.staff.as_ref().map(|s| &s.pepper)
}

fn not_set_up() -> Response {
    refuse(
        StatusCode::NOT_FOUND,
        "The inbox is not set up on this server.",
    )
}

/// A stored TOTP secret that does not open means the server runs with another pepper than the
/// one the database was made with: no code can be checked, and the operator must hear of it.
fn totp_unreadable() -> Response {
    tracing::error!(
        "a stored authenticator secret does not open: is staff.pepper_env the pepper this database was made with?"
    );
    unavailable()
}

/// An invite whose secret cannot be used. A plain one may have been planted by anyone who can
/// write to the database, so the link works no more than an unknown one until the operator
/// seals it; then it works as before.
fn invite_unusable(unusable: TotpUnusable) -> Response {
    match unusable {
        TotpUnusable::Plain => invite_gone(),
        TotpUnusable::OtherPepper => totp_unreadable(),
    }
}

/// The invite a link's token names, or the answer for a link that cannot be used.
async fn live_invite(app: &AppState, token: &str, now: i64) -> Result<accounts::Invite, Response> {
    if !is_invite_token(token) {
        return Err(invite_gone());
    }
    let Some(pepper) = staff_pepper(app) else {
        return Err(not_set_up());
    };
    let (key, hash) = (pepper.invite_binding_key(), token_hash(token));
    let Ok(found) = app
        .store
        .with_db(move |c| accounts::invite(c, &key, &hash))
        .await
    else {
        return Err(unavailable());
    };
    let Some(invite) = found else {
        return Err(invite_gone());
    };
    if invite.expires_at <= now {
        return Err(tagged(invite_expired(), &invite.landlord));
    }
    Ok(invite)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InviteLookup {
    token: String,
}

/// `POST /staff/api/invites/lookup`: what the enrolment page shows, including the TOTP secret
/// for the QR code. The token comes in the body, never the path, so no log, proxy or history
/// that records addresses ever holds one.
pub async fn invite(State(app): State<Arc<AppState>>, bytes: Bytes) -> Response {
    let Ok(InviteLookup { token }) = serde_json::from_slice(&bytes) else {
        return not_understood("the invite");
    };
    let Some(pepper) = staff_pepper(&app) else {
        return not_set_up();
    };
    let invite = match live_invite(&app, &token, unix_now()).await {
        Ok(invite) => invite,
        Err(refusal) => return refusal,
    };
    let secret = match invite.totp_secret(pepper) {
        Ok(secret) => secret,
        Err(unusable) => return invite_unusable(unusable),
    };
    // The member's pepper goes to whoever holds the invite, who is choosing the passphrase
    // it will be mixed with: their browser wraps the new key with both.
    let answer = Json(json!({
        "email": invite.email,
        "role": invite.role,
        "landlord": invite.landlord,
        "totp_uri": totp::uri(&secret, &invite.email),
        "totp_secret": totp::base32(&secret),
        "key_pepper": pepper.member(&invite.email).to_b64(),
    }));
    tagged(answer.into_response(), &invite.landlord)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Enrolment {
    token: String,
    proof: String,
    public_key: String,
    wrapped_key: String,
    totp_code: String,
}

/// The wrapped key is a 12-byte nonce, the 32-byte key's base64url (43 bytes) and a 16-byte
/// tag; a little room either way costs nothing and keeps the server out of the format.
const MAX_WRAPPED_KEY: usize = 512;

/// `POST /staff/api/invites/accept`: enrols the invited email once the code from their new
/// authenticator matches the invite's secret. The browser becomes a known device for them.
pub async fn enrol(State(app): State<Arc<AppState>>, headers: HeaderMap, bytes: Bytes) -> Response {
    let Ok(e) = serde_json::from_slice::<Enrolment>(&bytes) else {
        return not_understood("the enrolment");
    };
    if !is_b64(&e.proof, 32)
        || !is_b64(&e.public_key, 32)
        || e.wrapped_key.is_empty()
        || e.wrapped_key.len() > MAX_WRAPPED_KEY
        || URL_SAFE_NO_PAD.decode(&e.wrapped_key).is_err()
    {
        return refuse(
            StatusCode::BAD_REQUEST,
            "The inbox sent keys the server cannot use. Reload the invite link and try again.",
        );
    }
    let now = unix_now();
    let token = e.token;
    let invite = match live_invite(&app, &token, now).await {
        Ok(invite) => invite,
        Err(refusal) => return refusal,
    };
    let Some(pepper) = staff_pepper(&app).cloned() else {
        return not_set_up();
    };
    let secret = match invite.totp_secret(&pepper) {
        Ok(secret) => secret,
        Err(unusable) => return invite_unusable(unusable),
    };
    let key = pepper.invite_binding_key();
    let Some(step) = totp::verify(&secret, e.totp_code.trim(), now as u64, None) else {
        return tagged(
            refuse(
                StatusCode::BAD_REQUEST,
                "The code is not right. Enter the 6-digit code your authenticator app shows now.",
            ),
            &invite.landlord,
        );
    };
    let proof_hash = match app
        .proof_gate
        .run(Asker::Anyone, move || {
            accounts::hash_proof(&e.proof, &pepper)
        })
        .await
    {
        Ok(h) => h,
        Err(r) => return tagged(r, &invite.landlord),
    };
    let member_id = accounts::new_member_id();
    let member = NewMember {
        member_id: member_id.clone(),
        proof_hash,
        public_key: e.public_key,
        wrapped_key: e.wrapped_key,
        totp_last_step: step,
    };
    let landlord = invite.landlord;
    match app
        .store
        .with_db(move |c| accounts::enrol(c, &key, &token_hash(&token), &member, unix_now()))
        .await
    {
        Ok(Enrolled::Done { email }) => {
            let mut r = (StatusCode::CREATED, Json(json!({ "email": email }))).into_response();
            if let Some(cookie) =
                remember_device(&app, &known_device::presented(&headers), None, member_id).await
            {
                r.headers_mut().insert(header::SET_COOKIE, cookie);
            }
            tagged(r, &landlord)
        }
        Ok(Enrolled::NoInvite) => invite_gone(),
        Ok(Enrolled::Expired) => tagged(invite_expired(), &landlord),
        Err(_) => unavailable(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SignIn {
    email: String,
    proof: String,
    /// The key scheme 1 proof, sent while [`super::key_scheme::scheme`] says some members still
    /// have scheme-1 keys; checked only for those members.
    #[serde(default)]
    older_proof: Option<String>,
    totp_code: String,
}

#[derive(Serialize)]
struct Session<'a> {
    member_id: String,
    email: String,
    role: Role,
    landlord: String,
    csrf_token: String,
    public_key: String,
    wrapped_key: String,
    /// The member's pepper, which with the passphrase unwraps `wrapped_key`: only here, after
    /// the proof and the code, and at enrolment.
    key_pepper: String,
    /// The key is wrapped under scheme 1: the browser should wrap it again under scheme 2 and
    /// send it to `POST /staff/api/session/key`.
    rewrap: bool,
    grants: Vec<accounts::Grant>,
    idle_seconds: u64,
    guidance: &'a [String],
    /// The landlord's council areas, so the inbox can run the form's own checks on a request
    /// it opens: the server cannot read a sealed one to check it.
    areas: &'a [String],
    second_factor: Factor,
    passkeys_required: bool,
    /// The session may only add a passkey (and sign out) until the member has one.
    must_add_passkey: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PasskeySignIn {
    email: String,
    proof: String,
    #[serde(default)]
    older_proof: Option<String>,
    /// The signed ceremony state from `POST /staff/api/sign-in/passkey/start`.
    state: String,
    /// The browser's `AuthenticationResponseJSON`.
    credential: serde_json::Value,
}

/// What a sign-in shows besides the passphrase proof.
enum Second {
    Code(String),
    Passkey {
        state: String,
        credential: serde_json::Value,
    },
}

/// A second factor that checked out, to be claimed in the session's own transaction so that it
/// makes one session only.
enum Claim {
    Step(u64),
    Passkey(passkeys::Used),
}

impl Claim {
    fn factor(&self) -> Factor {
        match self {
            Claim::Step(_) => Factor::Totp,
            Claim::Passkey(_) => Factor::Passkey,
        }
    }
}

enum Started {
    Refused,
    /// The proof and code were right, but the member has a passkey and their team requires it.
    UsePasskey,
    Done {
        grants: Vec<accounts::Grant>,
        required: bool,
    },
}

/// Whether `proof` (or for a scheme-1 account, `older_proof`) is the stored account's. An
/// unknown account (`None`) is checked against a decoy hash, so a refusal takes as long either
/// way. Slow on purpose: run it through the proof gate.
pub(super) fn proof_matches(
    proof: &str,
    older_proof: Option<&str>,
    stored: Option<(String, bool)>,
    pepper: &Pepper,
) -> bool {
    match stored {
        Some((hash, false)) => accounts::verify_proof(proof, &hash, Some(pepper)),
        // Without an older proof the scheme-2 one is checked, and fails, so a refusal takes as
        // long either way.
        Some((hash, true)) => accounts::verify_proof(older_proof.unwrap_or(proof), &hash, None),
        None => accounts::verify_proof(proof, decoy_hash(pepper), Some(pepper)),
    }
}

/// A proof hash no account has, checked when the email is unknown so that an unknown email
/// takes as long to refuse as a wrong passphrase.
fn decoy_hash(pepper: &Pepper) -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| accounts::hash_proof(&accounts::random_token(), pepper))
}

/// How a counted sign-in attempt ended. Only a refusal stays counted against the limits: a
/// success, or an attempt the server could not check, is given back.
enum Attempted {
    Refused {
        /// The landlord and member to audit the refusal for, if the email is a member's.
        member: Option<(String, Actor)>,
    },
    Answered(Response),
}

/// Makes this browser a known device for the member with a fresh token of their own, in place
/// of the one it `replaces` (the token this sign-in came with, if it was known for them), and
/// gives the cookie to set: the browser's other members' tokens stay in it. `None` if the
/// database could not record it: the member can still sign in, as from a new browser.
async fn remember_device(
    app: &AppState,
    presented: &[String],
    replaces: Option<[u8; 32]>,
    member_id: String,
) -> Option<HeaderValue> {
    let fresh = accounts::random_token();
    let hash = token_hash(&fresh);
    app.store
        .with_db(move |c| {
            known_device::remember(c, &hash, replaces.as_ref(), &member_id, unix_now())
        })
        .await
        .ok()?;
    app.known_devices.add(hash);
    Some(known_device::set_cookie(&known_device::after_sign_in(
        presented,
        fresh,
        replaces.as_ref(),
    )))
}

/// Which browser this is, for the sign-in limits: a known device if one of its device tokens
/// is known for this email. Any other browser must first get past the client's limit kept in
/// memory, so a flood from one client is turned away before any database work.
pub(super) async fn browser(
    app: &AppState,
    email: &str,
    device: &[String],
    headers: &HeaderMap,
    peer: SocketAddr,
) -> Result<Browser, Response> {
    let known = app
        .known_devices
        .known_for(&app.store, email, device)
        .await
        .map_err(|_| unavailable())?;
    if let Some(hash) = known {
        return Ok(Browser::Known(hash));
    }
    let ip = session::client_ip(app, headers, peer);
    app.sign_in
        .check_client(ip)
        .map_err(IntoResponse::into_response)?;
    Ok(Browser::New(app.limiter.site_id(ip)))
}

/// `POST /staff/api/session`: signs in with the passphrase proof and a TOTP code.
pub async fn sign_in(
    State(app): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    if app.config.staff.is_none() {
        return not_set_up();
    }
    let Ok(s) = serde_json::from_slice::<SignIn>(&bytes) else {
        return not_understood("the sign-in");
    };
    let second = Second::Code(s.totp_code);
    signing_in(
        &app,
        peer,
        &headers,
        &s.email,
        s.proof,
        s.older_proof,
        second,
    )
    .await
}

/// `POST /staff/api/sign-in/passkey/finish`: signs in with the passphrase proof and a passkey,
/// with the same limits, checks and one refusal as with a code.
pub async fn passkey_sign_in(
    State(app): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    if passkeys::relying_party(&app).is_none() {
        return not_set_up();
    }
    let Ok(s) = serde_json::from_slice::<PasskeySignIn>(&bytes) else {
        return not_understood("the sign-in");
    };
    let second = Second::Passkey {
        state: s.state,
        credential: s.credential,
    };
    signing_in(
        &app,
        peer,
        &headers,
        &s.email,
        s.proof,
        s.older_proof,
        second,
    )
    .await
}

/// A sign-in, counted against the limits: refused, or a session started.
async fn signing_in(
    app: &AppState,
    peer: SocketAddr,
    headers: &HeaderMap,
    email: &str,
    proof: String,
    older_proof: Option<String>,
    second: Second,
) -> Response {
    let Some(staff) = app.config.staff.as_ref() else {
        return not_set_up();
    };
    let email = normalise_email(email);
    let device = known_device::presented(headers);
    let browser = match browser(app, &email, &device, headers, peer).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let attempt = match app
        .sign_in
        .attempt(&app.store, &app.limiter, &email, browser)
        .await
    {
        Ok(a) => a,
        Err(refusal) => return refusal.into_response(),
    };
    let (asker, replaces) = match browser {
        Browser::Known(hash) => (Asker::KnownDevice, Some(hash)),
        Browser::New(_) => (Asker::Anyone, None),
    };
    let device = Device {
        presented: device,
        replaces,
    };
    let shown = Shown {
        proof,
        older_proof,
        second,
    };
    match check_sign_in(app, staff.idle.as_secs(), &email, asker, device, shown).await {
        Attempted::Refused { member } => refused(app, member),
        Attempted::Answered(r) => {
            app.sign_in.forget(&app.store, attempt).await;
            r
        }
    }
}

/// What a sign-in shows: the passphrase proof and a second factor.
struct Shown {
    proof: String,
    older_proof: Option<String>,
    second: Second,
}

/// The browser's device tokens, and which of them was known for the account signing in.
struct Device {
    presented: Vec<String>,
    replaces: Option<[u8; 32]>,
}

/// Checks the proof and the second factor and, if both are right, starts a session and makes
/// the browser a known device.
async fn check_sign_in(
    app: &AppState,
    idle_seconds: u64,
    email: &str,
    asker: Asker,
    device: Device,
    shown: Shown,
) -> Attempted {
    let lookup = email.to_owned();
    let Ok(account) = app
        .store
        .with_db(move |c| accounts::account(c, &lookup))
        .await
    else {
        return Attempted::Answered(unavailable());
    };
    let Some(pepper) = staff_pepper(app).cloned() else {
        return Attempted::Answered(unavailable());
    };
    let stored = account
        .as_ref()
        .map(|a| (a.proof_hash.clone(), a.older_key));
    let Shown {
        proof,
        older_proof,
        second,
    } = shown;
    let gate_pepper = pepper.clone();
    let proof_ok = match app
        .proof_gate
        .run(asker, move || {
            proof_matches(&proof, older_proof.as_deref(), stored, &gate_pepper)
        })
        .await
    {
        Ok(ok) => ok,
        Err(r) => return Attempted::Answered(r),
    };
    let now = unix_now();
    let member = account
        .as_ref()
        .map(|a| (a.landlord.clone(), Actor::Member(a.email.clone())));
    let Some(account) = account.filter(|_| proof_ok) else {
        return Attempted::Refused { member };
    };
    let claim = match second {
        Second::Code(code) => {
            let secret = match account.totp_secret(&pepper) {
                Ok(secret) => secret,
                // No secret at all, as far as sign-in goes: the one refusal, which does not
                // say why, so no one learns that this member's secret is from an older version.
                Err(TotpUnusable::Plain) => return Attempted::Refused { member },
                Err(TotpUnusable::OtherPepper) => return Attempted::Answered(totp_unreadable()),
            };
            totp::verify(&secret, code.trim(), now as u64, account.totp_last_step).map(Claim::Step)
        }
        Second::Passkey { state, credential } => {
            let found = passkeys::check_sign_in(
                app,
                &pepper,
                &account.member_id,
                &account.email,
                &state,
                credential,
            );
            match found.await {
                Ok(used) => used.map(Claim::Passkey),
                Err(_) => return Attempted::Answered(unavailable()),
            }
        }
    };
    let Some(claim) = claim else {
        return Attempted::Refused { member };
    };
    let factor = claim.factor();
    let token = accounts::random_token();
    let csrf = accounts::random_token();
    let (hash, member_id, csrf_stored) =
        (token_hash(&token), account.member_id.clone(), csrf.clone());
    let (landlord, who) = (
        account.landlord.clone(),
        Actor::Member(account.email.clone()),
    );
    let session_key = pepper.session_binding_key();
    let started = app
        .store
        .with_db(move |c| {
            // The step or challenge is claimed in the same transaction as the session, so one
            // code or one passkey answer makes one session even when two sign-ins race with it.
            c.transaction(|tx| {
                let claimed = match &claim {
                    Claim::Step(step) => accounts::use_totp_step(tx, &member_id, *step)?,
                    Claim::Passkey(used) => passkeys::claim(tx, used, now)?,
                };
                if !claimed {
                    return Ok(Started::Refused);
                }
                let required = passkeys::required(tx, &landlord)?;
                if factor == Factor::Totp && required && passkeys::count(tx, &member_id)? > 0 {
                    return Ok(Started::UsePasskey);
                }
                accounts::create_session(
                    tx,
                    &session_key,
                    &hash,
                    &member_id,
                    &csrf_stored,
                    factor,
                    now,
                )?;
                let action = match factor {
                    Factor::Totp => "signed in",
                    Factor::Passkey => "signed in with a passkey",
                };
                super::audit(tx, &landlord, &who, action, None, None, now)?;
                Ok(Started::Done {
                    grants: accounts::grants(tx, &member_id)?,
                    required,
                })
            })
        })
        .await;
    let (grants, passkeys_required) = match started {
        Ok(Started::Done { grants, required }) => (grants, required),
        Ok(Started::Refused) => return Attempted::Refused { member },
        Ok(Started::UsePasskey) => {
            return Attempted::Answered(tagged(
                refuse(
                    StatusCode::FORBIDDEN,
                    "Your team signs in with passkeys. Choose \"Sign in with a passkey\".",
                ),
                &account.landlord,
            ))
        }
        Err(_) => return Attempted::Answered(unavailable()),
    };
    let device_cookie = remember_device(
        app,
        &device.presented,
        device.replaces,
        account.member_id.clone(),
    )
    .await;
    let landlord = app.config.landlord(&account.landlord);
    let guidance = landlord.map_or(&[][..], |l| &l.staff_guidance[..]);
    let areas = landlord.map_or(&[][..], |l| &l.areas[..]);
    let must_add_passkey = passkeys_required && factor == Factor::Totp;
    // A session that may only add a passkey gets nothing that opens the member's key: a
    // passphrase and one code caught by a look-alike page must not be enough for the pepper.
    let (wrapped_key, key_pepper, grants, rewrap) = if must_add_passkey {
        (String::new(), String::new(), Vec::new(), false)
    } else {
        let key_pepper = pepper.member(&account.email).to_b64();
        (account.wrapped_key, key_pepper, grants, account.older_key)
    };
    let answer = Session {
        member_id: account.member_id,
        email: account.email,
        role: account.role,
        landlord: account.landlord.clone(),
        csrf_token: csrf,
        public_key: account.public_key,
        wrapped_key,
        key_pepper,
        rewrap,
        grants,
        idle_seconds,
        guidance,
        areas,
        second_factor: factor,
        passkeys_required,
        must_add_passkey,
    };
    let mut r = Json(answer).into_response();
    r.headers_mut()
        .insert(header::SET_COOKIE, session::set_cookie(&token));
    if let Some(cookie) = device_cookie {
        r.headers_mut().append(header::SET_COOKIE, cookie);
    }
    Attempted::Answered(tagged(r, &account.landlord))
}

/// The one refusal. The audit row for a member's account is written after the answer goes,
/// so a refusal takes as long whether or not the email has an account.
fn refused(app: &AppState, member: Option<(String, Actor)>) -> Response {
    if let Some((landlord, who)) = member {
        let (store, at) = (app.store.clone(), unix_now());
        tokio::spawn(async move {
            let written = store
                .with_db(move |c| {
                    super::audit(c, &landlord, &who, "sign-in refused", None, None, at)
                })
                .await;
            if written.is_err() {
                tracing::warn!("a refused sign-in could not be written to the audit trail");
            }
        });
    }
    refuse(StatusCode::UNAUTHORIZED, SIGN_IN_REFUSED)
}

/// `DELETE /staff/api/session`: signs out here and now.
pub async fn sign_out(
    State(app): State<Arc<AppState>>,
    AnySession(member): AnySession,
    headers: HeaderMap,
) -> Response {
    let Some(hash) = session::session_hash(&headers) else {
        return unavailable();
    };
    if app
        .store
        .with_db(move |c| accounts::end_session(c, &hash))
        .await
        .is_err()
    {
        return unavailable();
    }
    let mut r = StatusCode::NO_CONTENT.into_response();
    r.headers_mut()
        .insert(header::SET_COOKIE, session::clear_cookie());
    tagged(r, &member.landlord)
}

/// `GET /staff/api/requests`.
pub async fn list(State(app): State<Arc<AppState>>, member: SignedIn) -> Response {
    let Some(l) = landlord(&app, &member).cloned() else {
        return no_request(&member.landlord);
    };
    match app.store.with_db(move |c| super::items(c, &l)).await {
        Ok(requests) => tagged(
            Json(json!({ "requests": requests })).into_response(),
            &member.landlord,
        ),
        Err(_) => unavailable(),
    }
}

#[derive(Serialize)]
struct Opened {
    #[serde(flatten)]
    item: Item,
    /// `"envelope"` for a sealed request, `"request"` for a plaintext (demo) one.
    #[serde(flatten)]
    content: Stored,
}

/// `GET /staff/api/requests/{id}`: the item and its sealed envelope, audited as opened.
pub async fn show(
    State(app): State<Arc<AppState>>,
    member: SignedIn,
    Path(request_id): Path<String>,
) -> Response {
    let (Some(l), Some(id)) = (
        landlord(&app, &member).cloned(),
        normalise_request_id(&request_id),
    ) else {
        return no_request(&member.landlord);
    };
    let who = Actor::Member(member.email.clone());
    let opened = app
        .store
        .with_db(move |c| {
            let Some(item) = super::item(c, &l, &id)? else {
                return Ok(None);
            };
            Ok(
                super::read(c, &l.id, &id, who, unix_now())?.map(|full| Opened {
                    item,
                    content: full.content,
                }),
            )
        })
        .await;
    match opened {
        Ok(Some(o)) => tagged(Json(o).into_response(), &member.landlord),
        Ok(None) => no_request(&member.landlord),
        Err(_) => unavailable(),
    }
}

/// Marks a request and answers with its item.
async fn mark(
    app: &AppState,
    member: &SignedIn,
    request_id: &str,
    status: Status,
    outcome: Option<Outcome>,
) -> Response {
    let (Some(l), Some(id)) = (
        landlord(app, member).cloned(),
        normalise_request_id(request_id),
    ) else {
        return no_request(&member.landlord);
    };
    let who = Actor::Member(member.email.clone());
    let marked = app
        .store
        .with_db(move |c| {
            if !super::mark(c, &l.id, &id, status, outcome, who, unix_now())? {
                return Ok(None);
            }
            super::item(c, &l, &id)
        })
        .await;
    match marked {
        Ok(Some(item)) => tagged(Json(item).into_response(), &member.landlord),
        Ok(None) => no_request(&member.landlord),
        Err(_) => unavailable(),
    }
}

/// `POST /staff/api/requests/{id}/contacted`.
pub async fn contacted(
    State(app): State<Arc<AppState>>,
    member: SignedIn,
    Path(request_id): Path<String>,
) -> Response {
    mark(&app, &member, &request_id, Status::Contacted, None).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Close {
    outcome: Outcome,
}

/// `POST /staff/api/requests/{id}/close` with an outcome from the fixed list.
pub async fn close(
    State(app): State<Arc<AppState>>,
    member: SignedIn,
    Path(request_id): Path<String>,
    bytes: Bytes,
) -> Response {
    let Ok(Close { outcome }) = serde_json::from_slice(&bytes) else {
        return tagged(
            refuse(
                StatusCode::BAD_REQUEST,
                "Choose how the request ended: spoke safely, could not reach, withdrew or referred on.",
            ),
            &member.landlord,
        );
    };
    mark(&app, &member, &request_id, Status::Closed, Some(outcome)).await
}

/// `DELETE /staff/api/requests/{id}`: deleted for real, now.
pub async fn purge(
    State(app): State<Arc<AppState>>,
    member: SignedIn,
    Path(request_id): Path<String>,
) -> Response {
    let Some(id) = normalise_request_id(&request_id) else {
        return no_request(&member.landlord);
    };
    let (landlord, who) = (member.landlord.clone(), Actor::Member(member.email.clone()));
    match app
        .store
        .with_db(move |c| super::purge(c, &landlord, &id, who, unix_now()))
        .await
    {
        Ok(true) => tagged(StatusCode::NO_CONTENT.into_response(), &member.landlord),
        Ok(false) => no_request(&member.landlord),
        Err(_) => unavailable(),
    }
}

/// `GET /staff/api/team` (leads).
pub async fn team(State(app): State<Arc<AppState>>, Lead(member): Lead) -> Response {
    let key_ids = landlord(&app, &member)
        .map(|l| l.seal_key_ids.clone())
        .unwrap_or_default();
    let id = member.landlord.clone();
    let found = app
        .store
        .with_db(move |c| {
            Ok((
                accounts::team(c, &id)?,
                accounts::pending_invites(c, &id, unix_now())?,
            ))
        })
        .await;
    match found {
        Ok((members, invites)) => tagged(
            Json(json!({ "members": members, "invites": invites, "key_ids": key_ids }))
                .into_response(),
            &member.landlord,
        ),
        Err(_) => unavailable(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewInvite {
    email: String,
    role: Role,
}

/// `POST /staff/api/invites` (leads): an enrolment link for a new member of the lead's landlord.
pub async fn create_invite(
    State(app): State<Arc<AppState>>,
    Lead(member): Lead,
    bytes: Bytes,
) -> Response {
    let Ok(n) = serde_json::from_slice::<NewInvite>(&bytes) else {
        return tagged(
            refuse(
                StatusCode::BAD_REQUEST,
                "Enter an email address and choose a role: officer or lead.",
            ),
            &member.landlord,
        );
    };
    let config = Arc::clone(&app.config);
    let (landlord, who) = (member.landlord.clone(), Actor::Member(member.email.clone()));
    let made = app
        .store
        .with_db(move |c| {
            accounts::invite_member(c, &config, &landlord, &n.email, n.role, &who, unix_now())
        })
        .await;
    let r = match made {
        Ok(Invited::Link { url, .. }) => {
            (StatusCode::CREATED, Json(json!({ "invite_url": url }))).into_response()
        }
        Ok(Invited::BadEmail) => refuse(
            StatusCode::BAD_REQUEST,
            "Enter an email address in the correct format, like name@example.org.",
        ),
        Ok(Invited::OutsideDomains(domains)) => refuse(
            StatusCode::BAD_REQUEST,
            &format!(
                "Invites can only go to addresses at {}.",
                domains.join(" or ")
            ),
        ),
        Ok(Invited::AlreadyMember) => refuse(
            StatusCode::CONFLICT,
            "This person is already a member of your team.",
        ),
        Ok(Invited::NotSetUp) | Err(_) => unavailable(),
    };
    tagged(r, &member.landlord)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewGrant {
    key_id: String,
    grant: String,
    /// The member's security number as they read it out to the lead.
    fingerprint: String,
}

/// A grant is the HPKE encapsulated key (32 bytes) and the sealed 32-byte key with its tag.
const GRANT_LEN: usize = 32 + 32 + 16;

/// `POST /staff/api/members/{member_id}/grant` (leads). The lead's browser has already checked
/// the member's number against the key it sealed to; the server checks it again against the key
/// it holds now, so a key changed in the database since the lead's check gets no grant either.
pub async fn grant(
    State(app): State<Arc<AppState>>,
    Lead(member): Lead,
    Path(member_id): Path<String>,
    bytes: Bytes,
) -> Response {
    let (g, confirmed) = match serde_json::from_slice::<NewGrant>(&bytes) {
        Ok(g) if is_b64(&g.grant, GRANT_LEN) && is_id(&g.key_id) => {
            match Fingerprint::parse(&g.fingerprint) {
                Some(f) => (g, f),
                None => {
                    return tagged(
                        refuse(
                            StatusCode::BAD_REQUEST,
                            "Enter the 24-digit security number the person reads out to you.",
                        ),
                        &member.landlord,
                    )
                }
            }
        }
        _ => return tagged(
            refuse(
                StatusCode::BAD_REQUEST,
                "The inbox sent a key grant the server cannot use. Reload the inbox and try again.",
            ),
            &member.landlord,
        ),
    };
    let known = landlord(&app, &member).is_some_and(|l| l.seal_key_ids.contains(&g.key_id));
    if !known {
        return tagged(
            refuse(
                StatusCode::BAD_REQUEST,
                "That key is not one of your landlord's keys in the server's settings.",
            ),
            &member.landlord,
        );
    }
    let (landlord, who) = (member.landlord.clone(), Actor::Member(member.email.clone()));
    match app
        .store
        .with_db(move |c| {
            let new = accounts::NewGrant {
                key_id: &g.key_id,
                grant: &g.grant,
                confirmed,
            };
            accounts::store_grant(c, &landlord, &member_id, &new, &who, unix_now())
        })
        .await
    {
        Ok(Granted::Done) => tagged(StatusCode::NO_CONTENT.into_response(), &member.landlord),
        Ok(Granted::NotTheirKey) => tagged(not_their_key(), &member.landlord),
        Ok(Granted::NoMember) => no_member(&member.landlord),
        Err(_) => unavailable(),
    }
}

/// The security number a lead confirmed is not the number of the member's stored key.
fn not_their_key() -> Response {
    refuse(
        StatusCode::CONFLICT,
        "The security number does not match this person's key, so they have not been given access. Check the number with them again. If it still does not match, do not give access: tell whoever runs your inbox.",
    )
}

/// `POST /staff/api/members/{member_id}/grant-refused` (leads): the lead's browser found that
/// the number the member read out is not the number of the key it was handed, so it sent no
/// grant. This puts that in the audit trail, where a lead can see it.
pub async fn grant_refused(
    State(app): State<Arc<AppState>>,
    Lead(member): Lead,
    Path(member_id): Path<String>,
) -> Response {
    let (landlord, who) = (member.landlord.clone(), Actor::Member(member.email.clone()));
    match app
        .store
        .with_db(move |c| {
            accounts::record_refused_grant(c, &landlord, &member_id, &who, unix_now())
        })
        .await
    {
        Ok(true) => tagged(StatusCode::NO_CONTENT.into_response(), &member.landlord),
        Ok(false) => no_member(&member.landlord),
        Err(_) => unavailable(),
    }
}

/// `DELETE /staff/api/members/{member_id}` (leads): the member, their grants, sessions and
/// the invites they made go.
/// They may have kept the landlord key, so the answer says to rotate it.
pub async fn revoke(
    State(app): State<Arc<AppState>>,
    Lead(member): Lead,
    Path(member_id): Path<String>,
) -> Response {
    let (landlord, who) = (member.landlord.clone(), Actor::Member(member.email.clone()));
    match app
        .store
        .with_db(move |c| accounts::revoke(c, &landlord, &member_id, &who, unix_now()))
        .await
    {
        Ok(Some(n)) => tagged(
            Json(json!({ "rotate_key": true, "requests_on_current_keys": n })).into_response(),
            &member.landlord,
        ),
        Ok(None) => no_member(&member.landlord),
        Err(_) => unavailable(),
    }
}

/// `GET /staff/api/audit` (leads): the landlord's trail, newest first.
pub async fn audit(State(app): State<Arc<AppState>>, Lead(member): Lead) -> Response {
    let id = member.landlord.clone();
    match app
        .store
        .with_db(move |c| accounts::audit_trail(c, &id, AUDIT_ROWS))
        .await
    {
        Ok(entries) => tagged(
            Json(json!({ "entries": entries })).into_response(),
            &member.landlord,
        ),
        Err(_) => unavailable(),
    }
}
