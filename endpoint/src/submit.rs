//! `POST /v1/callbacks`: the one route the public can reach.
//!
//! The checks run cheapest first, and nothing is read from the body until the sender has shown
//! an allowed origin, a JSON content type, an idempotency key and a client budget to spend.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use safe_contact_callback::{parse, ParseError};
use serde::Serialize;

use crate::answers::{error, field_errors, tagged, too_large, too_many, unavailable};
use crate::client_addr::client_ip;
use crate::clock::unix_now;
use crate::idempotency::{self, body_hash, key_hash, parse_key};
use crate::routes::AppState;
use crate::store::{NewRequest, Submitted};

pub const BODY_LIMIT: usize = 16 * 1024;

#[derive(Serialize)]
struct Received<'a> {
    request_id: &'a str,
    status: &'static str,
}

pub async fn submit(
    State(app): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let origin = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok());
    let Some(origin) = origin.filter(|o| app.all_origins.contains(*o)) else {
        return error(
            StatusCode::FORBIDDEN,
            Some("Origin"),
            "Requests are accepted only from the landlord's own pages",
        );
    };
    // Insisting on JSON also means browsers always send a CORS preflight first: a text/plain
    // "simple" request would skip it.
    if !is_json(&headers) {
        return error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Some("Content-Type"),
            "Send the request as application/json",
        );
    }
    let Some(key) = headers.get(idempotency::HEADER).and_then(parse_key) else {
        return error(
            StatusCode::BAD_REQUEST,
            Some("Idempotency-Key"),
            "Send an Idempotency-Key header of 1 to 255 visible characters, such as a random UUID",
        );
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > BODY_LIMIT as u64) {
        return too_large();
    }
    let ip = client_ip(peer.ip(), &headers, &app.config.trusted_proxies);
    if let Err(wait) = app.limiter.check_client(ip, Instant::now()) {
        return too_many(wait);
    }
    let key_hash = key_hash(key);
    let Some(_in_flight) = app.in_flight.begin(key_hash) else {
        return error(
            StatusCode::CONFLICT,
            Some("Idempotency-Key"),
            "A request with this key is still being handled. Try again in a moment",
        );
    };

    let bytes = match Limited::new(body, BODY_LIMIT).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => return too_large(),
        Err(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                None,
                "The request body could not be read",
            )
        }
    };
    let request = match parse(&bytes) {
        Ok(r) => r,
        Err(ParseError::Malformed(message)) => {
            return error(StatusCode::BAD_REQUEST, None, message)
        }
        Err(ParseError::Fields(errors)) => {
            return field_errors(StatusCode::UNPROCESSABLE_ENTITY, &errors)
        }
    };
    let Some(landlord) = app.config.landlord(&request.landlord) else {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("landlord"),
            "The landlord is not one this service knows",
        );
    };
    let id = landlord.id.as_str();
    if !landlord.origins.iter().any(|o| o == origin) {
        return tagged(
            error(
                StatusCode::FORBIDDEN,
                Some("Origin"),
                "Requests are accepted only from the landlord's own pages",
            ),
            id,
        );
    }
    let request = match request.validate(&landlord.areas) {
        Ok(r) => r,
        Err(errors) => return tagged(field_errors(StatusCode::UNPROCESSABLE_ENTITY, &errors), id),
    };
    if let Err(wait) = app.limiter.check_landlord(id, Instant::now()) {
        return tagged(too_many(wait), id);
    }

    let record = serde_json::to_string(&request).expect("a validated request always serialises");
    let outcome = app
        .store
        .submit(NewRequest {
            landlord: id.to_owned(),
            request_id: request.request_id.clone(),
            key_hash,
            body_hash: body_hash(&bytes),
            request: record,
            received_at: unix_now(),
        })
        .await;
    let answer = match outcome {
        Ok(Submitted::Created) => {
            app.notifier.new_request(id);
            received(&request.request_id)
        }
        Ok(Submitted::Replayed) => received(&request.request_id),
        Ok(Submitted::KeyReused) => error(
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("Idempotency-Key"),
            "This key was already used for a different request. Use a new key for a new request",
        ),
        Ok(Submitted::RequestIdReused) => error(
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("request_id"),
            "This request ID was already used for a different request",
        ),
        Err(_) => unavailable(),
    };
    tagged(answer, id)
}

fn received(request_id: &str) -> Response {
    (
        StatusCode::CREATED,
        Json(Received {
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
