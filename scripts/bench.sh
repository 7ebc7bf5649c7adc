#!/usr/bin/env bash
# Builds the widget and prints its sizes and response times, then its weight on an emulated
# slow phone against the reference endpoint; Lighthouse on the Livin page with no snippet, the
# inline and the external snippet, on a second page view with a warm cache, and on the support
# page with and without the widget; and the staff inbox's unlock and enrolment times (Argon2id
# in the browser) and size. Figures only, never pass or fail.
#   scripts/bench.sh [runs] [weight-runs] [inbox-runs] [lighthouse-runs]   (defaults 10, 3, 5 and 3)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/build.sh
cargo build --locked -p safe-contact-endpoint
# Lighthouse is for the benchmark only, so it stays out of package.json (CI's npm ci stays
# fast) and out of node_modules (the tests' dependencies stay as the lock file says). It uses
# Debian's Chromium; no browser is downloaded.
tools=target/bench-tools
if [ ! -x "$tools/node_modules/.bin/lighthouse" ]; then
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-save --no-audit --no-fund lighthouse@12
fi
node bench/widget.mjs "${1:-10}"
node bench/weight.mjs "${2:-3}"
LIGHTHOUSE="$PWD/$tools/node_modules/.bin/lighthouse" node bench/lighthouse.mjs "${4:-3}"
node bench/inbox.mjs "${3:-5}"
