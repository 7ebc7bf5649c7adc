#!/usr/bin/env bash
# Builds the staff inbox into dist/staff/: its wasm and glue (boot.js imports the glue as a
# module, so no inline script is needed under the inbox's CSP; wasm-opt makes 1.7 MB about
# 0.7 MB), and the three static files.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/wasm-app.sh safe-contact-inbox dist/staff safe-contact-inbox
cp inbox/index.html inbox/boot.js inbox/style.css dist/staff/
