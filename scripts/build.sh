#!/usr/bin/env bash
# Configures and builds tenantsync into ${BUILD_DIR:-build}. Extra arguments go to cmake
# configure (e.g. -DTENANTSYNC_SANITIZE=ON).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo} "$@" >/dev/null
# BUILD_TARGETS: build only these targets (space-separated); default everything.
cmake --build "$build_dir" -j "$(nproc)" ${BUILD_TARGETS:+--target $BUILD_TARGETS}
