//! The router: which paths exist, and the layers every answer passes through.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{delete, get, post};
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

use crate::answers::{error, LandlordTag};
use crate::intake::{form_page, submit};
use crate::staff::{inbox_api, key_scheme, passkeys, session, token_api};
use crate::state::AppState;
use crate::static_files;

pub fn router(app: Arc<AppState>) -> Router {
    let origins: Vec<HeaderValue> = app
        .all_origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::POST])
        .allow_headers([
            header::CONTENT_TYPE,
            HeaderName::from_static(crate::intake::idempotency::HEADER),
        ])
        // Without this the widget could not read Retry-After on a 429 from another origin.
        .expose_headers([header::RETRY_AFTER])
        .max_age(Duration::from_secs(600));

    let callbacks = Router::new()
        .route("/v1/callbacks", post(submit::submit))
        .route("/v1/callbacks/sealed", post(submit::submit_sealed))
        .layer(cors);
    let staff = Router::new()
        .route("/v1/staff/requests", get(token_api::list))
        .route(
            "/v1/staff/requests/{request_id}",
            get(token_api::show).delete(token_api::purge),
        )
        .route(
            "/v1/staff/requests/{request_id}/status",
            post(token_api::mark),
        )
        .layer(DefaultBodyLimit::max(4096));
    let api = callbacks
        .merge(staff)
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        ))
        .with_state(Arc::clone(&app));
    // Outside the API's layers: the frame page sends its own CSP, which lets the landlord's
    // pages frame it.
    let api = api.merge(
        Router::new()
            .route("/v1/form/{landlord}", get(form_page::show))
            // What axum answers itself here (405 for another method) is not kept or framed
            // either; the page's own headers stay as they are.
            .layer(SetResponseHeaderLayer::if_not_present(
                header::CACHE_CONTROL,
                HeaderValue::from_static("no-store"),
            ))
            .layer(SetResponseHeaderLayer::if_not_present(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
            ))
            .with_state(Arc::clone(&app)),
    );

    // Without a [staff] table there is no inbox: its paths fall through to the static files.
    let api = match &app.config.staff {
        Some(_) => api.merge(inbox(Arc::clone(&app))),
        None => api,
    };
    let with_static = match &app.config.static_dir {
        Some(dir) => api.fallback_service(static_files::router(dir)),
        None => api,
    };
    with_static
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            app.config.request_timeout,
        ))
        .layer(CatchPanicLayer::custom(|_| {
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                None,
                "Something went wrong. Try again",
            )
        }))
        // Outside the panic catcher, so the 500 it makes under /staff/ gets the CSP and
        // no-store too.
        .layer(middleware::from_fn(session::staff_headers))
        .layer(middleware::from_fn(access_log))
}

/// The staff inbox's API. Its security headers come from `session::staff_headers`, which
/// covers the inbox's files too.
fn inbox(app: Arc<AppState>) -> Router {
    Router::new()
        .route("/staff/api/key-scheme", get(key_scheme::scheme))
        .route("/staff/api/session/key", post(key_scheme::rewrap))
        .route("/staff/api/invites/lookup", post(inbox_api::invite))
        .route("/staff/api/invites/accept", post(inbox_api::enrol))
        .route("/staff/api/invites", post(inbox_api::create_invite))
        .route(
            "/staff/api/session",
            post(inbox_api::sign_in).delete(inbox_api::sign_out),
        )
        .route("/staff/api/requests", get(inbox_api::list))
        .route(
            "/staff/api/requests/{request_id}",
            get(inbox_api::show).delete(inbox_api::purge),
        )
        .route(
            "/staff/api/requests/{request_id}/contacted",
            post(inbox_api::contacted),
        )
        .route(
            "/staff/api/requests/{request_id}/close",
            post(inbox_api::close),
        )
        .route("/staff/api/team", get(inbox_api::team))
        .route(
            "/staff/api/members/{member_id}/grant",
            post(inbox_api::grant),
        )
        .route(
            "/staff/api/members/{member_id}/grant-refused",
            post(inbox_api::grant_refused),
        )
        .route("/staff/api/members/{member_id}", delete(inbox_api::revoke))
        .route("/staff/api/audit", get(inbox_api::audit))
        .route(
            "/staff/api/sign-in/passkey/start",
            post(passkeys::sign_in_start),
        )
        .route("/staff/api/passkeys", get(passkeys::list))
        .route(
            "/staff/api/passkeys/register/start",
            post(passkeys::register_start),
        )
        .route("/staff/api/passkeys/{passkey_id}", delete(passkeys::remove))
        .route(
            "/staff/api/members/{member_id}/passkeys",
            delete(passkeys::remove_members),
        )
        // POST, not PUT: the Origin check covers POST and DELETE.
        .route(
            "/staff/api/settings",
            get(passkeys::settings).post(passkeys::change_settings),
        )
        // A passkey's answer is larger than anything else the inbox sends: about 1 KiB with a
        // P-256 key, twice that with the RSA keys some platforms make.
        .merge(
            Router::new()
                .route(
                    "/staff/api/sign-in/passkey/finish",
                    post(inbox_api::passkey_sign_in),
                )
                .route(
                    "/staff/api/passkeys/register/finish",
                    post(passkeys::register_finish),
                )
                .layer(DefaultBodyLimit::max(16 * 1024)),
        )
        .layer(middleware::from_fn_with_state(
            Arc::clone(&app),
            session::same_origin,
        ))
        .layer(DefaultBodyLimit::max(4096))
        .with_state(app)
}

/// One line per request with the route pattern (never the raw path or query), the status, the
/// landlord from the config, and the time taken. No address, user agent, header or body.
async fn access_log(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("(static)", |p| p.as_str())
        .to_owned();
    // Extension methods are free text a client chooses; only the standard ones are named.
    let method = match *req.method() {
        Method::GET
        | Method::POST
        | Method::DELETE
        | Method::OPTIONS
        | Method::HEAD
        | Method::PUT
        | Method::PATCH => req.method().as_str().to_owned(),
        _ => "OTHER".to_owned(),
    };
    let response = next.run(req).await;
    let landlord = response
        .extensions()
        .get::<LandlordTag>()
        .map_or("-", |t| t.0.as_str());
    tracing::info!(
        "{method} {route} {} landlord={landlord} ms={}",
        response.status().as_u16(),
        start.elapsed().as_millis()
    );
    response
}
