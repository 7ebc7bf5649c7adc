#!/usr/bin/env bash
# Sets up, builds and serves the demo on http://127.0.0.1:8080/ until stopped.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/build.sh
echo "Demo: http://127.0.0.1:8080/"
exec python3 -m http.server 8080 --bind 127.0.0.1 --directory dist
