use safe_contact_callback::{
    answered_fields, field_errors_from_json, FieldError, MAX_RETRY_AFTER_SECS,
};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, Headers, ReferrerPolicy, RequestCache, RequestCredentials, RequestInit,
    Response,
};

use crate::draft::Attempt;

/// Tries in all, the first included. With the waits below the last try starts about
/// 7 seconds after the first, short enough that the person is not left wondering.
pub const TRIES: u32 = 4;
/// Each try gives up after this long, so a hanging network cannot freeze the form.
const TIMEOUT_MS: u32 = 10_000;
/// The longest wait a server's Retry-After may ask for that we sit out before trying again.
/// Longer ones end the tries, and the person is told when to try again.
const MAX_WAIT_MS: u32 = 10_000;

/// How one try ended.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    Sent,
    /// The endpoint refused the answers; the person can correct them.
    Refused(Vec<FieldError>),
    /// Worth trying again after `wait_ms`: no answer, 408, 409 (the same request still in
    /// flight), 429 or a server error.
    Retry {
        wait_ms: u32,
    },
    /// Not now: the endpoint asked for a wait longer than we sit out. The person can send
    /// again themselves after `wait_secs`.
    Later {
        wait_secs: u32,
    },
    /// Trying again cannot help (for example the landlord is not set up on this endpoint).
    Failed,
}

/// The wait before try number `next` (2, 3, ...): 1 s, 2 s, 4 s.
pub fn backoff_ms(next: u32) -> u32 {
    1000 << next.saturating_sub(2).min(4)
}

/// Decides what an HTTP answer means for the form.
pub fn outcome(status: u16, retry_after: Option<&str>, body: &str, next: u32) -> Outcome {
    match status {
        200 | 201 => Outcome::Sent,
        408 | 409 | 429 | 500..=599 => {
            // The endpoint never asks for more than the shared ceiling; a server that does
            // is held to it, so the person is never told to wait longer.
            let asked = retry_after
                .and_then(|s| s.trim().parse::<u64>().ok())
                .map(|s| s.min(MAX_RETRY_AFTER_SECS) as u32);
            match asked {
                Some(secs) if secs.saturating_mul(1000) > MAX_WAIT_MS => {
                    Outcome::Later { wait_secs: secs }
                }
                Some(secs) => Outcome::Retry {
                    wait_ms: secs * 1000,
                },
                None => Outcome::Retry {
                    wait_ms: backoff_ms(next),
                },
            }
        }
        400 | 422 => match field_errors_from_json(body) {
            // Only answers about the form's own questions can be put right by the person.
            Some(errors)
                if !errors.is_empty()
                    && errors
                        .iter()
                        .all(|x| answered_fields().contains(&x.field.as_str())) =>
            {
                Outcome::Refused(errors)
            }
            _ => Outcome::Failed,
        },
        _ => Outcome::Failed,
    }
}

/// Sends the request (sealed when the attempt carries an envelope), trying again with the
/// same idempotency key and the same bytes while that can help.
pub async fn send(endpoint: &str, attempt: &Attempt) -> Outcome {
    let (endpoint, body) = match &attempt.sealed {
        Some(sealed) => (
            crate::sealing::sealed_endpoint(endpoint),
            sealed.envelope.clone(),
        ),
        None => (endpoint.to_string(), attempt.request.to_json()),
    };
    let endpoint = endpoint.as_str();
    let mut last = Outcome::Failed;
    for n in 1..=TRIES {
        last = match try_once(endpoint, &attempt.idempotency_key, &body).await {
            Ok((status, retry_after, text)) => {
                outcome(status, retry_after.as_deref(), &text, n + 1)
            }
            Err(_) => Outcome::Retry {
                wait_ms: backoff_ms(n + 1),
            },
        };
        match &last {
            Outcome::Retry { wait_ms } if n < TRIES => sleep(*wait_ms).await,
            _ => break,
        }
    }
    match last {
        Outcome::Retry { .. } => Outcome::Failed,
        done => done,
    }
}

async fn try_once(
    endpoint: &str,
    key: &str,
    body: &str,
) -> Result<(u16, Option<String>, String), JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let headers = Headers::new()?;
    headers.set("Content-Type", "application/json")?;
    headers.set("Idempotency-Key", key)?;
    let abort = AbortController::new()?;
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(body));
    // No cookies, no referrer and nothing cached: the request carries only what the person chose.
    init.set_credentials(RequestCredentials::Omit);
    init.set_referrer_policy(ReferrerPolicy::NoReferrer);
    init.set_cache(RequestCache::NoStore);
    init.set_signal(Some(&abort.signal()));
    let timer = {
        let abort = abort.clone();
        gloo_timers::callback::Timeout::new(TIMEOUT_MS, move || abort.abort())
    };
    let response: Response = JsFuture::from(window.fetch_with_str_and_init(endpoint, &init))
        .await?
        .dyn_into()?;
    let text = JsFuture::from(response.text()?)
        .await?
        .as_string()
        .unwrap_or_default();
    drop(timer);
    Ok((
        response.status(),
        response.headers().get("Retry-After")?,
        text,
    ))
}

async fn sleep(ms: u32) {
    gloo_timers::future::TimeoutFuture::new(ms).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_from_one_second() {
        assert_eq!(
            [backoff_ms(2), backoff_ms(3), backoff_ms(4)],
            [1000, 2000, 4000]
        );
    }

    #[test]
    fn only_answers_that_a_retry_can_mend_are_retried() {
        assert_eq!(outcome(201, None, "", 2), Outcome::Sent);
        for status in [408, 409, 429, 500, 502, 503] {
            assert!(
                matches!(
                    outcome(status, None, "", 2),
                    Outcome::Retry { wait_ms: 1000 }
                ),
                "{status}"
            );
        }
        assert_eq!(
            outcome(429, Some("3"), "", 2),
            Outcome::Retry { wait_ms: 3000 }
        );
        assert_eq!(outcome(403, None, "", 2), Outcome::Failed);
        assert_eq!(outcome(413, None, "", 2), Outcome::Failed);
    }

    #[test]
    fn a_long_wait_is_left_to_the_person_and_never_longer_than_the_shared_ceiling() {
        assert_eq!(
            outcome(429, Some("10"), "", 2),
            Outcome::Retry { wait_ms: 10_000 }
        );
        assert_eq!(
            outcome(429, Some("11"), "", 2),
            Outcome::Later { wait_secs: 11 }
        );
        assert_eq!(
            outcome(503, Some("99999999999"), "", 2),
            Outcome::Later {
                wait_secs: MAX_RETRY_AFTER_SECS as u32
            }
        );
    }

    #[test]
    fn field_errors_from_the_endpoint_reach_the_form() {
        let body = r#"{"errors":[{"field":"contact","message":"Enter a UK phone number"}]}"#;
        match outcome(422, None, body, 2) {
            Outcome::Refused(errors) => assert_eq!(errors[0].field, "contact"),
            other => panic!("{other:?}"),
        }
        assert_eq!(outcome(422, None, "not json", 2), Outcome::Failed);
        let key_id = r#"{"errors":[{"field":"key_id","message":"Unknown key"}]}"#;
        assert_eq!(outcome(422, None, key_id, 2), Outcome::Failed);
    }
}
