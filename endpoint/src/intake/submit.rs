//! `POST /v1/callbacks` and `POST /v1/callbacks/sealed`: the routes the public can reach.
//!
//! Both share one path in and one path out. The checks run cheapest first, and nothing is read
//! from the body until the sender has shown an allowed origin, a JSON content type, an
//! idempotency key and either a client budget to spend or a key already saved.
//!
//! A retry of a saved request is answered from the saved record before any limit is charged:
//! someone whose first try got through, but whose answer was lost, must never be locked out by
//! their own retries.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use safe_contact_callback::{parse, ParseError};
use safe_contact_seal::Envelope;
use serde::Serialize;

use crate::answers::{error, field_errors, tagged, too_large, too_many, unavailable};
use crate::client_addr::client_ip;
use crate::clock::unix_now;
use crate::config::Landlord;
use crate::intake::idempotency::{self, body_hash, key_hash, parse_key, InFlightGuard};
use crate::state::AppState;
use crate::store::{Content, Earlier, NewRequest, Submitted};

pub const BODY_LIMIT: usize = 16 * 1024;

#[derive(Serialize)]
struct Accepted<'a> {
    request_id: &'a str,
    status: &'static str,
}

/// A body that got past the checks every route shares.
struct Arrived {
    origin: String,
    key_hash: [u8; 32],
    bytes: Bytes,
    /// Keeps the idempotency key marked as in flight until the answer is given.
    _in_flight: InFlightGuard,
}

pub async fn submit(
    State(app): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let arrived = match arrive(&app, peer, &headers, body).await {
        Ok(a) => a,
        Err(answer) => return answer,
    };
    let request = match parse(&arrived.bytes) {
        Ok(r) => r,
        Err(e) => return parse_error(e),
    };
    let landlord = match landlord_for(&app, &request.landlord, &arrived.origin) {
        Ok(l) => l,
        Err(answer) => return answer,
    };
    let id = landlord.id.as_str();
    if !landlord.allow_plaintext {
        return tagged(
            error(
                StatusCode::FORBIDDEN,
                None,
                "This landlord takes only sealed requests, which this page did not send. Reload the page and try again",
            ),
            id,
        );
    }
    let request = match request.validate(&landlord.areas) {
        Ok(r) => r,
        Err(errors) => return tagged(field_errors(StatusCode::UNPROCESSABLE_ENTITY, &errors), id),
    };
    let record = serde_json::to_string(&request).expect("a validated request always serialises");
    save(
        &app,
        landlord,
        arrived,
        &request.request_id,
        Content::Plain(record),
    )
    .await
}

/// Only the envelope is checked: the server cannot read what is sealed, so it cannot judge it.
pub async fn submit_sealed(
    State(app): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let arrived = match arrive(&app, peer, &headers, body).await {
        Ok(a) => a,
        Err(answer) => return answer,
    };
    let envelope = match Envelope::parse(&arrived.bytes) {
        Ok(e) => e,
        Err(e) => return parse_error(e),
    };
    let landlord = match landlord_for(&app, &envelope.landlord, &arrived.origin) {
        Ok(l) => l,
        Err(answer) => return answer,
    };
    if !landlord.seal_key_ids.contains(&envelope.key_id) {
        return tagged(
            error(
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("key_id"),
                "The request was sealed to a key this landlord does not use now. Reload the page and try again",
            ),
            &landlord.id,
        );
    }
    let (enc, ciphertext) = envelope
        .binary_parts()
        .expect("Envelope::parse checked both parts");
    let content = Content::Sealed {
        key_id: envelope.key_id,
        enc,
        ciphertext,
    };
    save(&app, landlord, arrived, &envelope.request_id, content).await
}

async fn arrive(
    app: &AppState,
    peer: SocketAddr,
    headers: &HeaderMap,
    body: Body,
) -> Result<Arrived, Response> {
    let origin = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok());
    let known = |o: &&str| app.all_origins.contains(*o) || is_form_frame(app, o);
    let Some(origin) = origin.filter(known) else {
        return Err(error(
            StatusCode::FORBIDDEN,
            Some("Origin"),
            "Requests are accepted only from the landlord's own pages",
        ));
    };
    // Insisting on JSON also means browsers always send a CORS preflight first: a text/plain
    // "simple" request would skip it.
    if !is_json(headers) {
        return Err(error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Some("Content-Type"),
            "Send the request as application/json",
        ));
    }
    let Some(key) = headers.get(idempotency::HEADER).and_then(parse_key) else {
        return Err(error(
            StatusCode::BAD_REQUEST,
            Some("Idempotency-Key"),
            "Send an Idempotency-Key header of 1 to 255 visible characters, such as a random UUID",
        ));
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > BODY_LIMIT as u64) {
        return Err(too_large());
    }
    let key_hash = key_hash(key);
    let Some(in_flight) = app.in_flight.begin(key_hash) else {
        return Err(error(
            StatusCode::CONFLICT,
            Some("Idempotency-Key"),
            "A request with this key is still being handled. Try again in a moment",
        ));
    };
    let earlier = app
        .store
        .earlier(key_hash)
        .await
        .map_err(|_| unavailable())?;
    if earlier.is_none() {
        let ip = client_ip(peer.ip(), headers, &app.config.trusted_proxies);
        if let Err(wait) = app.limiter.check_client(ip, Instant::now()) {
            return Err(too_many(wait));
        }
    }

    let bytes = match Limited::new(body, BODY_LIMIT).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => return Err(too_large()),
        Err(_) => {
            return Err(error(
                StatusCode::BAD_REQUEST,
                None,
                "The request body could not be read",
            ))
        }
    };
    if let Some(earlier) = earlier {
        return Err(retried(app, &earlier, &bytes));
    }
    Ok(Arrived {
        origin: origin.to_owned(),
        key_hash,
        bytes,
        _in_flight: in_flight,
    })
}

