//! The browser's copy of the national content: `content/national.json` without the sources
//! and dates behind each contact and section. The validator checks them in the full file; the
//! panel never shows them, and they are a third of the file, which every phone would download
//! twice (in the panel's wasm and in the form's). `scripts/catalogues.mjs` makes the same cut
//! for the files the browser fetches.

use std::path::Path;

use serde_json::Value;

/// What only the people who check the content read. Keep in step with `NOT_SHOWN` in
/// `scripts/catalogues.mjs`.
const NOT_SHOWN: [&str; 4] = ["source", "checked", "source_date", "sources"];

fn shown(value: &mut Value) {
    match value {
        Value::Object(members) => {
            members.retain(|key, _| !NOT_SHOWN.contains(&key.as_str()));
            members.values_mut().for_each(shown);
        }
        Value::Array(items) => items.iter_mut().for_each(shown),
        _ => {}
    }
}

fn main() {
    let from = "content/national.json";
    println!("cargo::rerun-if-changed={from}");
    let text = std::fs::read_to_string(from).expect("content/national.json");
    // A broken file is left for the tests to report with their own message.
    let out = match serde_json::from_str::<Value>(&text) {
        Ok(mut value) => {
            shown(&mut value);
            value.to_string()
        }
        Err(_) => text,
    };
    let dir = std::env::var("OUT_DIR").expect("OUT_DIR");
    std::fs::write(Path::new(&dir).join("national.shown.json"), out).expect("OUT_DIR is writable");
}
