#!/usr/bin/env bash
# Builds the call-back form's frame into dist/form/: its wasm and glue, the frame's first script
# and its styles. The endpoint serves these from its own origin.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

scripts/wasm-app.sh safe-contact-form dist/form safe-contact-form
terser dist/form/safe-contact-form.js --module --compress passes=2 --mangle --output dist/form/safe-contact-form.js
terser form/static/frame.js --ecma 2015 --compress passes=3 --mangle --output dist/form/frame.js
# What the frame shares with the panel, then its own.
cat style/base.css form/static/form.css > dist/form/form.css
