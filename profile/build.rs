//! The browser's copy of the national content: `content/national.json` without the sources and
//! dates behind it (see `src/shown.rs`).

use std::path::Path;

#[path = "src/shown.rs"]
#[allow(dead_code)] // NOT_SHOWN is for the crate's users; the build needs only `shown`.
mod shown;

fn main() {
    let from = "content/national.json";
    println!("cargo::rerun-if-changed={from}");
    println!("cargo::rerun-if-changed=src/shown.rs");
    let text = std::fs::read_to_string(from).expect("content/national.json");
    // A broken file is left for the tests to report with their own message.
    let out = match serde_json::from_str(&text) {
        Ok(mut value) => {
            shown::shown(&mut value);
            value.to_string()
        }
        Err(_) => text,
    };
    let dir = std::env::var("OUT_DIR").expect("OUT_DIR");
    std::fs::write(Path::new(&dir).join("national.shown.json"), out).expect("OUT_DIR is writable");
}
