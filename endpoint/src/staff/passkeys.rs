//! Passkeys (WebAuthn) as a member's second factor, in place of a code from an authenticator
//! app: a passkey signs only for the inbox's own domain, so a look-alike page cannot collect
//! something that works here, as it can collect a code. The checks are `webauthn_rp`'s; this
//! module keeps the ceremony's state, the stored passkeys and the rules around them.
//!
//! A passkey never replaces the passphrase: every sign-in with one also sends the passphrase
//! proof, and the member's key is still wrapped under the passphrase alone. Removing a passkey
//! can lose no key.
//!
//! Between start and finish the browser holds the ceremony's state, signed with a key from the
//! pepper, so any instance can finish what another began and a start writes nothing. A
//! sign-in's challenge is claimed in the transaction that starts the session, so one answer
//! makes one session.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use safe_contact_staff_keys::passphrase::normalise_email;
use safe_contact_staff_keys::pepper::Pepper;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::Sha256;
use webauthn_rp::bin::{Decode, Encode};
use webauthn_rp::request::auth::AuthenticationVerificationOptions;
use webauthn_rp::request::register::{
    CredProtect, PublicKeyCredentialUserEntity, RegistrationVerificationOptions, UserHandle16,
};
use webauthn_rp::request::{AsciiDomain, PublicKeyCredentialDescriptor, RpId, TimedCeremony as _};
use webauthn_rp::response::register::{CompressedPubKey, DynamicState, StaticState};
use webauthn_rp::response::{AuthTransports, CredentialId};
use webauthn_rp::{
    AuthenticatedCredential, DiscoverableAuthentication16, DiscoverableAuthenticationServerState,
    DiscoverableCredentialRequestOptions, PublicKeyCredentialCreationOptions, Registration,
    RegistrationServerState,
};

use super::accounts::{self, SignedIn};
use super::inbox_api::{browser, is_b64, not_understood};
use super::known_device;
use super::proof_gate::Asker;
use super::session::{refuse, unavailable, AnySession, Lead};
use super::{audit, Actor};
use crate::answers::tagged;
use crate::args;
use crate::clock::unix_now;
use crate::state::AppState;
use crate::store::sql::{self, Db};

/// The relying party: the inbox's domain and origin, from `staff.base_url`.
pub struct Rp {
    id: RpId,
    origin: String,
}

/// The relying party, if this server can offer passkeys: browsers refuse an IP address as a
/// relying party's id, so `staff.base_url` must name its host by a domain name.
pub fn relying_party(app: &AppState) -> Option<Rp> {
    let base_url = &app.config.staff.as_ref()?.base_url;
    Some(Rp {
        id: rp_id(base_url)?,
        origin: base_url.clone(),
    })
}

/// The host of an origin such as `https://contact.livin.example:8443`, if it is a domain name.
fn rp_id(origin: &str) -> Option<RpId> {
    let host_port = origin.split_once("://")?.1;
    if host_port.starts_with('[') {
        return None;
    }
    let host = host_port.split(':').next()?;
    if host.parse::<std::net::Ipv4Addr>().is_ok() {
        return None;
    }
    AsciiDomain::try_from(host.to_owned())
        .ok()
        .map(RpId::Domain)
}

fn not_offered() -> Response {
    refuse(
        StatusCode::NOT_FOUND,
        "Passkeys are not set up on this server.",
    )
}

/// What a signed ceremony state is for: a state made for one cannot finish the other.
#[derive(Clone, Copy)]
enum Purpose {
    SignIn = 1,
    Register = 2,
}

fn state_mac(pepper: &Pepper, purpose: Purpose, bound: &[u8], encoded: &[u8]) -> Hmac<Sha256> {
    let key = pepper.passkey_state_key();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key[..]).expect("HMAC takes any key length");
    mac.update(&[purpose as u8, bound.len() as u8]);
    mac.update(bound);
    mac.update(encoded);
    mac
}

/// The ceremony's state as the browser holds it: signed, for `purpose` and, for adding a
/// passkey, for the member adding it (`bound`).
fn sign_state(pepper: &Pepper, purpose: Purpose, bound: &[u8], encoded: &[u8]) -> String {
    let tag = state_mac(pepper, purpose, bound, encoded)
        .finalize()
        .into_bytes();
    URL_SAFE_NO_PAD.encode([encoded, &tag[..]].concat())
}

