#!/usr/bin/env bash
# Soak test of `tenantsync run` (not run in CI): fake-graph with faults on, `run --every 2s
# --listen 127.0.0.1:0` against it for ${SOAK_SECONDS:-600} s while /healthz and /metrics
# are polled a few times a second. Every ${SOAK_SAMPLE_SECONDS:-30} s it samples
# tenantsync's resident memory, its open sockets and how many of them are in CLOSE_WAIT,
# then prints the table and first/last/max of each. Growing sockets or any CLOSE_WAIT
# means connections leak; steadily growing memory, a leak of another kind.
# Needs a built tree (scripts/build.sh); writes to ${SOAK_OUT:-soak-out}/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bin="$root/${BUILD_DIR:-build}"
out="$root/${SOAK_OUT:-soak-out}"
seconds=${SOAK_SECONDS:-600}
every=${SOAK_SAMPLE_SECONDS:-30}
faults=${SOAK_FAULTS:-'{"latencyMs":20,"throttleRate":0.05,"retryAfterSeconds":1,"errorRate":0.05,"dropRate":0.02,"seed":7}'}
for program in fake-graph tenantsync; do
  [ -x "$bin/$program" ] || { echo "soak: $bin/$program is missing: run scripts/build.sh" >&2; exit 1; }
done
rm -rf "$out" && mkdir -p "$out"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

# The first line of `file` that matches `sed_expr` (a s///p), waiting up to 10 s for it.
wait_for_line() {
  local file=$1 sed_expr=$2 pid=$3 found=""
  for _ in $(seq 100); do
    found=$(sed -n "$sed_expr" "$file" 2>/dev/null | head -n1)
    [ -n "$found" ] && { echo "$found"; return 0; }
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  return 1
}

"$bin/fake-graph" --listen 127.0.0.1:0 --fixture fakes/fixtures/demo.json \
  >"$out/fake-graph.out" 2>"$out/fake-graph.log" &
pids+=($!)
graph=$(wait_for_line "$out/fake-graph.out" 's/^listening on //p' "${pids[0]}") ||
  { echo "soak: fake-graph did not start" >&2; cat "$out/fake-graph.log" >&2; exit 1; }
curl -sf -X POST "$graph/_fake/faults" -d "$faults" >/dev/null
echo "soak: fake-graph at $graph with faults $faults"

sed -e "s#http://127.0.0.1:8765#$graph#g" \
    -e "s#\"desired\": \"examples/desired\"#\"desired\": \"$root/examples/desired\"#" \
    config.example.json >"$out/tenantsync.json"
TENANTSYNC_CLIENT_SECRET=demo-secret "$bin/tenantsync" --config "$out/tenantsync.json" \
  run --every 2s --listen 127.0.0.1:0 >"$out/run.out" 2>"$out/run.log" &
run_pid=$!
pids+=($run_pid)
status=$(wait_for_line "$out/run.log" 's#^tenantsync run: serving \(http://[^ ]*\)/healthz.*#\1#p' \
  "$run_pid") || { echo "soak: tenantsync run did not start serving" >&2; cat "$out/run.log" >&2; exit 1; }
echo "soak: tenantsync run (pid $run_pid) serving $status for $seconds s"

# Poll a few times a second; one line per answer: "<path> <HTTP code>" (000: no answer).
(
  while true; do
    for path in healthz metrics; do
      code=$(curl -s -o /dev/null -m 5 -w '%{http_code}' "$status/$path" || true)
      echo "$path ${code:-000}"
    done
    sleep 0.3
  done
) >"$out/polls.txt" 2>/dev/null &
pids+=($!)

# tenantsync's socket inodes, then those of its TCP sockets in CLOSE_WAIT (state 08).
socket_count() { ls -l "/proc/$run_pid/fd" 2>/dev/null | grep -c socket || true; }
close_wait_count() {
  local inodes
  inodes=$(ls -l "/proc/$run_pid/fd" 2>/dev/null | sed -n 's/.*socket:\[\([0-9]*\)\]$/\1/p' | tr '\n' ' ')
  awk -v inodes=" $inodes" 'FNR > 1 && $4 == "08" && index(inodes, " " $10 " ") { n++ } END { print n + 0 }' \
    /proc/net/tcp /proc/net/tcp6
}
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$run_pid/status" 2>/dev/null || echo 0; }
cycles() {
  curl -s -m 5 "$status/metrics" 2>/dev/null |
    awk '/^tenantsync_cycles_total/ { n += $NF } END { print n + 0 }'
}

samples="$out/samples.txt"
: >"$samples"
start=$(date +%s)
while true; do
  now=$(( $(date +%s) - start ))
  kill -0 "$run_pid" 2>/dev/null || { echo "soak: tenantsync run exited early" >&2; cat "$out/run.log" >&2; exit 1; }
  echo "$now $(rss_kb) $(socket_count) $(close_wait_count) $(cycles)" >>"$samples"
  [ "$now" -ge "$seconds" ] && break
  sleep $(( every < seconds - now ? every : seconds - now ))
done

printf '\n%8s %10s %8s %11s %7s\n' seconds rss_kb sockets close_wait cycles
awk '{ printf "%8d %10d %8d %11d %7d\n", $1, $2, $3, $4, $5 }' "$samples"
awk '
  NR == 1 { for (i = 2; i <= 4; i++) { first[i] = $i; max[i] = $i } }
  { for (i = 2; i <= 4; i++) { last[i] = $i; if ($i > max[i]) max[i] = $i } }
  END {
    split("rss_kb sockets close_wait", name, " ")
    printf "\n%-11s %10s %10s %10s\n", "", "first", "last", "max"
    for (i = 2; i <= 4; i++) printf "%-11s %10d %10d %10d\n", name[i - 1], first[i], last[i], max[i]
  }' "$samples"
awk '{ n[$1 " " $2]++ } END { for (k in n) printf "polls %s: %d\n", k, n[k] }' "$out/polls.txt" | sort
