//! The endpoint over real HTTP on loopback: every refusal the public route can give (rate
//! limits are in `limits.rs`), the staff API, retention and notifications.

use std::time::Duration;

use crate::common::*;
use reqwest::StatusCode;
use safe_contact_endpoint::clock::{unix_now, DAY};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn valid_request_is_stored_once_and_answered_with_security_headers() {
    let dir = tempdir();
    let s = serve(dir.path(), "").await;
    let c = client();
    let body = valid_body();
    let a = post(&c, &s, &body).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json);
    assert_eq!(
        a.json,
        json!({ "request_id": body["request_id"], "status": "received" })
    );
    assert_eq!(a.headers["cache-control"], "no-store");
    assert_eq!(a.headers["referrer-policy"], "no-referrer");
    assert_eq!(a.headers["x-content-type-options"], "nosniff");
    assert_eq!(a.headers["access-control-allow-origin"], ORIGIN_LIVIN);
    assert!(a.headers.get("set-cookie").is_none());
    assert_eq!(count_rows(&s.db), 1);

    let bad = post(&c, &s, &json!({})).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.headers["cache-control"], "no-store");
    assert_eq!(bad.headers["x-content-type-options"], "nosniff");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_value_for_every_field_names_that_field() {
    let dir = tempdir();
    let s = serve(dir.path(), "[rate_limit]\nper_client_per_hour = 1000").await;
    let c = client();
    let cases: Vec<(&str, Value, &str)> = vec![
        ("schema_version", json!(2), "schema_version"),
        ("request_id", json!("not-a-uuid"), "request_id"),
        ("area", json!("atlantis"), "area"),
        ("contact_method", json!("pigeon"), "contact_method"),
        ("contact", json!("12345"), "contact"),
        ("safe_days", json!(["someday"]), "safe_days"),
        ("safe_times", json!([]), "safe_times"),
        ("safe_times_note", json!("x".repeat(201)), "safe_times_note"),
        ("leave_message", json!("yes"), "leave_message"),
        (
            "if_someone_else_answers",
            json!("shout"),
            "if_someone_else_answers",
        ),
        ("name_to_ask_for", json!("n".repeat(51)), "name_to_ask_for"),
        ("officer_gender", json!("any"), "officer_gender"),
        (
            "interpreter_language",
            json!("x".repeat(51)),
            "interpreter_language",
        ),
        ("bsl", json!("no"), "bsl"),
        (
            "other_access_needs",
            json!("line\nbreak"),
            "other_access_needs",
        ),
        ("consent", json!(false), "consent"),
        ("address", json!("1 High Street"), "address"),
    ];
    for (field, value, expected) in cases {
        let mut body = valid_body();
        body[field] = value;
        let a = post(&c, &s, &body).await;
        assert_eq!(
            a.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            a.json
        );
        assert_eq!(a.fields(), [expected], "{field}: {}", a.json);
        let message = a.json["errors"][0]["message"].as_str().unwrap();
        assert!(!message.is_empty());
    }
    for required in [
        "schema_version",
        "request_id",
        "landlord",
        "contact_method",
        "contact",
        "if_someone_else_answers",
        "consent",
    ] {
        let mut body = valid_body();
        body.as_object_mut().unwrap().remove(required);
        let a = post(&c, &s, &body).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{required}");
        assert_eq!(a.fields(), [required]);
    }
    // Several problems at once are all reported, in form order.
    let mut body = valid_body();
    body["contact"] = json!("0800 123");
    body["safe_days"] = json!([]);
    body["consent"] = json!(false);
    let a = post(&c, &s, &body).await;
    assert_eq!(a.fields(), ["contact", "safe_days", "consent"]);
    assert_eq!(
        a.json["errors"][0]["message"],
        "Enter a UK phone number, like 07700 900123 or 0114 496 0123"
    );
    assert_eq!(count_rows(&s.db), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_wrong_type_and_oversized_bodies() {
    let dir = tempdir();
    let s = serve(dir.path(), "").await;
    let c = client();
    let url = s.url("/v1/callbacks");

    let a = post_raw(&c, &url, b"{not json".to_vec(), &new_uuid(), ORIGIN_LIVIN).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(a.json["errors"][0]["field"], Value::Null);

    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("application/json; charset=latin1"),
        None,
    ] {
        let mut r = c
            .post(&url)
            .header("origin", ORIGIN_LIVIN)
            .header("idempotency-key", new_uuid())
            .body(valid_body().to_string());
        if let Some(ct) = content_type {
            r = r.header("content-type", ct);
        }
        let a = answer(r.send().await.unwrap()).await;
        assert_eq!(
            a.status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type:?}"
        );
        assert_eq!(a.fields(), ["Content-Type"]);
    }
    let a = answer(
        c.post(&url)
            .header("origin", ORIGIN_LIVIN)
            .header("idempotency-key", new_uuid())
            .header("content-type", "Application/JSON; charset=UTF-8")
            .body(valid_body().to_string())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED);

    // Declared too large: refused before reading.
    let mut big = valid_body();
    big["safe_times_note"] = json!("x".repeat(17 * 1024));
    let a = post_raw(
        &c,
        &url,
        big.to_string().into_bytes(),
        &new_uuid(),
        ORIGIN_LIVIN,
    )
    .await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(a.json["errors"][0]["field"], Value::Null);

    // Streamed without a length: cut off at the limit.
    let mut stream = TcpStream::connect(s.running.addr).await.unwrap();
    let head = format!(
        "POST /v1/callbacks HTTP/1.1\r\nHost: x\r\nOrigin: {ORIGIN_LIVIN}\r\nContent-Type: application/json\r\nIdempotency-Key: {}\r\nTransfer-Encoding: chunked\r\n\r\n",
        new_uuid()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    for _ in 0..20 {
        let chunk = format!("400\r\n{}\r\n", " ".repeat(1024));
        if stream.write_all(chunk.as_bytes()).await.is_err() {
            break;
        }
    }
    let reply = read_reply(&mut stream).await;
    assert!(reply.starts_with("HTTP/1.1 413"), "{reply}");

    // Just under the limit is read (and then refused for its content, not its size).
    let mut near = valid_body();
    let room = 16 * 1024 - near.to_string().len() - 40;
    near["other_access_needs"] = json!("x".repeat(room));
    let a = post_raw(
        &c,
        &url,
        near.to_string().into_bytes(),
        &new_uuid(),
        ORIGIN_LIVIN,
    )
    .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.fields(), ["other_access_needs"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_landlord_and_wrong_origin() {
    let dir = tempdir();
    let s = serve(dir.path(), "").await;
    let c = client();
    let url = s.url("/v1/callbacks");

    let mut body = valid_body();
    body["landlord"] = json!("nowhere-homes");
    let a = post(&c, &s, &body).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.fields(), ["landlord"]);

    let body = valid_body().to_string().into_bytes();
    for origin in [
        "https://evil.example",
        "https://www.livin.example.evil.example",
        "null",
        "https://www.livin.example/",
    ] {
        let a = post_raw(&c, &url, body.clone(), &new_uuid(), origin).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{origin}");
        assert_eq!(a.fields(), ["Origin"]);
        assert!(a.headers.get("access-control-allow-origin").is_none());
    }
    // Star's own page may not send a request for Livin.
    let a = post_raw(&c, &url, body.clone(), &new_uuid(), ORIGIN_STAR).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    // No Origin at all.
    let r = c
        .post(&url)
        .header("content-type", "application/json")
        .header("idempotency-key", new_uuid())
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(count_rows(&s.db), 0);

    // Preflight: allowed origins get the CORS answer, others do not.
    let pre = |origin: &'static str| {
        c.request(reqwest::Method::OPTIONS, &url)
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type, idempotency-key",
            )
            .send()
    };
    let ok = pre(ORIGIN_STAR).await.unwrap();
    assert_eq!(ok.headers()["access-control-allow-origin"], ORIGIN_STAR);
    let allowed = ok.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        allowed.contains("idempotency-key") && allowed.contains("content-type"),
        "{allowed}"
    );
    let evil = pre("https://evil.example").await.unwrap();
    assert!(evil.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idempotency_replay_conflict_and_in_flight() {
    let dir = tempdir();
    let s = serve(dir.path(), "").await;
    let c = client();
    let url = s.url("/v1/callbacks");
    let body = valid_body().to_string().into_bytes();
    let key = new_uuid();

    let first = post_raw(&c, &url, body.clone(), &key, ORIGIN_LIVIN).await;
    assert_eq!(first.status, StatusCode::CREATED);
    let again = post_raw(&c, &url, body.clone(), &key, ORIGIN_LIVIN).await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(again.json, first.json);
    assert_eq!(count_rows(&s.db), 1);

    let mut other = valid_body();
    other["contact"] = json!("07700 900456");
    let a = post_raw(&c, &url, other.to_string().into_bytes(), &key, ORIGIN_LIVIN).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.fields(), ["Idempotency-Key"]);

    // Same request id under a new key: the same body is the same request; another body is refused.
    let a = post_raw(&c, &url, body.clone(), &new_uuid(), ORIGIN_LIVIN).await;
    assert_eq!((a.status, &a.json), (StatusCode::CREATED, &first.json));
    let mut clash: Value = serde_json::from_slice(&body).unwrap();
    clash["safe_times"] = json!(["evening"]);
    let a = post_raw(
        &c,
        &url,
        clash.to_string().into_bytes(),
        &new_uuid(),
        ORIGIN_LIVIN,
    )
    .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.fields(), ["request_id"]);
    assert_eq!(count_rows(&s.db), 1);

    // Missing or unusable key.
    for bad in [None, Some(""), Some("has space")] {
        let mut r = c
            .post(&url)
            .header("origin", ORIGIN_LIVIN)
            .header("content-type", "application/json")
            .body(valid_body().to_string());
        if let Some(k) = bad {
            r = r.header("idempotency-key", k);
        }
        let a = answer(r.send().await.unwrap()).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{bad:?}");
        assert_eq!(a.fields(), ["Idempotency-Key"]);
    }

    // In flight: the first request has sent its headers and half its body.
    let slow_key = new_uuid();
    let slow_body = valid_body().to_string();
    let mut stream = TcpStream::connect(s.running.addr).await.unwrap();
    let head = format!(
        "POST /v1/callbacks HTTP/1.1\r\nHost: x\r\nOrigin: {ORIGIN_LIVIN}\r\nContent-Type: application/json\r\nIdempotency-Key: {slow_key}\r\nContent-Length: {}\r\n\r\n",
        slow_body.len()
    );
    let (half, rest) = slow_body.split_at(slow_body.len() / 2);
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(half.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let a = post_raw(
        &c,
        &url,
        slow_body.clone().into_bytes(),
        &slow_key,
        ORIGIN_LIVIN,
    )
    .await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    assert_eq!(a.fields(), ["Idempotency-Key"]);
    stream.write_all(rest.as_bytes()).await.unwrap();
    let reply = read_reply(&mut stream).await;
    assert!(reply.starts_with("HTTP/1.1 201"), "{reply}");
    // Once finished, the same key and body get the first answer again.
    let a = post_raw(&c, &url, slow_body.into_bytes(), &slow_key, ORIGIN_LIVIN).await;
    assert_eq!(a.status, StatusCode::CREATED);
    assert_eq!(count_rows(&s.db), 2);
}

