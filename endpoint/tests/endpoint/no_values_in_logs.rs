//! Runs the server binary with its log captured, sends requests (good, bad, malformed, oversized,
//! staff reads) whose every value is a marker, and proves that no marker, no client address and
//! no user agent reaches the log, and that neither address nor user agent reaches the database.

use std::time::Duration;

use crate::common::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_holds_no_submitted_value() {
    let dir = tempdir();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        config_toml(dir.path(), "[rate_limit]\nper_client_per_hour = 1000"),
    )
    .unwrap();
    let log_path = dir.path().join("server.log");
    let (mut child, base) =
        crate::common::spawn_endpoint(&config, std::fs::File::create(&log_path).unwrap()).await;
    let url = format!("{base}/v1/callbacks");
    let c = reqwest::Client::builder()
        .user_agent("ZqxAgent/1.0")
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();

    let send = |body: Vec<u8>, key: &str, origin: &str| {
        c.post(&url)
            .header("origin", origin)
            .header("content-type", "application/json")
            .header("idempotency-key", key)
            .header("x-forwarded-for", "203.0.113.99")
            .body(body)
            .send()
    };

    // Accepted, with a value in every free-text field.
    let mut good = valid_body();
    good["contact"] = json!("07700 900461");
    good["safe_times_note"] = json!("ZqxNoteSecret");
    good["if_someone_else_answers"] = json!("ask_for_name");
    good["name_to_ask_for"] = json!("ZqxNameSecret");
    good["interpreter_language"] = json!("ZqxLangSecret");
    good["other_access_needs"] = json!("ZqxNeedsSecret");
    let request_id = good["request_id"].as_str().unwrap().to_owned();
    let r = send(good.to_string().into_bytes(), "ZqxIdemKeyOne", ORIGIN_LIVIN)
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let mut by_email = valid_body();
    by_email["contact_method"] = json!("email");
    by_email["contact"] = json!("zqxsecretmail@example.org");
    assert_eq!(
        send(
            by_email.to_string().into_bytes(),
            "ZqxIdemKeyTwo",
            ORIGIN_LIVIN
        )
        .await
        .unwrap()
        .status(),
        StatusCode::CREATED
    );

    // Refused in every way, each carrying markers.
    let mut bad = valid_body();
    bad["contact"] = json!("ZqxBadPhone");
    bad["area"] = json!("zqx-area-secret");
    bad["zqxUnknownKey"] = json!("ZqxUnknownValue");
    bad["request_id"] = json!("zqx-request-id-secret");
    assert_eq!(
        send(
            bad.to_string().into_bytes(),
            "ZqxIdemKeyThree",
            ORIGIN_LIVIN
        )
        .await
        .unwrap()
        .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let mut unknown = valid_body();
    unknown["landlord"] = json!("zqx-landlord-secret");
    assert_eq!(
        send(
            unknown.to_string().into_bytes(),
            "ZqxIdemKeyFour",
            ORIGIN_LIVIN
        )
        .await
        .unwrap()
        .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let mut wrong_type = valid_body();
    wrong_type["contact_method"] = json!("ZqxMethodSecret");
    wrong_type["safe_days"] = json!(["ZqxDaySecret"]);
    assert_eq!(
        send(
            wrong_type.to_string().into_bytes(),
            "ZqxIdemKeyFive",
            ORIGIN_LIVIN
        )
        .await
        .unwrap()
        .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        send(b"{\"ZqxMalformed".to_vec(), "ZqxIdemKeySix", ORIGIN_LIVIN)
            .await
            .unwrap()
            .status(),
        StatusCode::BAD_REQUEST
    );
    let big = format!("{{\"safe_times_note\":\"ZqxBig{}\"}}", "x".repeat(20_000));
    assert_eq!(
        send(big.into_bytes(), "ZqxIdemKeySeven", ORIGIN_LIVIN)
            .await
            .unwrap()
            .status(),
        StatusCode::PAYLOAD_TOO_LARGE
    );
    assert_eq!(
        send(
            good.to_string().into_bytes(),
            "ZqxIdemKeyEight",
            "https://zqx-origin.example"
        )
        .await
        .unwrap()
        .status(),
        StatusCode::FORBIDDEN
    );
    let mut other = good.clone();
    other["safe_times_note"] = json!("ZqxOtherNote");
    assert_eq!(
        send(
            other.to_string().into_bytes(),
            "ZqxIdemKeyOne",
            ORIGIN_LIVIN
        )
        .await
        .unwrap()
        .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let r = c
        .request(reqwest::Method::from_bytes(b"ZQXMETHOD").unwrap(), &url)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error());

    // Staff reads: the answer holds the values, the log must not.
    let one = format!("{base}/v1/staff/requests/{request_id}");
    let r = c.get(&one).bearer_auth(TOKEN_LIVIN).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("ZqxNameSecret"));
    let r = c
        .get(format!("{base}/v1/staff/requests?status=ZqxQuerySecret"))
        .bearer_auth(TOKEN_LIVIN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = c
        .get(format!("{base}/v1/staff/requests"))
        .bearer_auth("ZqxWrongToken")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = c
        .get(format!("{base}/zqx-static-secret.js?q=ZqxStaticQuery"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // The notifier writes its line once the request has committed; give it a moment.
    tokio::time::sleep(Duration::from_millis(300)).await;
    child.start_kill().unwrap();
    child.wait().await.unwrap();

    let log = std::fs::read_to_string(&log_path).unwrap();
    for expected in [
        "POST /v1/callbacks 201 landlord=livin",
        "POST /v1/callbacks 422 landlord=livin",
        "POST /v1/callbacks 413 landlord=-",
        "GET /v1/staff/requests/{request_id} 200 landlord=livin",
        "new request waiting",
    ] {
        assert!(
            log.contains(expected),
            "the log should show {expected:?}, so the capture works:\n{log}"
        );
    }
    let lower = log.to_lowercase();
    for marker in [
        "zqx",
        "07700 900461",
        "07700900461",
        "zqxsecretmail",
        &request_id,
        TOKEN_LIVIN,
        "203.0.113.99",
        "127.0.0.1",
        "agent",
        "example.org",
        "www.livin.example",
    ] {
        assert!(
            !lower.contains(&marker.to_lowercase()),
            "the log contains {marker:?}:\n{log}"
        );
    }

    let database = safe_contact_endpoint::Config::load(&config)
        .unwrap()
        .database;
    let stored = String::from_utf8_lossy(&stored_bytes(&database)).to_lowercase();
    assert!(
        stored.contains("zqxnamesecret"),
        "the request itself is stored"
    );
    for marker in [
        "zqxagent",
        "203.0.113.99",
        "127.0.0.1",
        "zqxidemkey",
        "zqxothernote",
        "zqxbadphone",
        "zqxmalformed",
    ] {
        assert!(!stored.contains(marker), "the database contains {marker:?}");
    }
}