/// The encoded state, if `state` was signed here for `purpose` and `bound`. Its expiry is
/// inside it, checked when the answer is.
fn open_state(pepper: &Pepper, purpose: Purpose, bound: &[u8], state: &str) -> Option<Vec<u8>> {
    let bytes = URL_SAFE_NO_PAD.decode(state).ok()?;
    let split = bytes.len().checked_sub(32)?;
    let (encoded, tag) = bytes.split_at(split);
    state_mac(pepper, purpose, bound, encoded)
        .verify_slice(tag)
        .ok()?;
    Some(encoded.to_vec())
}

/// The member's id (a UUID) as the passkey's user handle: random, and nothing about them.
fn user_handle(member_id: &str) -> Option<UserHandle16> {
    let hex: String = member_id.chars().filter(|c| *c != '-').collect();
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect::<Option<_>>()?;
    UserHandle16::decode(<[u8; 16]>::try_from(bytes).ok()?).ok()
}

type PublicKey = CompressedPubKey<[u8; 32], [u8; 32], [u8; 48], Vec<u8>>;

/// `POST /staff/api/sign-in/passkey/start`: a challenge for any passkey of this inbox. It names
/// no account, so it says nothing about who has one.
pub async fn sign_in_start(State(app): State<Arc<AppState>>) -> Response {
    let (Some(rp), Some(staff)) = (relying_party(&app), app.config.staff.as_ref()) else {
        return not_offered();
    };
    let Ok((server, client)) =
        DiscoverableCredentialRequestOptions::passkey(&rp.id).start_ceremony()
    else {
        return unavailable();
    };
    let Ok(encoded) = server.encode() else {
        return unavailable();
    };
    Json(json!({
        "state": sign_state(&staff.pepper, Purpose::SignIn, &[], &encoded),
        "public_key": client,
    }))
    .into_response()
}

/// A sign-in's passkey answer that checked out, to be recorded with the session.
pub struct Used {
    passkey_id: String,
    challenge: [u8; 16],
    expires_at: i64,
    before: Vec<u8>,
    after: Vec<u8>,
}

/// Checks a sign-in's passkey answer against the member's own passkeys: `None` for anything
/// that is not a fresh, signed answer from one of them. Run only once the proof is right.
pub async fn check_sign_in(
    app: &AppState,
    pepper: &Pepper,
    member_id: &str,
    email: &str,
    state: &str,
    credential: serde_json::Value,
) -> Result<Option<Used>, sql::Error> {
    let Some(rp) = relying_party(app) else {
        return Ok(None);
    };
    let Some(server) = open_state(pepper, Purpose::SignIn, &[], state)
        .and_then(|s| DiscoverableAuthenticationServerState::decode(&s).ok())
    else {
        return Ok(None);
    };
    let Ok(answer) = serde_json::from_value::<DiscoverableAuthentication16>(credential) else {
        return Ok(None);
    };
    let Some(handle) = user_handle(member_id) else {
        return Ok(None);
    };
    let (id, member) = (answer.raw_id().as_ref().to_vec(), member_id.to_owned());
    let Some(stored) = app
        .store
        .with_db(move |c| find(c, &id, &member))
        .await
        .map_err(|_| sql::Error::Invalid("the store is unavailable"))?
    else {
        return Ok(None);
    };
    // Whoever can write to the database but has not the pepper can put a public key of their
    // own on any member's row; only a row this server bound to the member is theirs. One that
    // is not is refused as if it were not there, with the one refusal.
    if !pepper.passkey_binding_key().verify(
        member_id,
        email,
        &stored.credential_id,
        &stored.static_state,
        &stored.binding,
    ) {
        return Ok(None);
    }
    let (Ok(static_state), Ok(dynamic)) = (
        StaticState::<PublicKey>::decode(&stored.static_state),
        <[u8; 7]>::try_from(stored.dynamic_state.as_slice())
            .map_err(|_| ())
            .and_then(|d| DynamicState::decode(d).map_err(|_| ())),
    ) else {
        return Ok(None);
    };
    let Ok(id) = CredentialId::<&[u8]>::decode(stored.credential_id.as_slice()) else {
        return Ok(None);
    };
    let Ok(mut credential) = AuthenticatedCredential::new(id, &handle, static_state, dynamic)
    else {
        return Ok(None);
    };
    let challenge = server.sent_challenge().0.to_le_bytes();
    let expires_at = unix_now() + CHALLENGE_SECONDS;
    let origins = [rp.origin.as_str()];
    let options = AuthenticationVerificationOptions::<&str, &str> {
        allowed_origins: &origins,
        update_uv: true,
        ..Default::default()
    };
    if server
        .verify(&rp.id, &answer, &mut credential, &options)
        .is_err()
    {
        return Ok(None);
    }
    let Ok(after) = credential.dynamic_state().encode();
    Ok(Some(Used {
        passkey_id: stored.passkey_id,
        challenge,
        expires_at,
        before: stored.dynamic_state,
        after: after.to_vec(),
    }))
}