async fn read_reply(stream: &mut TcpStream) -> String {
    let mut buf = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf))
        .await
        .unwrap()
        .unwrap();
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_body_times_out() {
    let dir = tempdir();
    let s = serve(dir.path(), "request_timeout_seconds = 1").await;
    let mut stream = TcpStream::connect(s.running.addr).await.unwrap();
    let head = format!(
        "POST /v1/callbacks HTTP/1.1\r\nHost: x\r\nOrigin: {ORIGIN_LIVIN}\r\nContent-Type: application/json\r\nIdempotency-Key: {}\r\nContent-Length: 500\r\n\r\n{{",
        new_uuid()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let reply = read_reply(&mut stream).await;
    assert!(reply.starts_with("HTTP/1.1 408"), "{reply}");
}

async fn staff_get(c: &reqwest::Client, url: &str, token: Option<&str>) -> Answer {
    let mut r = c.get(url);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    answer(r.send().await.unwrap()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_api_needs_the_right_landlords_token() {
    let dir = tempdir();
    let s = serve(dir.path(), "").await;
    let c = client();
    let body = valid_body();
    let id = body["request_id"].as_str().unwrap().to_owned();
    assert_eq!(post(&c, &s, &body).await.status, StatusCode::CREATED);
    let list = s.url("/v1/staff/requests");
    let one = s.url(&format!("/v1/staff/requests/{id}"));

    let a = staff_get(&c, &list, None).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_eq!(a.headers["www-authenticate"], "Bearer");
    assert_eq!(a.headers["cache-control"], "no-store");
    assert_eq!(
        staff_get(&c, &list, Some("wrong-token")).await.status,
        StatusCode::UNAUTHORIZED
    );
    let basic = c
        .get(&list)
        .header("authorization", format!("Basic {TOKEN_LIVIN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        staff_get(&c, &one, None).await.status,
        StatusCode::UNAUTHORIZED
    );
    let del = c.delete(&one).send().await.unwrap();
    assert_eq!(del.status(), StatusCode::UNAUTHORIZED);
    // The token is checked before the body is read, even a body that is not JSON.
    let mark = c
        .post(format!("{one}/status"))
        .header("authorization", "Bearer wrong-token")
        .body("not json")
        .send()
        .await
        .unwrap();
    assert_eq!(mark.status(), StatusCode::UNAUTHORIZED);

    // Another landlord's token sees nothing of Livin's.
    let a = staff_get(&c, &list, Some(TOKEN_STAR)).await;
    assert_eq!(a.json, json!({ "requests": [] }));
    assert_eq!(
        staff_get(&c, &one, Some(TOKEN_STAR)).await.status,
        StatusCode::NOT_FOUND
    );
    let r = c
        .post(format!("{one}/status"))
        .bearer_auth(TOKEN_STAR)
        .body(r#"{"status":"closed"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = c.delete(&one).bearer_auth(TOKEN_STAR).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // Livin's own token: list, read, mark, purge.
    let a = staff_get(&c, &list, Some(TOKEN_LIVIN)).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.json["requests"][0]["request_id"], id.as_str());
    assert_eq!(a.json["requests"][0]["status"], "new");
    assert_eq!(a.json["requests"][0]["area"], "darlington");
    let a = staff_get(&c, &one, Some(TOKEN_LIVIN)).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.json["request"]["contact"], "07700900123");
    assert_eq!(a.json["request"]["officer_gender"], "woman");
    assert_eq!(a.headers["cache-control"], "no-store");

    let r = c
        .post(format!("{one}/status"))
        .bearer_auth(TOKEN_LIVIN)
        .body(r#"{"status":"new"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = c
        .post(format!("{one}/status"))
        .bearer_auth(TOKEN_LIVIN)
        .body(r#"{"status":"contacted"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        staff_get(&c, &list, Some(TOKEN_LIVIN)).await.json["requests"],
        json!([])
    );
    let a = staff_get(&c, &format!("{list}?status=contacted"), Some(TOKEN_LIVIN)).await;
    assert_eq!(a.json["requests"][0]["request_id"], id.as_str());
    assert_eq!(
        staff_get(&c, &format!("{list}?status=bogus"), Some(TOKEN_LIVIN))
            .await
            .status,
        StatusCode::BAD_REQUEST
    );

    let r = c
        .delete(&one)
        .bearer_auth(TOKEN_LIVIN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        staff_get(&c, &one, Some(TOKEN_LIVIN)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(count_rows(&s.db), 0);

    let actions = texts(
        &s.db,
        "SELECT actor || ' ' || action FROM audit ORDER BY rowid",
    );
    assert_eq!(actions, ["api opened", "api contacted", "api purged"]);
}

/// Everything the database keeps on disk: the file and its WAL.
fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retention_deletes_for_real() {
    let dir = tempdir();
    let s = serve(dir.path(), "").await;
    let c = client();
    let mut kept = valid_body();
    kept["contact"] = json!("07700 900987");
    let mut closed = valid_body();
    closed["contact"] = json!("07700 900654");
    for b in [&kept, &closed] {
        assert_eq!(post(&c, &s, b).await.status, StatusCode::CREATED);
    }
    let closed_id = closed["request_id"].as_str().unwrap();
    assert_eq!(close_request(&c, &s.base, closed_id).await, StatusCode::OK);
    assert!(contains(&stored_bytes(&s.db), "07700900987"));
    assert!(contains(&stored_bytes(&s.db), "07700900654"));

    let now = unix_now();
    assert_eq!(sweep(&s.db, &s.config, now), 0);
    // Closed ones go after 30 days, the rest after 90 (the defaults).
    assert_eq!(sweep(&s.db, &s.config, now + 31 * DAY), 1);
    assert_eq!(count_rows(&s.db), 1);
    assert!(
        !contains(&stored_bytes(&s.db), "07700900654"),
        "a closed request is still readable on disk"
    );
    assert_eq!(sweep(&s.db, &s.config, now + 89 * DAY), 0);
    assert_eq!(sweep(&s.db, &s.config, now + 91 * DAY), 1);
    assert_eq!(count_rows(&s.db), 0);
    assert!(
        !contains(&stored_bytes(&s.db), "07700900987"),
        "a deleted request is still readable on disk"
    );

    // Star keeps requests for 7 days only.
    s.running.shutdown().await;
    let dir2 = tempdir();
    let toml = config_toml(dir2.path(), "").replace(
        "id = \"star-housing\"",
        "id = \"star-housing\"\nretention_days = 7\nclosed_retention_days = 2",
    );
    let config = safe_contact_endpoint::Config::from_toml(&toml, dir2.path()).unwrap();
    let running = safe_contact_endpoint::start(config.clone()).await.unwrap();
    let mut star = valid_body();
    star["landlord"] = json!("star-housing");
    star.as_object_mut().unwrap().remove("area");
    let a = post_raw(
        &c,
        &format!("http://{}/v1/callbacks", running.addr),
        star.to_string().into_bytes(),
        &new_uuid(),
        ORIGIN_STAR,
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json);
    let livin = valid_body();
    let a = post_raw(
        &c,
        &format!("http://{}/v1/callbacks", running.addr),
        livin.to_string().into_bytes(),
        &new_uuid(),
        ORIGIN_LIVIN,
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED);
    assert_eq!(sweep(&config.database, &config, now + 8 * DAY), 1);
    assert_eq!(count_rows(&config.database), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_says_only_that_a_request_waits() {
    let (hook_addr, received) = webhook_sink().await;
    let dir = tempdir();
    let toml = with_webhook(&config_toml(dir.path(), ""), hook_addr);
    let config = safe_contact_endpoint::Config::from_toml(&toml, dir.path()).unwrap();
    let running = safe_contact_endpoint::start(config).await.unwrap();
    let c = client();
    let url = format!("http://{}/v1/callbacks", running.addr);
    for _ in 0..3 {
        let a = post_raw(
            &c,
            &url,
            valid_body().to_string().into_bytes(),
            &new_uuid(),
            ORIGIN_LIVIN,
        )
        .await;
        assert_eq!(a.status, StatusCode::CREATED);
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while received.lock().unwrap().is_empty() && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let got = received.lock().unwrap().clone();
    // Three requests in a burst make one notification, and it carries nothing else.
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, "application/json");
    let v = &got[0].1;
    assert_eq!(v, &json!({ "landlord": "livin", "new_requests": true }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_static_files_with_wasm_type() {
    let dir = tempdir();
    let site = dir.path().join("site");
    std::fs::create_dir(&site).unwrap();
    std::fs::write(
        site.join("index.html"),
        "<!doctype html><title>demo</title>",
    )
    .unwrap();
    std::fs::write(site.join("widget_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    let s = serve(dir.path(), "static_dir = \"site\"").await;
    let c = client();
    let r = c.get(s.url("/widget_bg.wasm")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/wasm");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    let r = c.get(s.url("/")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("demo"));
    assert_eq!(
        c.get(s.url("/missing.js")).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        c.get(s.url("/../Cargo.toml"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[test]
fn demo_config_lists_the_five_landlords() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("demo.toml");
    // The demo's static folder is built separately; everything else must load as it is.
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("static_dir = \"../dist\"", "");
    let config = safe_contact_endpoint::Config::from_toml(&text, path.parent().unwrap()).unwrap();
    let ids: Vec<&str> = config.landlords.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "stoke-on-trent",
            "chesterfield",
            "star-housing",
            "stockport-homes",
            "livin"
        ]
    );
    assert_eq!(
        config.landlord("livin").unwrap().areas,
        [
            "county-durham",
            "darlington",
            "hartlepool",
            "stockton-on-tees"
        ]
    );
    // The demo's pages and its form frame are on two origins, as they must be in production.
    assert_eq!(config.origin.as_deref(), Some("http://localhost:8080"));
    // Only the demo's public pepper is warned of, as it must be: nothing about origins or
    // staff email domains.
    let warnings = config.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("the demo's public pepper"),
        "{warnings:?}"
    );
    for l in &config.landlords {
        assert_eq!(l.origins, ["http://127.0.0.1:8080"]);
        let token = format!("demo-staff-token-{}", l.id);
        assert_eq!(
            safe_contact_endpoint::staff::authenticate(&config, &token).map(|x| x.id.as_str()),
            Some(l.id.as_str())
        );
        // Each has a demo key whose private half is in demo-keys/, and takes no plaintext: every
        // demo profile seals.
        let key_id = format!("{}-demo-1", l.id);
        assert_eq!(l.seal_key_ids, [key_id.as_str()]);
        assert!(!l.allow_plaintext, "{}", l.id);
        let key_path = path
            .parent()
            .unwrap()
            .join(format!("demo-keys/{}.key", l.id));
        let key = safe_contact_endpoint::keys::KeyFile::load(&key_path).unwrap();
        assert_eq!(key.key_id, key_id);
        assert!(std::fs::read_to_string(&key_path)
            .unwrap()
            .starts_with("# DEMO ONLY."));
        // The form frame's profile is the seed profile, and seals to the demo key, or the demo
        // could not read its requests.
        let profile = l.profile.as_ref().unwrap();
        assert_eq!(profile.id, l.id);
        let seal = profile.callback.as_ref().and_then(|c| c.seal.as_ref());
        let seal = seal.unwrap_or_else(|| panic!("{} does not seal, so it needs plaintext", l.id));
        assert_eq!(seal.key_id, key_id, "{}", l.id);
        assert_eq!(seal.public_key, key.public_key, "{}", l.id);
    }
    assert_eq!(config.bind.to_string(), "127.0.0.1:8080");
    assert!(config.demo, "the demo keys need demo = true");
    // Outside a demo the pepper must come from the environment; with one, the demo's keys are
    // what is refused.
    std::env::set_var("SAFE_CONTACT_TEST_DEMO_CONFIG_PEPPER", "ab".repeat(32));
    let not_a_demo = text.replace("\ndemo = true\n", "\n").replace(
        "[staff]\n",
        "[staff]\npepper_env = \"SAFE_CONTACT_TEST_DEMO_CONFIG_PEPPER\"\n",
    );
    let refused = safe_contact_endpoint::Config::from_toml(&not_a_demo, path.parent().unwrap())
        .unwrap_err()
        .0;
    assert!(refused.contains("safe-contact-staff keygen"), "{refused}");
}
