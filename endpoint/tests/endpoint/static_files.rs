//! The widget's files from `static_dir`, through the real binary over HTTP: the precompressed
//! copy the browser accepts, `Vary`, `Cache-Control` (only the loader may be kept), 304 on a
//! repeat visit of the loader, and
//! the copies `scripts/precompress.mjs` makes for `scripts/build.sh`. Each test writes its own
//! static folder, so none needs a built `dist/`.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, SystemTime};

use crate::common::*;
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::StatusCode;

// Kept ten minutes, then a day more while a fresh copy comes, so later page views never wait for it.
const LOADER_CACHE: &str = "max-age=600, stale-while-revalidate=86400";
const NO_STORE: &str = "no-store";

/// A served static folder in `dir`/static, and the endpoint binary serving it.
async fn serve_static(dir: &Path) -> (tokio::process::Child, String) {
    let config = dir.join("config.toml");
    std::fs::write(&config, config_toml(dir, "static_dir = \"static\"")).unwrap();
    spawn_endpoint(&config, Stdio::null()).await
}

fn static_dir(dir: &Path) -> PathBuf {
    let s = dir.join("static");
    std::fs::create_dir_all(s.join("profiles")).unwrap();
    s
}

fn write_at(path: &Path, bytes: &[u8], modified: SystemTime) {
    std::fs::write(path, bytes).unwrap();
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(modified)
        .unwrap();
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

async fn get(url: &str, accept_encoding: Option<&str>) -> (StatusCode, HeaderMap, Vec<u8>) {
    let mut req = client().get(url);
    if let Some(ae) = accept_encoding {
        req = req.header("accept-encoding", ae);
    }
    let r = req.send().await.unwrap();
    let (status, headers) = (r.status(), r.headers().clone());
    (status, headers, r.bytes().await.unwrap().to_vec())
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).map(|v| v.to_str().unwrap())
}

