//! Rate limits over real HTTP on loopback: retries of saved requests go free, IPv6 clients are
//! counted per /64 and per /48, a full client table forgets its oldest entries, Retry-After has
//! a ceiling, and a tripped landlord or global limit is reported once, with nothing in it.

use std::time::Duration;

use crate::common::*;
use reqwest::StatusCode;
use safe_contact_callback::MAX_RETRY_AFTER_SECS;
use safe_contact_endpoint::intake::rate_limit::IPV6_48_MULTIPLE;
use serde_json::json;

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

fn limits(client: u32, landlord: u32, global: u32) -> String {
    format!("[rate_limit]\nper_client_per_hour = {client}\nper_landlord_per_hour = {landlord}\nglobal_per_hour = {global}")
}

fn retry_after(headers: &reqwest::header::HeaderMap) -> u64 {
    headers["retry-after"].to_str().unwrap().parse().unwrap()
}

/// Sends a new valid request for Livin as if from `client_ip`, through the trusted proxy that
/// the config names (the test itself, on 127.0.0.1).
async fn send_from(c: &reqwest::Client, s: &Server, client_ip: &str) -> reqwest::Response {
    c.post(s.url("/v1/callbacks"))
        .header("origin", ORIGIN_LIVIN)
        .header("content-type", "application/json")
        .header("idempotency-key", new_uuid())
        .header("x-forwarded-for", client_ip)
        .body(valid_body().to_string())
        .send()
        .await
        .unwrap()
}

