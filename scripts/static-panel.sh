#!/usr/bin/env bash
# Puts the demo support page's panel into dist/demo/support.html as plain HTML, as a landlord
# pastes it: inside the inline panel's target, so that the page's help shows before the wasm
# and with JavaScript off. Run after the build; running it again replaces the copy.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$HOME/.cargo/bin:$PATH"

page=dist/demo/support.html
# The landlord the page's own snippet names.
profile="public/profiles/$(grep -o 'data-profile="[^"]*"' public/demo/support.html | head -n 1 | cut -d '"' -f 2).json"
validate() { cargo run --locked -q -p safe-contact-validate -- "$@"; }

fragment=$(mktemp)
trap 'rm -f "$fragment"' EXIT
validate --panel-html "$profile" >"$fragment"
node - "$page" "$fragment" <<'EOF'
const { readFileSync, writeFileSync } = require("node:fs");
const [page, fragment] = process.argv.slice(2);
const html = readFileSync(page, "utf8");
const open = '<div id="safe-contact-support" class="support-mount">';
const start = html.indexOf(open);
if (start < 0 || html.indexOf(open, start + 1) >= 0) {
  console.error(`static-panel: ${page} needs exactly one ${open}</div>`);
  process.exit(1);
}
// Whatever is in the target now (nothing, or an earlier copy) goes, up to its own </div>.
// Every text in a copy is escaped, so each "<div" and "</div>" in it is a tag.
const tags = /<div\b|<\/div>/g;
tags.lastIndex = start + open.length;
let depth = 1, tag;
while (depth > 0 && (tag = tags.exec(html))) depth += tag[0] == "</div>" ? -1 : 1;
if (depth > 0) {
  console.error(`static-panel: ${page}: the target's </div> is missing`);
  process.exit(1);
}
const inside = readFileSync(fragment, "utf8").trimEnd();
writeFileSync(page, html.slice(0, start + open.length) + inside + html.slice(tag.index));
EOF
validate --check-panel-html "$page" "$profile"
# A compressed copy made before this would be served in place of the page.
node scripts/precompress.mjs dist/demo
