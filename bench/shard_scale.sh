#!/usr/bin/env bash
# Shards on one machine (issue #21): N = 1, 2, 4 `tenantsync mirror --shard k/N` processes
# at once against one fake-graph, then each shard's drift merged with `report merge`.
# Checks that every tenant was mirrored by exactly one shard and that the merged drift
# equals the single process's; prints wall and CPU per N. Not a test: figures go to
# BENCHMARKS.md.
#
# Usage: bench/shard_scale.sh [TENANTS [USERS]]   (default 2000 x 200; build/ must be built)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$root/build}
tenants=${1:-2000}
users=${2:-200}
work=$(mktemp -d /tmp/shard-scale-XXXXXX)
trap 'kill "$fake_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"

"$build/fake-graph" --generate "tenants=$tenants,users=$users,skus=4,seed=1" \
  --listen 127.0.0.1:0 >fake.out 2>fake.err &
fake_pid=$!
for _ in $(seq 100); do grep -q listening fake.out 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' fake.out)
export SEC=generated-secret
config() {  # config FILE CACHE
  cat >"$1" <<JSON
{"cache": "$2", "tenants": "all",
 "remote": {"graphUrl": "$url/v1.0", "authorityUrl": "$url",
            "partnerTenant": "partner.onmicrosoft.com",
            "clientId": "11111111-1111-1111-1111-111111111111", "clientSecretEnv": "SEC"}}
JSON
}
ts() { "$build/tenantsync" --log-level warn --no-progress "$@"; }
cpu_of() { awk '{ print $1 + $2 }' "$1"; }  # user + sys seconds from /usr/bin/time -f "%U %S"

echo "machine: $(nproc) cores, $(uname -m); estate: $tenants tenants x $users users"
printf '%-3s %10s %14s %18s %22s\n' N wall "CPU (sum)" "CPU (busiest)" "tenants mirrored"
for n in 1 2 4; do
  start=$(date +%s.%N)
  pids=()
  for k in $(seq 0 $((n - 1))); do
    config "c$n-$k.json" "n$n-$k.db"
    /usr/bin/time -f "%U %S" -o "time$n-$k" \
      "$build/tenantsync" --config "c$n-$k.json" --log-level warn --no-progress \
      mirror --shard "$k/$n" >/dev/null &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  wall=$(echo "$(date +%s.%N) - $start" | bc)
  cpu=0 busiest=0
  for k in $(seq 0 $((n - 1))); do
    one=$(cpu_of "time$n-$k")
    cpu=$(echo "$cpu + $one" | bc)
    busiest=$(echo "if ($one > $busiest) $one else $busiest" | bc)
  done
  total=0 distinct=""
  for k in $(seq 0 $((n - 1))); do
    total=$((total + $(sqlite3 "n$n-$k.db" "SELECT count(*) FROM tenants")))
    distinct+=$(sqlite3 "n$n-$k.db" "SELECT id FROM tenants")$'\n'
  done
  unique=$(printf '%s' "$distinct" | sed '/^$/d' | sort -u | wc -l)
  printf '%-3s %9.2fs %13.2fs %17.2fs %14s rows, %s ids\n' "$n" "$wall" "$cpu" "$busiest" "$total" \
    "$unique"
  if [[ $total != "$tenants" || $unique != "$tenants" ]]; then
    echo "FAIL: N=$n mirrored $total tenant rows, $unique distinct, of $tenants" >&2
    exit 1
  fi
done

# Drift: the estate exported from the single process's cache, with one license taken
# away from the first user of every tenant whose index is a multiple of 7, planned by
# each shard from its cache and merged.
config c-export.json n1-0.db
ts --config c-export.json export --out exported.json >/dev/null
python3 - <<'PY'
import json
state = json.load(open("exported.json"))
for i, t in enumerate(state["tenants"]):
    if i % 7 == 0:
        for u in t.get("users", []):
            if u.get("licenses"):
                u["licenses"] = u["licenses"][1:]
                break
json.dump(state, open("desired.json", "w"))
PY
ts --config c1-0.json drift --no-refresh --desired desired.json --format json --out single.json >/dev/null
for n in 2 4; do
  parts=()
  for k in $(seq 0 $((n - 1))); do
    ts --config "c$n-$k.json" drift --no-refresh --shard "$k/$n" --desired desired.json \
      --format json --out "drift$n-$k.json" >/dev/null
    parts+=("drift$n-$k.json")
  done
  ts report merge "${parts[@]}" --format json --out merged$n.json >/dev/null
  python3 - "$n" <<'PY'
import json, sys
n = sys.argv[1]
def comparable(path):
    r = json.load(open(path))
    r.pop("generatedAt"); r.pop("fingerprint")
    return r
single, merged = comparable("single.json"), comparable(f"merged{n}.json")
assert merged == single, f"N={n}: the merged drift differs from the single process's"
print(f"N={n}: merged drift equals the single process's: {single['totals']['items']} items "
      f"in {single['totals']['tenantsWithDrift']} of {single['totals']['tenants']} tenants")
PY
done
