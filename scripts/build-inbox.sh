#!/usr/bin/env bash
# Builds the staff inbox into dist/staff/: the release wasm, wasm-bindgen's glue for
# `--target web` (boot.js imports it as a module, so no inline script is needed under the
# inbox's CSP), and the three static files.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

target_dir=${CARGO_TARGET_DIR:-target}
cargo build --release --locked --target wasm32-unknown-unknown -p safe-contact-inbox
mkdir -p dist/staff
wasm-bindgen --target web --no-typescript --out-dir dist/staff --out-name safe-contact-inbox \
  "$target_dir/wasm32-unknown-unknown/release/safe_contact_inbox.wasm"
# npm's wasm-opt (on PATH from scripts/setup.sh; never Debian's 108, which breaks the wasm):
# 1.7 MB becomes about 0.7 MB. The features are those rustc's wasm32 target turns on.
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  dist/staff/safe-contact-inbox_bg.wasm -o dist/staff/safe-contact-inbox_bg.wasm
cp inbox/index.html inbox/boot.js inbox/style.css dist/staff/
