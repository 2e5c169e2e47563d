#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang into ${FUZZ_BUILD_DIR:-build-fuzz} and
# runs them.
#
#   scripts/fuzz.sh [seconds-per-target] [target ...]   long runs (default 60 s, all targets)
#   scripts/fuzz.sh --smoke                             every target for 10 s (CI)
#
# Long runs keep what they learn in <build>/fuzz/corpus-work/<target> (so the next run
# starts from there) and save crashing inputs under fuzz/crashes/<target>/. Reproduce one
# with: <build>/fuzz/<target> fuzz/crashes/<target>/crash-... ; once fixed, move it to
# fuzz/regressions/<target>/ (every run replays those) and add a unit test that feeds it
# to the code it crashed (tests/*/fuzz_regression_test.cpp). Exit status 1 when any target
# crashed.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${FUZZ_BUILD_DIR:-build-fuzz}
targets_all=(fuzz_desired_state fuzz_config fuzz_csv_import fuzz_graph_codecs
             fuzz_graph_pages fuzz_graph_batch fuzz_token_response fuzz_graph_errors
             fuzz_drift_report fuzz_cache_codecs fuzz_json_tree)

# The mutation dictionary of a target (fuzz/CMakeLists.txt names the same ones).
dict_for() {
  case "$1" in
    fuzz_csv_import) echo fuzz/dict/csv.dict ;;
    fuzz_desired_state | fuzz_config | fuzz_drift_report | fuzz_cache_codecs | fuzz_json_tree)
      echo fuzz/dict/json.dict ;;
    *) echo fuzz/dict/graph.dict ;;
  esac
}

./scripts/bootstrap.sh clang libclang-rt-14-dev
CC=clang CXX=clang++ cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DTENANTSYNC_FUZZ=ON -DTENANTSYNC_BUILD_TESTS=OFF -DTENANTSYNC_BUILD_BENCH=OFF >/dev/null
cmake --build "$build_dir" -j "${JOBS:-$(nproc)}" --target "${targets_all[@]}"

if [ "${1:-}" = "--smoke" ]; then
  exec ctest --test-dir "$build_dir/fuzz" -L fuzz --output-on-failure -j "$(nproc)"
fi

seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${targets_all[@]}")

crashed=()
for t in "${targets[@]}"; do
  work="$build_dir/fuzz/corpus-work/$t"
  crashes="fuzz/crashes/$t"
  mkdir -p "$work" "$crashes"
  regressions=()  # inputs that once crashed it, run again first
  [ -d "fuzz/regressions/$t" ] && regressions=("fuzz/regressions/$t")
  echo "fuzz.sh: $t for ${seconds}s" >&2
  if ! "$build_dir/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$crashes/" -dict="$(dict_for "$t")" \
      "$work" "fuzz/corpus/$t" "${regressions[@]}" \
      2>"$build_dir/fuzz/$t.log"; then
    crashed+=("$t")
    tail -n 40 "$build_dir/fuzz/$t.log" >&2
  fi
  grep -aE '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)' "$build_dir/fuzz/$t.log" >&2 || true
done

if [ ${#crashed[@]} -gt 0 ]; then
  echo "fuzz.sh: crashes in ${crashed[*]}; inputs under fuzz/crashes/" >&2
  exit 1
fi
echo "fuzz.sh: no crashes (${#targets[@]} targets, ${seconds}s each)" >&2