fn parse_error(e: ParseError) -> Response {
    match e {
        ParseError::Malformed(message) => error(StatusCode::BAD_REQUEST, None, message),
        ParseError::Fields(errors) => field_errors(StatusCode::UNPROCESSABLE_ENTITY, &errors),
    }
}

/// Whether a request comes from the form's frame, which the endpoint serves from its own origin
/// for every landlord and which posts to it from there.
fn is_form_frame(app: &AppState, origin: &str) -> bool {
    app.config.origin.as_deref() == Some(origin)
}

/// The landlord the body names, if it is known and the request came from one of its own pages
/// or from the form's frame.
// The error is the answer itself, made once per refused request: boxing it would gain nothing.
#[allow(clippy::result_large_err)]
fn landlord_for<'a>(app: &'a AppState, id: &str, origin: &str) -> Result<&'a Landlord, Response> {
    let Some(landlord) = app.config.landlord(id) else {
        return Err(error(
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("landlord"),
            "The landlord is not one this service knows",
        ));
    };
    if !landlord.origins.iter().any(|o| o == origin) && !is_form_frame(app, origin) {
        return Err(tagged(
            error(
                StatusCode::FORBIDDEN,
                Some("Origin"),
                "Requests are accepted only from the landlord's own pages",
            ),
            &landlord.id,
        ));
    }
    Ok(landlord)
}

async fn save(
    app: &AppState,
    landlord: &Landlord,
    arrived: Arrived,
    request_id: &str,
    content: Content,
) -> Response {
    let id = landlord.id.as_str();
    match app.limiter.check_landlord_everywhere(&app.store, id).await {
        Ok(Ok(())) => {}
        Ok(Err(limit)) => {
            app.notifier.limit_reached(id, &limit);
            return tagged(too_many(limit.wait), id);
        }
        Err(_) => return tagged(unavailable(), id),
    }
    let outcome = app
        .store
        .submit(NewRequest {
            landlord: id.to_owned(),
            request_id: request_id.to_owned(),
            key_hash: arrived.key_hash,
            body_hash: body_hash(&arrived.bytes),
            content,
            received_at: unix_now(),
        })
        .await;
    let answer = match outcome {
        Ok(submitted) => {
            if submitted == Submitted::Created {
                app.notifier.new_request(id);
            }
            answer_for(submitted, request_id)
        }
        Err(_) => unavailable(),
    };
    tagged(answer, id)
}

/// The answer to a key already saved: the first answer again for the same body, else 422.
fn retried(app: &AppState, earlier: &Earlier, bytes: &[u8]) -> Response {
    let outcome = if body_hash(bytes) == earlier.body_hash {
        Submitted::Replayed
    } else {
        Submitted::KeyReused
    };
    let answer = answer_for(outcome, &earlier.request_id);
    match app.config.landlord(&earlier.landlord) {
        Some(l) => tagged(answer, &l.id),
        None => answer,
    }
}

fn answer_for(outcome: Submitted, request_id: &str) -> Response {
    match outcome {
        Submitted::Created | Submitted::Replayed => accepted(request_id),
        Submitted::KeyReused => error(
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("Idempotency-Key"),
            "This key was already used for a different request. Use a new key for a new request",
        ),
        Submitted::RequestIdReused => error(
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("request_id"),
            "This request ID was already used for a different request",
        ),
    }
}

fn accepted(request_id: &str) -> Response {
    (
        StatusCode::CREATED,
        Json(Accepted {
            request_id,
            status: "received",
        }),
    )
        .into_response()
}

fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let mut parts = value.split(';').map(str::trim);
    let essence_ok = parts
        .next()
        .is_some_and(|m| m.eq_ignore_ascii_case("application/json"));
    essence_ok
        && parts.all(|p| {
            let (name, v) = p.split_once('=').unwrap_or((p, ""));
            name.trim().eq_ignore_ascii_case("charset")
                && v.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
        })
}
