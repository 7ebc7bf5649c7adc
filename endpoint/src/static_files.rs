//! The widget's files from `static_dir`, sent compressed when the browser takes it, with cache
//! headers that keep a repeat visit cheap without ever leaving a browser on an old loader.

use std::path::Path;

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
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

const REVALIDATE: HeaderValue = HeaderValue::from_static("no-cache");
const FOREVER: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");

async fn cache_headers(req: Request, next: Next) -> Response {
    let hashed = is_content_hashed(req.uri().path());
    let mut response = next.run(req).await;
    let found = response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED;
    let headers = response.headers_mut();
    // Sent even with the plain file: a shared cache must not hand a copy made for one
    // Accept-Encoding to a browser that sent another.
    headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    // The loader's name is fixed by the embed snippet and profiles change in place, so a file
    // without a hash is checked each time (a 304 when unchanged); one whose name changes with
    // its content can be kept for good.
    headers.insert(
        header::CACHE_CONTROL,
        if hashed && found { FOREVER } else { REVALIDATE },
    );
    response
}

/// A file name counts as content-hashed when it has `-` and then at least 16 lowercase hex
/// digits, followed by `.` or `_`: `app-0123456789abcdef.js`, or Trunk's
/// `safe-contact-widget-0123456789abcdef_bg.wasm` when its `filehash` is on. Trunk drops the
/// hash's leading zeros, so about one build in sixteen falls short and is merely revalidated;
/// a lower bound would take dated names such as `report-20261123.json` for hashed ones.
fn is_content_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    name.split('-').skip(1).any(|part| {
        let digits = part
            .bytes()
            .take_while(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
            .count();
        digits >= 16 && matches!(part.as_bytes().get(digits), Some(b'.' | b'_'))
    })
}

#[cfg(test)]
mod tests {
    use super::is_content_hashed;

    #[test]
    fn content_hash_in_the_file_name_only() {
        for hashed in [
            "/app-0123456789abcdef.js",
            "/safe-contact-widget-0123456789abcdef0123_bg.wasm",
            "/a/b/style-fedcba9876543210.css",
        ] {
            assert!(is_content_hashed(hashed), "{hashed}");
        }
        for plain in [
            "/safe-contact.js",
            "/safe-contact-widget_bg.wasm",
            "/profiles/livin.json",
            "/",
            "/app-0123456789abcde.js",
            "/app-0123456789ABCDEF.js",
            "/app-0123456789abcdefg.js",
            "/app-0123456789abcdef",
            "/x-0123456789abcdef.d/app.js",
        ] {
            assert!(!is_content_hashed(plain), "{plain}");
        }
    }
}