/// How long a used sign-in challenge is kept: longer than any ceremony's own time limit (five
/// minutes), after which its state is refused as expired anyway.
const CHALLENGE_SECONDS: i64 = 600;

/// Records a sign-in's passkey answer: its challenge as used, and the passkey's counters, in
/// the transaction that starts the session. `false` if the challenge was used already, or the
/// passkey changed since it was checked (another sign-in with it won the race).
pub fn claim(db: &mut Db, used: &Used, now: i64) -> sql::Result<bool> {
    db.execute(
        "DELETE FROM passkey_challenges WHERE expires_at <= ?1",
        args![now],
    )?;
    let fresh = db.execute(
        "INSERT INTO passkey_challenges (challenge, expires_at) VALUES (?1, ?2)
         ON CONFLICT (challenge) DO NOTHING",
        args![&used.challenge[..], used.expires_at],
    )?;
    if fresh != 1 {
        return Ok(false);
    }
    let recorded = db.execute(
        "UPDATE passkeys SET dynamic_state = ?2, last_used_at = ?3
         WHERE passkey_id = ?1 AND dynamic_state = ?4",
        args![&used.passkey_id, &used.after, now, &used.before],
    )?;
    Ok(recorded == 1)
}

struct Found {
    passkey_id: String,
    credential_id: Vec<u8>,
    static_state: Vec<u8>,
    dynamic_state: Vec<u8>,
    binding: Vec<u8>,
}

/// The member's passkey with this credential id: another member's is not found.
fn find(db: &mut Db, credential_id: &[u8], member_id: &str) -> sql::Result<Option<Found>> {
    db.query_one(
        "SELECT passkey_id, credential_id, static_state, dynamic_state, binding FROM passkeys
         WHERE credential_id = ?1 AND member_id = ?2",
        args![credential_id, member_id],
    )?
    .map(|row| {
        Ok(Found {
            passkey_id: row.get(0)?,
            credential_id: row.get(1)?,
            static_state: row.get(2)?,
            dynamic_state: row.get(3)?,
            binding: row.get(4)?,
        })
    })
    .transpose()
}

/// Whether the landlord's team must sign in with passkeys.
pub fn required(db: &mut Db, landlord: &str) -> sql::Result<bool> {
    Ok(db
        .query_one(
            "SELECT require_passkeys FROM landlord_settings WHERE landlord = ?1",
            args![landlord],
        )?
        .map(|row| row.get::<i64>(0))
        .transpose()?
        == Some(1))
}

pub fn count(db: &mut Db, member_id: &str) -> sql::Result<i64> {
    db.query_one(
        "SELECT count(*) FROM passkeys WHERE member_id = ?1",
        args![member_id],
    )?
    .ok_or(sql::Error::Invalid("count(*) gave no row"))?
    .get(0)
}

#[derive(Serialize)]
struct Listed {
    passkey_id: String,
    name: String,
    created_at: String,
    last_used_at: Option<String>,
}

