#!/usr/bin/env bash
# Installs what building the widget needs, skipping anything already in place.
# Sourced by the other scripts, so PATH changes carry over.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

TRUNK_VERSION=0.21.14
# Must equal the wasm-bindgen in Cargo.lock exactly.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)

export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

# rust-toolchain.toml names the compiler, its wasm target, clippy and rustfmt.
rustup toolchain install >/dev/null

if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  echo "Installing trunk $TRUNK_VERSION (about 8 minutes on 2 cores)"
  cargo install trunk --locked --version "$TRUNK_VERSION"
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  echo "Installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 3 minutes)"
  # --locked fails here: one locked dependency version is missing from the registry.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# npm's binaryen gives a wasm-opt that works; Debian's (version 108) silently breaks the wasm.
# node_modules/.bin comes first on PATH and Trunk.toml pins version_132, so Trunk refuses any other.
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -x node_modules/.bin/terser ] || [ ! -d node_modules/playwright-core ]; then
  npm ci --no-audit --no-fund
fi

# Trunk runs cargo offline, so every crate must be here first.
cargo fetch --locked >/dev/null
