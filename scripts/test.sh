#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite with ctest.
# Extra arguments go to ctest (e.g. -L unit, -R Planner).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
./scripts/build.sh
cd "${BUILD_DIR:-build}"
# Twice as many tests as cores: most of them wait on loopback HTTP, child processes or
# sleeps, so the cores stay busy (measured on 2 cores: 160 s instead of 347 s).
ctest --output-on-failure -j "$(( $(nproc) * 2 ))" --timeout 600 "$@"