/// `GET /staff/api/passkeys`: the member's own passkeys, and whether their team requires them.
pub async fn list(State(app): State<Arc<AppState>>, AnySession(member): AnySession) -> Response {
    let (member_id, landlord) = (member.member_id.clone(), member.landlord.clone());
    let found = app
        .store
        .with_db(move |c| {
            let passkeys = c
                .query(
                    "SELECT passkey_id, name, created_at, last_used_at FROM passkeys
                     WHERE member_id = ?1 ORDER BY created_at, passkey_id",
                    args![&member_id],
                )?
                .iter()
                .map(|row| {
                    Ok(Listed {
                        passkey_id: row.get(0)?,
                        name: row.get(1)?,
                        created_at: crate::clock::rfc3339(row.get(2)?),
                        last_used_at: row.get::<Option<i64>>(3)?.map(crate::clock::rfc3339),
                    })
                })
                .collect::<sql::Result<Vec<_>>>()?;
            Ok((passkeys, required(c, &landlord)?))
        })
        .await;
    match found {
        Ok((passkeys, required)) => tagged(
            Json(json!({ "passkeys": passkeys, "required": required })).into_response(),
            &member.landlord,
        ),
        Err(_) => unavailable(),
    }
}

/// `POST /staff/api/passkeys/register/start`: the options for the browser to make a passkey
/// for the signed-in member, leaving out authenticators that hold one of theirs already.
pub async fn register_start(
    State(app): State<Arc<AppState>>,
    AnySession(member): AnySession,
) -> Response {
    let (Some(rp), Some(staff)) = (relying_party(&app), app.config.staff.as_ref()) else {
        return not_offered();
    };
    let Some(handle) = user_handle(&member.member_id) else {
        return unavailable();
    };
    let member_id = member.member_id.clone();
    let Ok(held) = app
        .store
        .with_db(move |c| {
            c.query(
                "SELECT credential_id, transports FROM passkeys WHERE member_id = ?1",
                args![&member_id],
            )?
            .iter()
            .map(|row| Ok((row.get::<Vec<u8>>(0)?, row.get::<i64>(1)?)))
            .collect::<sql::Result<Vec<_>>>()
        })
        .await
    else {
        return unavailable();
    };
    let exclude = held
        .into_iter()
        .filter_map(|(id, transports)| {
            Some(PublicKeyCredentialDescriptor {
                id: CredentialId::<Vec<u8>>::decode(id).ok()?,
                transports: AuthTransports::decode(u8::try_from(transports).ok()?).ok()?,
            })
        })
        .collect();
    let (Ok(name), Ok(display_name)) = (
        member.email.as_str().try_into(),
        member.email.as_str().try_into(),
    ) else {
        return unavailable();
    };
    let user = PublicKeyCredentialUserEntity {
        name,
        id: &handle,
        display_name: Some(display_name),
    };
    let mut options = PublicKeyCredentialCreationOptions::passkey(&rp.id, user, exclude);
    // Enforced credProtect makes authenticators that cannot honour it, Chromium's among them,
    // refuse to make the passkey; user verification is required at every sign-in anyway.
    options.extensions.cred_protect = CredProtect::None;
    let Ok((server, client)) = options.start_ceremony() else {
        return unavailable();
    };
    let Ok(encoded) = server.encode() else {
        return unavailable();
    };
    tagged(
        Json(json!({
            "state": sign_state(&staff.pepper, Purpose::Register, handle.as_ref(), &encoded),
            "public_key": client,
        }))
        .into_response(),
        &member.landlord,
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewPasskey {
    state: String,
    name: String,
    proof: String,
    #[serde(default)]
    older_proof: Option<String>,
    credential: serde_json::Value,
}

/// Longest name a member may give a passkey, in characters.
const MAX_NAME: usize = 60;

fn bad_name(name: &str) -> bool {
    let n = name.trim();
    n.is_empty() || n.chars().count() > MAX_NAME || n.chars().any(char::is_control)
}

/// `POST /staff/api/passkeys/register/finish`: stores the new passkey once the passphrase proof,
/// sent again, is the member's: a session alone, taken from an unlocked computer, cannot add
/// one. The session keeps the factor it started with. One that may only add a passkey stays
/// so until the member signs in with the passkey: otherwise a passphrase and one code caught
/// by a look-alike page would make a full session at once.
///
/// Everything that can be checked without Argon2 is checked first, so a made-up answer costs
/// the server nothing and says nothing about the proof. A proof that is checked is counted as
/// a sign-in attempt for the member, from this browser, against the same limits, and a wrong
/// one stays counted: a stolen session cannot guess the passphrase here any faster than at
/// sign-in. Its Argon2 run waits for the places anyone may take, never the one kept for known
/// devices, so a flood of these cannot keep anyone's known browser from signing in.
pub async fn register_finish(
    State(app): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    AnySession(member): AnySession,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    let (Some(rp), Some(staff)) = (relying_party(&app), app.config.staff.as_ref()) else {
        return not_offered();
    };
    let landlord = member.landlord.clone();
    let Ok(n) = serde_json::from_slice::<NewPasskey>(&bytes) else {
        return tagged(could_not_add(), &landlord);
    };
    if bad_name(&n.name) {
        return tagged(
            refuse(
                StatusCode::BAD_REQUEST,
                &format!("Enter a name for the passkey of {MAX_NAME} characters or fewer, like \"Work laptop\"."),
            ),
            &landlord,
        );
    }
    // Both proofs are 32 bytes, as the inbox derives them.
    if !is_b64(&n.proof, 32) || n.older_proof.as_deref().is_some_and(|p| !is_b64(p, 32)) {
        return tagged(not_understood("the passphrase"), &landlord);
    }
    let Some(handle) = user_handle(&member.member_id) else {
        return unavailable();
    };
    let Some(server) = open_state(&staff.pepper, Purpose::Register, handle.as_ref(), &n.state)
        .and_then(|s| RegistrationServerState::<16>::decode(&s).ok())
    else {
        return tagged(could_not_add(), &landlord);
    };
    let Ok(registration) = serde_json::from_value::<Registration>(n.credential) else {
        return tagged(could_not_add(), &landlord);
    };
    let origins = [rp.origin.as_str()];
    let options = RegistrationVerificationOptions::<&str, &str> {
        allowed_origins: &origins,
        ..Default::default()
    };
    let Ok(made) = server.verify(&rp.id, &registration, &options) else {
        return tagged(could_not_add(), &landlord);
    };
    let (id, transports, user, static_state, dynamic_state, _) = made.into_parts();
    let Ok(dynamic) = dynamic_state.encode();
    let row = (|| {
        if user != handle {
            return None;
        }
        let credential_id = id.as_ref().to_vec();
        let static_state = static_state.encode().ok()?;
        let binding = staff.pepper.passkey_binding_key().bind(
            &member.member_id,
            &member.email,
            &credential_id,
            &static_state,
        );
        Some(NewRow {
            credential_id,
            transports: i64::from(transports.encode().ok()?),
            static_state,
            dynamic_state: dynamic.to_vec(),
            binding: binding.to_vec(),
        })
    })();
    let Some(row) = row else {
        return tagged(could_not_add(), &landlord);
    };
    let email = normalise_email(&member.email);
    let lookup = email.clone();
    let Ok(Some(account)) = app
        .store
        .with_db(move |c| accounts::account(c, &lookup))
        .await
    else {
        return unavailable();
    };
    let device = known_device::presented(&headers);
    let browser = match browser(&app, &email, &device, &headers, peer).await {
        Ok(b) => b,
        Err(r) => return tagged(r, &landlord),
    };
    let attempt = match app
        .sign_in
        .attempt(&app.store, &app.limiter, &email, browser)
        .await
    {
        Ok(a) => a,
        Err(refusal) => return tagged(refusal.into_response(), &landlord),
    };
    let pepper = staff.pepper.clone();
    let stored = (account.proof_hash.clone(), account.older_key);
    let (proof, older_proof) = (n.proof, n.older_proof);
    let checked = app
        .proof_gate
        .run(Asker::Anyone, move || {
            super::inbox_api::proof_matches(&proof, older_proof.as_deref(), Some(stored), &pepper)
        })
        .await;
    match checked {
        Ok(true) => app.sign_in.forget(&app.store, attempt).await,
        // Stays counted, as a failed sign-in does.
        Ok(false) => {
            return tagged(
                refuse(
                    StatusCode::FORBIDDEN,
                    "The passphrase is not right. Enter the passphrase you sign in with.",
                ),
                &landlord,
            )
        }
        Err(r) => {
            app.sign_in.forget(&app.store, attempt).await;
            return tagged(r, &landlord);
        }
    }
    let (member_id, name, who) = (
        member.member_id.clone(),
        n.name.trim().to_owned(),
        Actor::Member(member.email.clone()),
    );
    let passkey_id = accounts::new_member_id();
    let id = passkey_id.clone();
    let added = app
        .store
        .with_db(move |c| {
            c.transaction(|tx| {
                let now = unix_now();
                if tx.query_one(
                    "SELECT 1 FROM passkeys WHERE credential_id = ?1",
                    args![&row.credential_id],
                )?
                .is_some()
                {
                    return Ok(false);
                }
                tx.execute(
                    "INSERT INTO passkeys (passkey_id, member_id, credential_id, transports, static_state, dynamic_state, binding, name, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                    args![&id, &member_id, &row.credential_id, row.transports, &row.static_state, &row.dynamic_state, &row.binding, &name, now],
                )?;
                audit(tx, &landlord, &who, "added a passkey", None, None, now)?;
                Ok(true)
            })
        })
        .await;
    match added {
        Ok(true) => tagged(
            (
                StatusCode::CREATED,
                Json(json!({ "passkey_id": passkey_id })),
            )
                .into_response(),
            &member.landlord,
        ),
        Ok(false) => tagged(
            refuse(
                StatusCode::CONFLICT,
                "This passkey is already added to the inbox.",
            ),
            &member.landlord,
        ),
        Err(_) => unavailable(),
    }
}

struct NewRow {
    credential_id: Vec<u8>,
    transports: i64,
    static_state: Vec<u8>,
    dynamic_state: Vec<u8>,
    binding: Vec<u8>,
}

fn could_not_add() -> Response {
    refuse(
        StatusCode::BAD_REQUEST,
        "The passkey could not be added. It may have taken too long. Try again.",
    )
}

fn no_passkey(landlord: &str) -> Response {
    tagged(
        refuse(StatusCode::NOT_FOUND, "There is no such passkey."),
        landlord,
    )
}

enum Removed {
    Done,
    NotFound,
    LastWhileRequired,
}

/// `DELETE /staff/api/passkeys/{passkey_id}`: the member removes one of their own passkeys. Not
/// their last one while their team requires passkeys, or they could not sign in.
pub async fn remove(
    State(app): State<Arc<AppState>>,
    member: SignedIn,
    Path(passkey_id): Path<String>,
) -> Response {
    let (member_id, landlord, who) = (
        member.member_id.clone(),
        member.landlord.clone(),
        Actor::Member(member.email.clone()),
    );
    let removed = app
        .store
        .with_db(move |c| {
            c.transaction(|tx| {
                if tx
                    .query_one(
                        "SELECT 1 FROM passkeys WHERE passkey_id = ?1 AND member_id = ?2",
                        args![&passkey_id, &member_id],
                    )?
                    .is_none()
                {
                    return Ok(Removed::NotFound);
                }
                if required(tx, &landlord)? && count(tx, &member_id)? <= 1 {
                    return Ok(Removed::LastWhileRequired);
                }
                tx.execute(
                    "DELETE FROM passkeys WHERE passkey_id = ?1 AND member_id = ?2",
                    args![&passkey_id, &member_id],
                )?;
                audit(
                    tx,
                    &landlord,
                    &who,
                    "removed a passkey",
                    None,
                    None,
                    unix_now(),
                )?;
                Ok(Removed::Done)
            })
        })
        .await;
    match removed {
        Ok(Removed::Done) => tagged(StatusCode::NO_CONTENT.into_response(), &member.landlord),
        Ok(Removed::NotFound) => no_passkey(&member.landlord),
        Ok(Removed::LastWhileRequired) => tagged(
            refuse(
                StatusCode::CONFLICT,
                "Your team requires passkeys, so you cannot remove your only one. Add another passkey first.",
            ),
            &member.landlord,
        ),
        Err(_) => unavailable(),
    }
}

/// `GET /staff/api/settings` (leads): whether the team must sign in with passkeys.
pub async fn settings(State(app): State<Arc<AppState>>, Lead(member): Lead) -> Response {
    let landlord = member.landlord.clone();
    match app.store.with_db(move |c| required(c, &landlord)).await {
        Ok(on) => tagged(
            Json(json!({ "require_passkeys": on })).into_response(),
            &member.landlord,
        ),
        Err(_) => unavailable(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    require_passkeys: bool,
}

enum Changed {
    Done,
    /// The lead has no passkey, so requiring them would lock the lead out.
    LeadHasNone,
}

/// `POST /staff/api/settings` (leads): requires passkeys for the team, or stops requiring them.
/// Members without one may then only add one, until they do.
pub async fn change_settings(
    State(app): State<Arc<AppState>>,
    Lead(member): Lead,
    bytes: Bytes,
) -> Response {
    if relying_party(&app).is_none() {
        return tagged(not_offered(), &member.landlord);
    }
    let Ok(Settings { require_passkeys }) = serde_json::from_slice(&bytes) else {
        return tagged(
            refuse(
                StatusCode::BAD_REQUEST,
                "Choose whether your team must sign in with passkeys.",
            ),
            &member.landlord,
        );
    };
    let (landlord, member_id, who) = (
        member.landlord.clone(),
        member.member_id.clone(),
        Actor::Member(member.email.clone()),
    );
    let changed = app
        .store
        .with_db(move |c| {
            c.transaction(|tx| {
                if require_passkeys && count(tx, &member_id)? == 0 {
                    return Ok(Changed::LeadHasNone);
                }
                let now = unix_now();
                tx.execute(
                    "INSERT INTO landlord_settings (landlord, require_passkeys, changed_by, changed_at)
                     VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (landlord) DO UPDATE
                     SET require_passkeys = ?2, changed_by = ?3, changed_at = ?4",
                    args![&landlord, i64::from(require_passkeys), who.as_str(), now],
                )?;
                let action = if require_passkeys {
                    "required passkeys"
                } else {
                    "stopped requiring passkeys"
                };
                audit(tx, &landlord, &who, action, None, None, now)?;
                Ok(Changed::Done)
            })
        })
        .await;
    match changed {
        Ok(Changed::Done) => tagged(
            Json(json!({ "require_passkeys": require_passkeys })).into_response(),
            &member.landlord,
        ),
        Ok(Changed::LeadHasNone) => tagged(
            refuse(
                StatusCode::CONFLICT,
                "Add a passkey for yourself first, on the Your passkeys page. Then you can require them for your team.",
            ),
            &member.landlord,
        ),
        Err(_) => unavailable(),
    }
}

/// `DELETE /staff/api/members/{member_id}/passkeys` (leads): for a member who has lost the
/// device their passkey is on. Their sessions end too, in case the device is signed in; they
/// sign in again with their authenticator app, and add a new passkey if the team requires one.
/// Not the lead's own while the team requires passkeys: the member's own route keeps their last
/// passkey then, and this route must not be the way round that. A lead who has lost their own
/// device asks another lead, or the operator (`safe-contact-staff remove-passkeys`).
pub async fn remove_members(
    State(app): State<Arc<AppState>>,
    Lead(member): Lead,
    Path(member_id): Path<String>,
) -> Response {
    let (landlord, who) = (member.landlord.clone(), Actor::Member(member.email.clone()));
    let own = member_id == member.member_id;
    let removed = app
        .store
        .with_db(move |c| {
            c.transaction(|tx| {
                if own && required(tx, &landlord)? {
                    return Ok(Removed::LastWhileRequired);
                }
                let removed =
                    accounts::remove_passkeys(tx, &landlord, &member_id, &who, unix_now())?;
                Ok(match removed {
                    Some(_) => Removed::Done,
                    None => Removed::NotFound,
                })
            })
        })
        .await;
    match removed {
        Ok(Removed::Done) => tagged(StatusCode::NO_CONTENT.into_response(), &member.landlord),
        Ok(Removed::NotFound) => tagged(
            refuse(StatusCode::NOT_FOUND, "There is no such team member."),
            &member.landlord,
        ),
        Ok(Removed::LastWhileRequired) => tagged(
            refuse(
                StatusCode::CONFLICT,
                "Your team requires passkeys, so you cannot remove your own here. To remove one of yours, use Your passkeys.",
            ),
            &member.landlord,
        ),
        Err(_) => unavailable(),
    }
}
