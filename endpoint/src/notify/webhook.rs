//! The webhook: a POST of exactly `{"landlord": id, "new_requests": true}` or
//! `{"landlord": id, "limit_reached": true}`.

use std::time::Duration;

use serde_json::json;

use super::Kind;

const ATTEMPTS: u32 = 3;

pub(super) fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        // A redirect could take the ping somewhere the landlord never configured.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("the HTTP client's settings are fixed and valid")
}

/// Posts in the background, trying a few times over a few seconds.
pub(super) fn send(client: &reqwest::Client, url: &str, landlord: &str, kind: Kind) {
    let (client, url, landlord) = (client.clone(), url.to_owned(), landlord.to_owned());
    let body = match kind {
        Kind::NewRequests => json!({ "landlord": landlord, "new_requests": true }),
        Kind::LimitReached => json!({ "landlord": landlord, "limit_reached": true }),
    };
    tokio::spawn(async move {
        for attempt in 1..=ATTEMPTS {
            match client.post(&url).json(&body).send().await {
                Ok(r) if r.status().is_success() => return,
                // The address is left out of the log: it may carry a secret.
                Ok(r) => {
                    tracing::warn!(landlord = %landlord, status = r.status().as_u16(), attempt, "notification refused")
                }
                Err(_) => {
                    tracing::warn!(landlord = %landlord, attempt, "notification not delivered")
                }
            }
            if attempt < ATTEMPTS {
                tokio::time::sleep(Duration::from_secs(2u64.pow(attempt))).await;
            }
        }
    });
}
