//! For the crash tests: requests sent while a server may die under them, and their retries.

use std::time::Duration;

use reqwest::StatusCode;

use super::{new_uuid, post_raw, valid_body, ORIGIN_LIVIN};

/// A request sent under load, and whether its 201 arrived.
pub struct Sent {
    pub key: String,
    pub request_id: String,
    pub body: Vec<u8>,
    pub confirmed: bool,
}

/// Sends one new valid request to `url` with a new key. A server that answers at all answers
/// 201 or a 5xx, never anything else. `Err` when no answer came: the request is in doubt.
pub async fn send_new(client: &reqwest::Client, url: &str) -> Result<Sent, Sent> {
    let body = valid_body();
    let request_id = body["request_id"].as_str().unwrap().to_owned();
    let (key, body) = (new_uuid(), body.to_string().into_bytes());
    let result = client
        .post(url)
        .header("origin", ORIGIN_LIVIN)
        .header("content-type", "application/json")
        .header("idempotency-key", &key)
        .body(body.clone())
        .send()
        .await;
    if let Ok(r) = &result {
        assert!(
            r.status() == StatusCode::CREATED || r.status().is_server_error(),
            "{}",
            r.status()
        );
    }
    let confirmed = matches!(&result, Ok(r) if r.status() == StatusCode::CREATED);
    let sent = Sent {
        key,
        request_id,
        body,
        confirmed,
    };
    if result.is_err() {
        Err(sent)
    } else {
        Ok(sent)
    }
}

/// Sends each request again to `base` with its own key and body, as a client that never heard
/// back does, and expects 201 with its own request id.
pub async fn retry<'a>(base: &str, sent: impl IntoIterator<Item = &'a Sent>) {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    for s in sent {
        let a = post_raw(
            &client,
            &format!("{base}/v1/callbacks"),
            s.body.clone(),
            &s.key,
            ORIGIN_LIVIN,
        )
        .await;
        assert_eq!(
            a.status,
            StatusCode::CREATED,
            "retry of {} got {}",
            s.request_id,
            a.json
        );
        assert_eq!(a.json["request_id"], s.request_id.as_str());
    }
}
