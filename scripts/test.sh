#!/usr/bin/env bash
# Installs what the tests need, builds the widget, then runs every test: native Rust tests
# and browser tests in Debian's Chromium.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# fonts-noto-core holds system fonts for Urdu (Nastaliq) and Arabic: the widget fetches no
# web font, so the languages tests need the page's own fonts to draw those panels. sqlite3 is
# how the staff browser test swaps a member's key in the database, as an attacker could.
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null \
  || ! command -v sqlite3 >/dev/null || ! fc-list :lang=ur family | grep -q .; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-core sqlite3 >/dev/null
fi

scripts/build.sh
source scripts/setup.sh
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
# The browser crates' own code is compiled only for wasm, so it is checked there too.
cargo clippy --locked -p safe-contact-widget -p safe-contact-ui -p safe-contact-form -p safe-contact-inbox \
  --target wasm32-unknown-unknown -- -D warnings

# The endpoint's PostgreSQL tests run against a real, throw-away server (installed here if
# missing), which is stopped and deleted however the run ends.
PG_DIR="$PWD/target/test-postgres"
scripts/postgres.sh stop "$PG_DIR" 2>/dev/null || true
trap 'scripts/postgres.sh stop "$PG_DIR" >/dev/null 2>&1 || true' EXIT
SAFE_CONTACT_TEST_POSTGRES=$(scripts/postgres.sh start "$PG_DIR")
export SAFE_CONTACT_TEST_POSTGRES SAFE_CONTACT_TEST_POSTGRES_DIR="$PG_DIR"

cargo test --workspace --locked
# The tests written for PostgreSQL (ignored without a server), then the endpoint's other tests
# once more, every one on PostgreSQL.
cargo test --locked -p safe-contact-endpoint --test endpoint -- --ignored
SAFE_CONTACT_TEST_STORE=postgres cargo test --locked -p safe-contact-endpoint --test endpoint
node --test --test-concurrency=1 tests/e2e/