const BEHIND_PROXY: &str = "trusted_proxies = [\"127.0.0.1\"]\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_answer_429_with_retry_after() {
    let dir = tempdir();
    let s = serve(dir.path(), &limits(3, 100, 100)).await;
    let c = client();
    for _ in 0..3 {
        assert_eq!(
            post(&c, &s, &valid_body()).await.status,
            StatusCode::CREATED
        );
    }
    let a = post(&c, &s, &valid_body()).await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
    let retry = retry_after(&a.headers);
    assert!((1..=1200).contains(&retry), "{retry}");
    assert_eq!(a.headers["access-control-expose-headers"], "retry-after");
    // A forged X-Forwarded-For from an untrusted peer does not buy a new bucket.
    assert_eq!(
        send_from(&c, &s, "203.0.113.77").await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(count_rows(&s.db), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn landlord_cap_and_trusted_proxy() {
    let dir = tempdir();
    let s = serve(dir.path(), &format!("{BEHIND_PROXY}{}", limits(1, 3, 100))).await;
    let c = client();
    // Behind a trusted proxy, each forwarded client has its own bucket of one; then the
    // landlord's cap of three is spent, whoever asks.
    let expected = [
        ("198.51.100.1", StatusCode::CREATED),
        ("198.51.100.1", StatusCode::TOO_MANY_REQUESTS),
        ("198.51.100.2", StatusCode::CREATED),
        ("198.51.100.3", StatusCode::CREATED),
        ("198.51.100.4", StatusCode::TOO_MANY_REQUESTS),
    ];
    for (ip, status) in expected {
        let r = send_from(&c, &s, ip).await;
        assert_eq!(r.status(), status, "{ip}");
        if status == StatusCode::TOO_MANY_REQUESTS {
            assert!(retry_after(r.headers()) <= MAX_RETRY_AFTER_SECS);
        }
    }
    assert_eq!(count_rows(&s.db), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_of_a_saved_request_spends_no_rate_limit() {
    let dir = tempdir();
    let s = serve(dir.path(), &limits(3, 100, 100)).await;
    let c = client();
    let url = s.url("/v1/callbacks");
    let body = valid_body().to_string().into_bytes();
    let key = new_uuid();
    let first = post_raw(&c, &url, body.clone(), &key, ORIGIN_LIVIN).await;
    assert_eq!(first.status, StatusCode::CREATED);
    // However many retries there are, they take nothing from the client's three.
    for _ in 0..5 {
        let again = post_raw(&c, &url, body.clone(), &key, ORIGIN_LIVIN).await;
        assert_eq!(
            (again.status, &again.json),
            (StatusCode::CREATED, &first.json)
        );
    }
    for _ in 0..2 {
        let a = post(&c, &s, &valid_body()).await;
        assert_eq!(a.status, StatusCode::CREATED);
    }
    // All three are spent: a new request is refused, a retry still gets the stored answer.
    let refused = post(&c, &s, &valid_body()).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    let again = post_raw(&c, &url, body.clone(), &key, ORIGIN_LIVIN).await;
    assert_eq!(
        (again.status, &again.json),
        (StatusCode::CREATED, &first.json)
    );
    // The same key with another body is still refused, for what it is.
    let mut other = valid_body();
    other["contact"] = json!("07700 900456");
    let a = post_raw(&c, &url, other.to_string().into_bytes(), &key, ORIGIN_LIVIN).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.fields(), ["Idempotency-Key"]);
    assert_eq!(count_rows(&s.db), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ipv6_clients_are_limited_per_64_and_per_48() {
    let dir = tempdir();
    let s = serve(
        dir.path(),
        &format!("{BEHIND_PROXY}{}", limits(1, 1000, 1000)),
    )
    .await;
    let c = client();
    assert_eq!(
        send_from(&c, &s, "2001:db8:5:1::1").await.status(),
        StatusCode::CREATED
    );
    // Another address in the same /64 is the same client.
    let r = send_from(&c, &s, "2001:db8:5:1::2").await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(retry_after(r.headers()), MAX_RETRY_AFTER_SECS);
    // Each other /64 of the /48 has its own allowance, until the /48's is spent.
    for subnet in 2..=IPV6_48_MULTIPLE {
        let ip = format!("2001:db8:5:{subnet:x}::1");
        assert_eq!(
            send_from(&c, &s, &ip).await.status(),
            StatusCode::CREATED,
            "{ip}"
        );
    }
    let r = send_from(&c, &s, "2001:db8:5:ff::1").await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(retry_after(r.headers()) <= MAX_RETRY_AFTER_SECS);
    // Another /48 is another client.
    assert_eq!(
        send_from(&c, &s, "2001:db8:6::1").await.status(),
        StatusCode::CREATED
    );
    assert_eq!(count_rows(&s.db), i64::from(IPV6_48_MULTIPLE) + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_client_table_forgets_the_oldest_and_turns_no_one_away() {
    let dir = tempdir();
    let extra = format!("{BEHIND_PROXY}{}\nmax_clients = 3", limits(1, 1000, 1000));
    let s = serve(dir.path(), &extra).await;
    let c = client();
    for ip in ["198.51.100.1", "198.51.100.2", "198.51.100.3"] {
        assert_eq!(
            send_from(&c, &s, ip).await.status(),
            StatusCode::CREATED,
            "{ip}"
        );
    }
    // The table is full of spent clients, and a new one is still let in.
    assert_eq!(
        send_from(&c, &s, "198.51.100.4").await.status(),
        StatusCode::CREATED
    );
    // Room was made by forgetting the oldest, .1, so it starts afresh (and .2 is forgotten now).
    assert_eq!(
        send_from(&c, &s, "198.51.100.1").await.status(),
        StatusCode::CREATED
    );
    // The newer ones are still remembered and still spent.
    for ip in ["198.51.100.3", "198.51.100.4"] {
        assert_eq!(
            send_from(&c, &s, ip).await.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "{ip}"
        );
    }
    assert_eq!(count_rows(&s.db), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tripped_landlord_limit_tells_its_staff_once_and_nothing_more() {
    let (hook_addr, received) = webhook_sink().await;
    let dir = tempdir();
    let toml = with_webhook(&config_toml(dir.path(), &limits(100, 2, 100)), hook_addr);
    let config = safe_contact_endpoint::Config::from_toml(&toml, dir.path()).unwrap();
    let running = safe_contact_endpoint::start(config).await.unwrap();
    let url = format!("http://{}/v1/callbacks", running.addr);
    let c = client();
    for sent in 0..5 {
        let body = valid_body().to_string().into_bytes();
        let a = post_raw(&c, &url, body, &new_uuid(), ORIGIN_LIVIN).await;
        if sent < 2 {
            assert_eq!(a.status, StatusCode::CREATED);
        } else {
            assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
            assert!(retry_after(&a.headers) <= MAX_RETRY_AFTER_SECS);
        }
    }
    let limit_notice = json!({ "landlord": "livin", "limit_reached": true });
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !received
        .lock()
        .unwrap()
        .iter()
        .any(|(_, v)| *v == limit_notice)
        && std::time::Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let got: Vec<_> = received
        .lock()
        .unwrap()
        .iter()
        .map(|(_, v)| v.clone())
        .collect();
    // One notice for three refusals, and otherwise only the usual "new requests" message.
    assert_eq!(
        got.iter().filter(|v| **v == limit_notice).count(),
        1,
        "{got:?}"
    );
    assert!(
        got.iter()
            .all(|v| *v == limit_notice
                || *v == json!({ "landlord": "livin", "new_requests": true })),
        "{got:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tripped_global_limit_is_logged_once_without_detail() {
    let dir = tempdir();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, config_toml(dir.path(), &limits(100, 100, 2))).unwrap();
    let log_path = dir.path().join("server.log");
    let (mut child, base) =
        spawn_endpoint(&config, std::fs::File::create(&log_path).unwrap()).await;
    let url = format!("{base}/v1/callbacks");
    let c = client();
    let mut star = valid_body();
    star["landlord"] = json!("star-housing");
    star.as_object_mut().unwrap().remove("area");
    let sends = [
        (valid_body(), ORIGIN_LIVIN, StatusCode::CREATED),
        (star.clone(), ORIGIN_STAR, StatusCode::CREATED),
        (valid_body(), ORIGIN_LIVIN, StatusCode::TOO_MANY_REQUESTS),
        (star, ORIGIN_STAR, StatusCode::TOO_MANY_REQUESTS),
    ];
    for (body, origin, expected) in sends {
        let a = post_raw(&c, &url, body.to_string().into_bytes(), &new_uuid(), origin).await;
        assert_eq!(a.status, expected);
    }
    let notice = "the limit for all landlords together was reached";
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !std::fs::read_to_string(&log_path).unwrap().contains(notice)
        && std::time::Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    child.kill().await.unwrap();
    let log = std::fs::read_to_string(&log_path).unwrap();
    let lines: Vec<&str> = log.lines().filter(|l| l.contains(notice)).collect();
    assert_eq!(lines.len(), 1, "{log}");
    // The global notice is not the landlords' business: no landlord, no client.
    assert!(
        !lines[0].contains("livin") && !lines[0].contains("127.0.0.1"),
        "{}",
        lines[0]
    );
    // Neither landlord's own limit was reached, so neither was told it was.
    assert!(!log.contains("hourly limit was reached"), "{log}");
}
