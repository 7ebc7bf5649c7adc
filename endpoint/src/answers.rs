//! The JSON answers the API gives. Errors always have the shape
//! `{"errors": [{"field": "contact", "message": "..."}]}`; `field` is null when the problem is
//! the request as a whole. Messages are fixed text: they never repeat a submitted value.

use std::time::Duration;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use safe_contact_callback::FieldError;
use serde::Serialize;

use crate::intake::rate_limit::retry_after_secs;

#[derive(Serialize)]
struct Errors<'a> {
    errors: Vec<Item<'a>>,
}

#[derive(Serialize)]
struct Item<'a> {
    field: Option<&'a str>,
    message: &'a str,
}

pub fn error(status: StatusCode, field: Option<&str>, message: &str) -> Response {
    (
        status,
        Json(Errors {
            errors: vec![Item { field, message }],
        }),
    )
        .into_response()
}

pub fn field_errors(status: StatusCode, errors: &[FieldError]) -> Response {
    let errors = errors
        .iter()
        .map(|e| Item {
            field: Some(&e.field),
            message: &e.message,
        })
        .collect();
    (status, Json(Errors { errors })).into_response()
}

pub fn too_many(wait: Duration) -> Response {
    let mut r = error(
        StatusCode::TOO_MANY_REQUESTS,
        None,
        "Too many requests have been sent. Wait a little and try again",
    );
    r.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from(retry_after_secs(wait)),
    );
    r
}

pub fn too_large() -> Response {
    error(
        StatusCode::PAYLOAD_TOO_LARGE,
        None,
        "The request is larger than 16 KiB",
    )
}

pub fn unavailable() -> Response {
    let mut r = error(
        StatusCode::SERVICE_UNAVAILABLE,
        None,
        "The request could not be saved. Try again",
    );
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    r
}

/// The landlord a request was for, attached to the answer so the access log can name it. Only
/// ids from the config are ever attached, never a string as the client sent it.
#[derive(Clone)]
pub struct LandlordTag(pub String);

pub fn tagged(mut r: Response, landlord: &str) -> Response {
    r.extensions_mut().insert(LandlordTag(landlord.to_owned()));
    r
}
