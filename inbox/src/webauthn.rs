//! The browser's passkey ceremonies, with its own WebAuthn JSON methods: the server's options go
//! in through `PublicKeyCredential.parseCreationOptionsFromJSON` / `parseRequestOptionsFromJSON`
//! and the answer comes out through `toJSON()`, so no bytes are converted here by hand. web-sys
//! has these only behind `web_sys_unstable_apis`, hence the small binding below.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{CredentialCreationOptions, CredentialRequestOptions, PublicKeyCredential};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = PublicKeyCredential, js_name = parseCreationOptionsFromJSON)]
    fn parse_creation_options(json: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = PublicKeyCredential, js_name = parseRequestOptionsFromJSON)]
    fn parse_request_options(json: &JsValue) -> Result<JsValue, JsValue>;
    /// A `PublicKeyCredential` seen only for its `toJSON()` (a method cannot be added to
    /// web-sys's own type).
    type ToJson;
    /// `RegistrationResponseJSON` or `AuthenticationResponseJSON`.
    #[wasm_bindgen(catch, method, js_name = toJSON)]
    fn to_json(this: &ToJson) -> Result<JsValue, JsValue>;
}

/// Why a ceremony gave no passkey.
pub enum Failed {
    /// The person cancelled, the time ran out, or the device could not check it was them
    /// (`NotAllowedError`).
    NotUsed,
    /// This device already holds one of the member's passkeys (`InvalidStateError`).
    AlreadyHere,
    /// Anything else: the browser or device could not do it.
    Other,
}

fn failed(e: JsValue) -> Failed {
    let name = js_sys::Reflect::get(&e, &"name".into())
        .ok()
        .and_then(|n| n.as_string())
        .unwrap_or_default();
    match name.as_str() {
        "NotAllowedError" | "AbortError" => Failed::NotUsed,
        "InvalidStateError" => Failed::AlreadyHere,
        _ => Failed::Other,
    }
}

/// Whether this browser can make and use passkeys with the JSON methods above.
pub fn supported() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &"PublicKeyCredential".into())
        .ok()
        .filter(|c| !c.is_undefined())
        .and_then(|c| js_sys::Reflect::get(&c, &"parseRequestOptionsFromJSON".into()).ok())
        .is_some_and(|f| f.is_function())
}

fn options_json(public_key: &serde_json::Value) -> Result<JsValue, Failed> {
    let text = serde_json::to_string(public_key).map_err(|_| Failed::Other)?;
    js_sys::JSON::parse(&text).map_err(|_| Failed::Other)
}

async fn answer(promise: Result<js_sys::Promise, JsValue>) -> Result<serde_json::Value, Failed> {
    let credential: PublicKeyCredential = JsFuture::from(promise.map_err(failed)?)
        .await
        .map_err(failed)?
        .dyn_into()
        .map_err(|_| Failed::Other)?;
    let json = credential
        .unchecked_ref::<ToJson>()
        .to_json()
        .map_err(|_| Failed::Other)?;
    let text: String = js_sys::JSON::stringify(&json)
        .map_err(|_| Failed::Other)?
        .into();
    serde_json::from_str(&text).map_err(|_| Failed::Other)
}

fn container() -> Result<web_sys::CredentialsContainer, Failed> {
    Ok(web_sys::window()
        .ok_or(Failed::Other)?
        .navigator()
        .credentials())
}

/// Makes a passkey with the server's creation options; the browser's `RegistrationResponseJSON`.
pub async fn create(public_key: &serde_json::Value) -> Result<serde_json::Value, Failed> {
    let parsed = parse_creation_options(&options_json(public_key)?).map_err(|_| Failed::Other)?;
    let options = CredentialCreationOptions::new();
    options.set_public_key(parsed.unchecked_ref());
    answer(container()?.create_with_options(&options)).await
}

/// Uses a passkey with the server's request options; the browser's `AuthenticationResponseJSON`.
pub async fn get(public_key: &serde_json::Value) -> Result<serde_json::Value, Failed> {
    let parsed = parse_request_options(&options_json(public_key)?).map_err(|_| Failed::Other)?;
    let options = CredentialRequestOptions::new();
    options.set_public_key(parsed.unchecked_ref());
    answer(container()?.get_with_options(&options)).await
}
