#!/usr/bin/env bash
# Builds the widget into dist/: the loader, the wasm app, the call-back form's frame, profiles,
# schemas and demo pages.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh

trunk build --release
# The loader runs on every page, so it is minified (tests/e2e/size.test.mjs holds its budget);
# the readable source in public/ is the one to edit. ES2015 output (arrow functions), so the
# minified file needs no newer syntax than the source itself uses.
terser public/safe-contact.js --ecma 2015 --compress passes=3,unsafe,unsafe_arrows --mangle --output dist/safe-contact.js
# wasm-bindgen's glue is loaded with the panel on every first open: minified, it is a third smaller.
terser dist/safe-contact-widget.js --module --compress passes=2 --mangle --output dist/safe-contact-widget.js
# The demo pages that show the inline snippet get the loader pasted in, as a landlord would.
node scripts/snippet.mjs --demo dist
# The support page holds the panel's help as plain HTML from the start, as a landlord would
# paste it, so it shows at once and with JavaScript off.
scripts/static-panel.sh
# After Trunk, which empties dist/ first.
node scripts/catalogues.mjs dist
scripts/build-form.sh
scripts/build-inbox.sh
# Last, so the compressed copies match the final files, the minified loader included.
node scripts/precompress.mjs dist
