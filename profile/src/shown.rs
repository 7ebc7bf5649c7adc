//! What the browser gets of the content: everything the panel and the form show, without the
//! sources and dates behind it. The validator checks those in the files people edit; the panel
//! never shows them, and they are a third of each file, which a phone would otherwise download
//! with every open. `build.rs` uses this for the national content built into the wasm, the
//! endpoint for the profile in the form's page, and `scripts/catalogues.mjs` keeps the same list
//! for the files the browser fetches.

use serde_json::Value;

/// What only the people who check the content read.
pub const NOT_SHOWN: [&str; 4] = ["source", "checked", "source_date", "sources"];

/// `value` without [`NOT_SHOWN`] members, at any depth.
pub fn shown(value: &mut Value) {
    match value {
        Value::Object(members) => {
            members.retain(|key, _| !NOT_SHOWN.contains(&key.as_str()));
            members.values_mut().for_each(shown);
        }
        Value::Array(items) => items.iter_mut().for_each(shown),
        _ => {}
    }
}
