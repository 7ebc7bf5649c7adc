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
cargo build --locked -q -p safe-contact-endpoint
staff() { target/debug/safe-contact-staff --config endpoint/demo.toml "$@" 2>&1; }
echo
echo "Staff inbox: http://127.0.0.1:8080/staff/"
echo "One invite link per seed landlord, for its demo lead (each works once, for 24 hours):"
for id in stoke-on-trent chesterfield star-housing stockport-homes livin; do
  lead="lead@$id.example"
  if out=$(staff invite "$id" "$lead" --role lead); then
    echo "  $id: $(grep -o 'http[^ ]*#invite=[^ ]*' <<<"$out")"
  elif grep -q "already" <<<"$out"; then
    echo "  $id: $lead is already enrolled; sign in with it"
  else
    echo "$out" >&2
    exit 1
  fi
done
echo "After enrolling, give the lead the landlord key from its demo key file, with the security"
echo "number their inbox showed when they set up, for example:"
echo "  target/debug/safe-contact-staff --config endpoint/demo.toml grant livin lead@livin.example --key endpoint/demo-keys/livin.key --fingerprint \"NNNN NNNN NNNN NNNN NNNN NNNN\""
echo
echo "Demo: http://127.0.0.1:8080/  (staff token for landlord X: demo-staff-token-X)"
exec target/debug/safe-contact-endpoint --config endpoint/demo.toml
