#!/usr/bin/env bash
# Builds one of the workspace's browser apps without Trunk: the release wasm of CRATE, then
# wasm-bindgen's glue for `--target web` (a script of the app imports it as a module, so its
# page's CSP needs no inline script), into OUT_DIR as NAME.js and NAME_bg.wasm.
#   scripts/wasm-app.sh CRATE OUT_DIR NAME
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
crate=$1 out=$2 name=$3

target_dir=${CARGO_TARGET_DIR:-target}
cargo build --release --locked --target wasm32-unknown-unknown -p "$crate"
mkdir -p "$out"
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name "$name" \
  "$target_dir/wasm32-unknown-unknown/release/${crate//-/_}.wasm"
# npm's wasm-opt (on PATH from scripts/setup.sh; never Debian's 108, which breaks the wasm). The
# features are those rustc's wasm32 target turns on.
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$out/${name}_bg.wasm" -o "$out/${name}_bg.wasm"
