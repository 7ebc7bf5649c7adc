#!/usr/bin/env bash
# Builds the widget and prints its sizes and response times. Figures only, never pass or fail.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/build.sh
node bench/widget.mjs "${1:-10}"
