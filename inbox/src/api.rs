//! Calls to the staff API under `/staff/api/`: same-origin cookie, JSON both ways, and the
//! session's CSRF token on every POST and DELETE once signed in.

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestCredentials, RequestInit, Response};

use crate::model::ApiError;

/// A refusal or failure, with the words to show.
pub struct Failure {
    /// The HTTP status, or 0 when the server could not be reached.
    pub status: u16,
    pub message: String,
}

const UNREACHABLE: &str =
    "The inbox could not reach the server. Check your connection and try again.";

/// Sends one request and returns the body of a 2xx answer.
async fn send(
    method: &str,
    path: &str,
    body: Option<String>,
    csrf: Option<&str>,
) -> Result<String, Failure> {
    let unreachable = || Failure {
        status: 0,
        message: UNREACHABLE.to_owned(),
    };
    let init = RequestInit::new();
    init.set_method(method);
    init.set_credentials(RequestCredentials::SameOrigin);
    if let Some(body) = &body {
        init.set_body(&body.into());
    }
    let request = Request::new_with_str_and_init(&format!("/staff/api/{path}"), &init)
        .map_err(|_| unreachable())?;
    let headers = request.headers();
    let _ = headers.set("Accept", "application/json");
    if body.is_some() {
        let _ = headers.set("Content-Type", "application/json");
    }
    if let Some(csrf) = csrf {
        let _ = headers.set("X-CSRF-Token", csrf);
    }
    let window = web_sys::window().ok_or_else(unreachable)?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(|_| unreachable())?
        .unchecked_into();
    let status = response.status();
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    if response.ok() {
        return Ok(text);
    }
    let message = serde_json::from_str::<ApiError>(&text)
        .map(|e| e.error)
        .unwrap_or_else(|_| match status {
            401 => "You are signed out. Sign in again.".to_owned(),
            403 => "You do not have permission to do that.".to_owned(),
            404 => "That could not be found. It may have been deleted.".to_owned(),
            _ => "Something went wrong on the server. Try again in a few minutes.".to_owned(),
        });
    Err(Failure { status, message })
}

fn read<T: DeserializeOwned>(text: &str) -> Result<T, Failure> {
    serde_json::from_str(text).map_err(|_| Failure {
        status: 0,
        message: "The server's answer could not be read. Reload the page and try again.".to_owned(),
    })
}

fn json(body: &impl Serialize) -> Option<String> {
    serde_json::to_string(body).ok()
}

pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, Failure> {
    read(&send("GET", path, None, None).await?)
}

pub async fn post<T: DeserializeOwned>(
    path: &str,
    body: &impl Serialize,
    csrf: Option<&str>,
) -> Result<T, Failure> {
    read(&send("POST", path, json(body), csrf).await?)
}

/// A POST with nothing to say but its path, such as "mark contacted".
pub async fn post_bare<T: DeserializeOwned>(path: &str, csrf: &str) -> Result<T, Failure> {
    read(&send("POST", path, None, Some(csrf)).await?)
}

/// A POST answered with 204 and no body.
pub async fn post_done(path: &str, body: &impl Serialize, csrf: &str) -> Result<(), Failure> {
    send("POST", path, json(body), Some(csrf)).await.map(drop)
}

/// A DELETE; the caller reads the answer's body if it has one.
pub async fn delete(path: &str, csrf: &str) -> Result<String, Failure> {
    send("DELETE", path, None, Some(csrf)).await
}

pub fn read_answer<T: DeserializeOwned>(text: &str) -> Result<T, Failure> {
    read(text)
}

/// The deployment, as the passphrase's salt names it: this page's own origin, which is the
/// server's `staff.base_url` (every POST must come from it), known before anything is asked.
pub fn base_url() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}
