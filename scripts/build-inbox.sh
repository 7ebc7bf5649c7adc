#!/usr/bin/env bash
# Builds the staff inbox into dist/staff/: the release wasm, wasm-bindgen's glue for
# `--target web` (boot.js imports it as a module, so no inline script is needed under the
# inbox's CSP), and the three static files.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$HOME/.cargo/bin:$PATH"

target_dir=${CARGO_TARGET_DIR:-target}
cargo build --release --locked --target wasm32-unknown-unknown -p safe-contact-inbox
mkdir -p dist/staff
wasm-bindgen --target web --no-typescript --out-dir dist/staff --out-name safe-contact-inbox \
  "$target_dir/wasm32-unknown-unknown/release/safe_contact_inbox.wasm"
cp inbox/index.html inbox/boot.js inbox/style.css dist/staff/
