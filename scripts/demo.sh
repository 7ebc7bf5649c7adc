#!/usr/bin/env bash
# Sets up and builds the widget, then starts the reference endpoint, which serves the demo
# pages and takes call-back requests (SQLite under target/), on http://127.0.0.1:8080/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/build.sh
source scripts/setup.sh
# git keeps no owner-only mode, and the staff tool expects it on private keys.
chmod 600 endpoint/demo-keys/*.key
# demo.toml keeps its SQLite database here; SQLite does not make folders.
mkdir -p target/safe-contact-demo
echo "Demo: http://127.0.0.1:8080/  (staff token for landlord X: demo-staff-token-X)"
exec cargo run --locked -p safe-contact-endpoint -- --config endpoint/demo.toml
