//! The staff JSON API under `/v1/staff/`. A bearer token says which landlord the caller works
//! for, and every query is limited to that landlord: another landlord's request is simply not
//! found, so the answer does not even confirm that it exists.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use safe_contact_callback::normalise_request_id;
use serde::{Deserialize, Serialize};

use crate::answers::{error, tagged, unavailable};
use crate::clock::unix_now;
use crate::staff::{self, Actor, Status};
use crate::state::AppState;

/// The landlord whose staff token came as the `Authorization: Bearer` header. Without a
/// token that matches one, the call is refused before the handler runs.
pub struct TokenLandlord(String);

impl FromRequestParts<Arc<AppState>> for TokenLandlord {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .and_then(|(_, token)| staff::authenticate(&app.config, token.trim()))
            .map(|l| TokenLandlord(l.id.clone()))
            .ok_or_else(unauthorized)
    }
}

fn unauthorized() -> Response {
    let mut r = error(
        StatusCode::UNAUTHORIZED,
        Some("Authorization"),
        "Send your landlord's staff token as a Bearer token",
    );
    r.headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    r
}

fn not_found(landlord: &str) -> Response {
    tagged(
        error(StatusCode::NOT_FOUND, None, "There is no such request"),
        landlord,
    )
}

#[derive(Serialize)]
struct List {
    requests: Vec<staff::Summary>,
}

/// `GET /v1/staff/requests?status=new|contacted|closed|all` (new by default).
pub async fn list(
    State(app): State<Arc<AppState>>,
    TokenLandlord(landlord): TokenLandlord,
    RawQuery(query): RawQuery,
) -> Response {
    let status = match query.as_deref() {
        None | Some("") => Some(Status::New),
        Some("status=all") => None,
        Some(q) => match q.strip_prefix("status=").and_then(Status::parse) {
            Some(s) => Some(s),
            None => {
                let r = error(
                    StatusCode::BAD_REQUEST,
                    Some("status"),
                    "Use status=new, contacted, closed or all",
                );
                return tagged(r, &landlord);
            }
        },
    };
    let id = landlord.clone();
    let answer = match app
        .store
        .with_db(move |c| staff::list(c, &id, status))
        .await
    {
        Ok(requests) => Json(List { requests }).into_response(),
        Err(_) => unavailable(),
    };
    tagged(answer, &landlord)
}

/// `GET /v1/staff/requests/{request_id}`: the whole request, and an audit row saying it was read.
pub async fn show(
    State(app): State<Arc<AppState>>,
    TokenLandlord(landlord): TokenLandlord,
    Path(request_id): Path<String>,
) -> Response {
    let Some(request_id) = normalise_request_id(&request_id) else {
        return not_found(&landlord);
    };
    let id = landlord.clone();
    match app
        .store
        .with_db(move |c| staff::read(c, &id, &request_id, Actor::Api, unix_now()))
        .await
    {
        Ok(Some(full)) => tagged(Json(full).into_response(), &landlord),
        Ok(None) => not_found(&landlord),
        Err(_) => tagged(unavailable(), &landlord),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Mark {
    status: Status,
}

/// `POST /v1/staff/requests/{request_id}/status` with `{"status": "contacted" | "closed"}`.
pub async fn mark(
    State(app): State<Arc<AppState>>,
    TokenLandlord(landlord): TokenLandlord,
    Path(request_id): Path<String>,
    body: Bytes,
) -> Response {
    let status = match serde_json::from_slice::<Mark>(&body) {
        Ok(Mark {
            status: s @ (Status::Contacted | Status::Closed),
        }) => s,
        _ => {
            let r = error(
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("status"),
                "Send {\"status\": \"contacted\"} or {\"status\": \"closed\"}",
            );
            return tagged(r, &landlord);
        }
    };
    let Some(request_id) = normalise_request_id(&request_id) else {
        return not_found(&landlord);
    };
    let (id, rid) = (landlord.clone(), request_id.clone());
    match app
        .store
        .with_db(move |c| staff::mark(c, &id, &rid, status, None, Actor::Api, unix_now()))
        .await
    {
        Ok(true) => tagged(
            Json(serde_json::json!({ "request_id": request_id, "status": status })).into_response(),
            &landlord,
        ),
        Ok(false) => not_found(&landlord),
        Err(_) => tagged(unavailable(), &landlord),
    }
}

/// `DELETE /v1/staff/requests/{request_id}`: gone at once, before its retention period ends.
pub async fn purge(
    State(app): State<Arc<AppState>>,
    TokenLandlord(landlord): TokenLandlord,
    Path(request_id): Path<String>,
) -> Response {
    let Some(request_id) = normalise_request_id(&request_id) else {
        return not_found(&landlord);
    };
    let id = landlord.clone();
    match app
        .store
        .with_db(move |c| staff::purge(c, &id, &request_id, Actor::Api, unix_now()))
        .await
    {
        Ok(true) => tagged(StatusCode::NO_CONTENT.into_response(), &landlord),
        Ok(false) => not_found(&landlord),
        Err(_) => tagged(unavailable(), &landlord),
    }
}
