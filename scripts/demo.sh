#!/usr/bin/env bash
# The demo reconcile, end to end on one machine: installs and builds, starts fake-graph
# with the demo fixture on a free port, then mirrors, plans, applies and writes a drift
# report as HTML. Everything it writes goes to demo-out/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
./scripts/bootstrap.sh
# Only the two programs the demo runs: the test command builds the tests and benchmarks.
echo "demo: building tenantsync and fake-graph (a few minutes on a fresh machine)" >&2
BUILD_TARGETS="tenantsync fake-graph" ./scripts/build.sh >/dev/null
bin="$root/${BUILD_DIR:-build}"
out="$root/demo-out"
rm -rf "$out" && mkdir -p "$out"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Starting fake-graph with fakes/fixtures/demo.json, over https with a test CA"
"$bin/fake-graph" --listen 127.0.0.1:0 --tls-self-signed "$out/tls" \
  --fixture fakes/fixtures/demo.json >"$out/fake-graph.out" 2>"$out/fake-graph.log" &
fake_pid=$!
trap 'kill $fake_pid 2>/dev/null || true; wait $fake_pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  url=$(head -n1 "$out/fake-graph.out" 2>/dev/null | sed -n 's/^listening on //p')
  [ -n "$url" ] && break
  kill -0 $fake_pid 2>/dev/null || { cat "$out/fake-graph.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "fake-graph did not start" >&2; exit 1; }
echo "fake-graph is serving $url"

# The example config with the fake's address, its test CA and the demo's paths.
sed -e "s#http://127.0.0.1:8765#$url#g" \
    -e "s#// \"caFile\": \"ca.pem\",#\"caFile\": \"$out/tls/ca.pem\",#" \
    -e "s#\"desired\": \"examples/desired\"#\"desired\": \"$root/examples/desired\"#" \
    config.example.json >"$out/tenantsync.json"
export TENANTSYNC_CONFIG="$out/tenantsync.json"
export TENANTSYNC_CLIENT_SECRET=demo-secret
ts="$bin/tenantsync"
# Exit 2 (changes) and 3 (partly done: the demo fixture has blocked operations on purpose)
# are expected outcomes here; anything else stops the demo.
expect_ok() { "$@" || { rc=$?; [ $rc -eq 2 ] || [ $rc -eq 3 ] || exit $rc; }; }

step "tenantsync mirror"
"$ts" mirror

step "tenantsync plan"
expect_ok "$ts" plan --no-refresh --out "$out/plan.json"

step "tenantsync apply --plan $out/plan.json --yes"
expect_ok "$ts" apply --plan "$out/plan.json" --yes

step "tenantsync drift --format html"
expect_ok "$ts" drift --format html --out "$out/drift.html"
expect_ok "$ts" drift --no-refresh

step "Done"
echo "Drift report: $out/drift.html"
echo "Plan:         $out/plan.json"
echo "Cache:        $out/tenantsync.db"
