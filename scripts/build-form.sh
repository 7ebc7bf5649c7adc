#!/usr/bin/env bash
# Builds the call-back form's frame into dist/form/: the release wasm, wasm-bindgen's glue
# (frame.js imports it as a module, as the frame page's CSP allows no inline script), the
# frame's first script and its styles. The endpoint serves these from its own origin.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

target_dir=${CARGO_TARGET_DIR:-target}
cargo build --release --locked --target wasm32-unknown-unknown -p safe-contact-form
mkdir -p dist/form
wasm-bindgen --target web --no-typescript --out-dir dist/form --out-name safe-contact-form \
  "$target_dir/wasm32-unknown-unknown/release/safe_contact_form.wasm"
# npm's wasm-opt (never Debian's 108, which breaks the wasm), with the features rustc's wasm32
# target turns on.
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  dist/form/safe-contact-form_bg.wasm -o dist/form/safe-contact-form_bg.wasm
terser dist/form/safe-contact-form.js --module --compress passes=2 --mangle --output dist/form/safe-contact-form.js
terser form/static/frame.js --ecma 2015 --compress passes=3 --mangle --output dist/form/frame.js
cp form/static/form.css dist/form/
