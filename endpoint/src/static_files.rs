//! The widget's files from `static_dir`, sent compressed when the browser takes it, and kept
//! out of the browser's cache: a cached panel, form or profile would show anyone who looks at
//! the cache that someone opened it.

use std::path::Path;

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use tower_http::services::ServeDir;

/// `FILE.br` and `FILE.gz`, made by `scripts/precompress.mjs` at build time, go out in place of
/// `FILE` to a browser that accepts them (brotli first), with `FILE`'s `Content-Type`: `.wasm`
/// stays `application/wasm`, which browsers need to stream-compile it. `Last-Modified` and
/// `If-Modified-Since` come from `ServeDir`.
pub fn router(dir: &Path) -> Router {
    Router::new()
        .fallback_service(ServeDir::new(dir).precompressed_br().precompressed_gzip())
        .layer(middleware::from_fn(cache_headers))
}

/// The name the embed snippet gives the loader.
const LOADER: &str = "safe-contact.js";

/// How long browsers keep the loader (see `cache_headers`).
const LOADER_CACHE: &str = "max-age=600, stale-while-revalidate=86400";

async fn cache_headers(req: Request, next: Next) -> Response {
    let loader = is_loader(req.uri().path());
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    // Sent even with the plain file: a shared cache must not hand a copy made for one
    // Accept-Encoding to a browser that sent another.
    headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    // The loader is on every page of the landlord's site, so having it cached says nothing
    // about anyone. Checking it on each page view would cost every visitor a round trip
    // before the page can paint, so it is used as it is for ten minutes, and for a day after
    // that while a fresh copy is fetched in the background: a loader fix reaches everyone
    // within a day, most people within ten minutes. Everything else is fetched only after
    // someone shows intent, so none of it may stay behind.
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if loader { LOADER_CACHE } else { "no-store" }),
    );
    response
}

fn is_loader(path: &str) -> bool {
    path.rsplit('/').next() == Some(LOADER)
}

#[cfg(test)]
mod tests {
    use super::is_loader;

    #[test]
    fn only_the_loader_is_kept() {
        for loader in ["/safe-contact.js", "/safe-contact/safe-contact.js"] {
            assert!(is_loader(loader), "{loader}");
        }
        for other in [
            "/safe-contact-widget.js",
            "/safe-contact-widget_bg.wasm",
            "/profiles/livin.json",
            "/form/frame.js",
            "/form/safe-contact-form.js",
            "/",
            "/safe-contact.js.br",
            "/xsafe-contact.js",
            "/safe-contact.json",
        ] {
            assert!(!is_loader(other), "{other}");
        }
    }
}
