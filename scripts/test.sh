#!/usr/bin/env bash
# Installs what the tests need, builds the widget, then runs every test: native Rust tests
# and browser tests in Debian's Chromium.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi

scripts/build.sh
source scripts/setup.sh

cargo test --workspace --locked
node --test --test-concurrency=1 tests/e2e/