fn varies_on_encoding(h: &HeaderMap) -> bool {
    h.get_all("vary")
        .iter()
        .flat_map(|v| v.to_str().unwrap().split(','))
        .any(|v| v.trim().eq_ignore_ascii_case("accept-encoding"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_accepted_copy_goes_out_with_vary_and_cache_headers() {
    let dir = tempdir();
    let s = static_dir(dir.path());
    let an_hour_ago = SystemTime::now() - Duration::from_secs(3600);
    // Made-up "compressed" bytes: each copy must be told apart from the others.
    let wasm = b"\0asm\x01\0\0\0 the plain wasm";
    write_at(&s.join("app_bg.wasm"), wasm, an_hour_ago);
    write_at(&s.join("app_bg.wasm.br"), b"brotli copy", an_hour_ago);
    write_at(&s.join("app_bg.wasm.gz"), b"gzip copy", an_hour_ago);
    // Only a gzip copy: a browser that prefers brotli gets gzip.
    write_at(&s.join("loader.js"), b"plain loader", an_hour_ago);
    write_at(&s.join("loader.js.gz"), b"gzip loader", an_hour_ago);
    write_at(&s.join("profiles/livin.json"), b"{}", an_hour_ago);
    write_at(&s.join("safe-contact.js"), b"the loader", an_hour_ago);
    write_at(&s.join("safe-contact.js.br"), b"the loader br", an_hour_ago);
    // A name with a content hash, which used to be kept for a year, is not kept at all now.
    let hashed = "app-0123456789abcdef.js";
    write_at(&s.join(hashed), b"hashed", an_hour_ago);
    write_at(&s.join(format!("{hashed}.br")), b"hashed br", an_hour_ago);
    let (_child, base) = serve_static(dir.path()).await;
    let url = |p: &str| format!("{base}/{p}");

    for (accept, encoding, body) in [
        (Some("br"), Some("br"), &b"brotli copy"[..]),
        (Some("gzip, deflate, br, zstd"), Some("br"), b"brotli copy"),
        (Some("gzip"), Some("gzip"), b"gzip copy"),
        (Some("br;q=0, gzip"), Some("gzip"), b"gzip copy"),
        (Some("identity"), None, wasm),
        (None, None, wasm),
    ] {
        let (status, h, bytes) = get(&url("app_bg.wasm"), accept).await;
        assert_eq!(status, StatusCode::OK, "{accept:?}");
        assert_eq!(header(&h, "content-encoding"), encoding, "{accept:?}");
        assert_eq!(bytes, body, "{accept:?}");
        assert_eq!(header(&h, "content-type"), Some("application/wasm"));
        assert!(varies_on_encoding(&h), "{accept:?}: {h:?}");
        assert_eq!(header(&h, "cache-control"), Some(NO_STORE));
        assert!(h.contains_key("last-modified"));
        // The headers every answer carries are still there.
        assert_eq!(header(&h, "x-content-type-options"), Some("nosniff"));
        assert_eq!(header(&h, "referrer-policy"), Some("no-referrer"));
    }

    let (_, h, bytes) = get(&url("loader.js"), Some("br, gzip")).await;
    assert_eq!(header(&h, "content-encoding"), Some("gzip"));
    assert_eq!(bytes, b"gzip loader");
    assert_eq!(header(&h, "content-type"), Some("text/javascript"));
    let (_, h, bytes) = get(&url("profiles/livin.json"), Some("br, gzip")).await;
    assert_eq!(header(&h, "content-encoding"), None);
    assert_eq!(bytes, b"{}");
    assert!(varies_on_encoding(&h));
    assert_eq!(header(&h, "cache-control"), Some(NO_STORE));

    // Only the loader, which is on every page whether or not anyone asks for help, may be kept
    // (and is checked each time).
    for accept in [Some("br"), None] {
        let (status, h, _) = get(&url("safe-contact.js"), accept).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            header(&h, "cache-control"),
            Some(LOADER_CACHE),
            "{accept:?}"
        );
        assert!(varies_on_encoding(&h));
        let (status, h, _) = get(&url(hashed), accept).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(header(&h, "cache-control"), Some(NO_STORE), "{accept:?}");
    }
    let (status, h, _) = get(&url("form/frame.js"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(header(&h, "cache-control"), Some(NO_STORE));

    // The API keeps its own headers.
    let r = client()
        .get(url("v1/staff/requests"))
        .header("accept-encoding", "br, gzip")
        .bearer_auth(TOKEN_LIVIN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(header(r.headers(), "cache-control"), Some("no-store"));
    assert!(!varies_on_encoding(r.headers()));
    assert_eq!(header(r.headers(), "content-encoding"), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeat_visit_gets_304_until_the_file_changes() {
    let dir = tempdir();
    let s = static_dir(dir.path());
    let an_hour_ago = SystemTime::now() - Duration::from_secs(3600);
    write_at(&s.join("safe-contact.js"), b"loader v1", an_hour_ago);
    write_at(&s.join("safe-contact.js.br"), b"loader v1 br", an_hour_ago);
    let (_child, base) = serve_static(dir.path()).await;
    let url = format!("{base}/safe-contact.js");

    let revalidate = |accept: Option<&'static str>, since: HeaderValue| {
        let mut req = client().get(&url).header("if-modified-since", since);
        if let Some(ae) = accept {
            req = req.header("accept-encoding", ae);
        }
        req.send()
    };
    for accept in [Some("br"), None] {
        let (status, h, _) = get(&url, accept).await;
        assert_eq!(status, StatusCode::OK);
        let since = h.get("last-modified").unwrap().clone();
        let r = revalidate(accept, since).await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_MODIFIED, "{accept:?}");
        assert!(varies_on_encoding(r.headers()));
        assert_eq!(header(r.headers(), "cache-control"), Some(LOADER_CACHE));
        assert!(r.bytes().await.unwrap().is_empty());
    }

    // A new build: both the file and its copy are newer than what the browser holds.
    let (_, h, _) = get(&url, Some("br")).await;
    let since = h.get("last-modified").unwrap().clone();
    let now = SystemTime::now();
    write_at(&s.join("safe-contact.js"), b"loader v2", now);
    write_at(&s.join("safe-contact.js.br"), b"loader v2 br", now);
    let r = revalidate(Some("br"), since).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap(), &b"loader v2 br"[..]);
}

/// Runs `scripts/precompress.mjs` on `dir`, as `scripts/build.sh` does on `dist/`.
fn precompress(dir: &Path) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/precompress.mjs");
    let out = std::process::Command::new("node")
        .arg(script)
        .arg(dir)
        .output()
        .expect("Node.js runs scripts/precompress.mjs; install it to run this test");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Decompresses with Node's zlib, which browsers agree with, rather than the script's own code.
fn decompress(encoding: &str, bytes: &[u8], scratch: &Path) -> Vec<u8> {
    let function = match encoding {
        "br" => "brotliDecompressSync",
        "gzip" => "gunzipSync",
        other => panic!("no decoder for {other}"),
    };
    let input = scratch.join("compressed");
    std::fs::write(&input, bytes).unwrap();
    let out = std::process::Command::new("node")
        .arg("-e")
        .arg(format!(
            "process.stdout.write(require('zlib').{function}(require('fs').readFileSync(process.argv[1])))"
        ))
        .arg(&input)
        .output()
        .unwrap();
    assert!(out.status.success());
    out.stdout
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_build_scripts_copies_are_served_and_decompress_to_the_file() {
    let dir = tempdir();
    let s = static_dir(dir.path());
    let js = "function exitThisPage() { location.replace('https://www.bbc.co.uk/weather'); }\n"
        .repeat(50);
    let json = format!(
        "{{\"landlord\": \"livin\", \"contacts\": [{}]}}",
        "\"x\",".repeat(200) + "\"y\""
    );
    let mut wasm = b"\0asm\x01\0\0\0".to_vec();
    wasm.extend((0..4000u32).map(|i| (i % 7) as u8));
    std::fs::write(s.join("safe-contact.js"), &js).unwrap();
    std::fs::write(s.join("profiles/livin.json"), &json).unwrap();
    std::fs::write(s.join("app_bg.wasm"), &wasm).unwrap();
    std::fs::write(s.join("notes.txt"), js.as_bytes()).unwrap();
    // Too small to gain from compression, with a copy left from an older build.
    std::fs::write(s.join("tiny.json"), b"1").unwrap();
    std::fs::write(s.join("tiny.json.br"), b"stale").unwrap();
    std::fs::write(s.join("tiny.json.gz"), b"stale").unwrap();

    precompress(&s);

    for name in ["safe-contact.js", "profiles/livin.json", "app_bg.wasm"] {
        let plain = std::fs::metadata(s.join(name)).unwrap().len();
        for ext in ["br", "gz"] {
            let copy = std::fs::metadata(s.join(format!("{name}.{ext}")))
                .unwrap_or_else(|_| panic!("no {name}.{ext}"));
            assert!(copy.len() < plain, "{name}.{ext}");
        }
    }
    // Byte 8 of a gzip header is 2 when the maker used its slowest, smallest setting.
    assert_eq!(std::fs::read(s.join("safe-contact.js.gz")).unwrap()[8], 2);
    for leftover in [
        "notes.txt.br",
        "notes.txt.gz",
        "tiny.json.br",
        "tiny.json.gz",
    ] {
        assert!(!s.join(leftover).exists(), "{leftover}");
    }

    let (_child, base) = serve_static(dir.path()).await;
    for (name, original) in [
        ("safe-contact.js", js.as_bytes()),
        ("profiles/livin.json", json.as_bytes()),
        ("app_bg.wasm", &wasm[..]),
    ] {
        for encoding in ["br", "gzip"] {
            let (status, h, bytes) = get(&format!("{base}/{name}"), Some(encoding)).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(header(&h, "content-encoding"), Some(encoding), "{name}");
            assert!(bytes.len() < original.len());
            assert_eq!(decompress(encoding, &bytes, dir.path()), original, "{name}");
        }
    }
    let (_, h, bytes) = get(&format!("{base}/tiny.json"), Some("br, gzip")).await;
    assert_eq!(header(&h, "content-encoding"), None);
    assert_eq!(bytes, b"1");
}
