#!/usr/bin/env bash
# Installs the Debian packages tenantsync builds with. Idempotent: runs apt-get only when
# something is missing. Usage: scripts/bootstrap.sh [extra-package ...]
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libcpprest-dev libcpp-httplib-dev libssl-dev libsqlite3-dev nlohmann-json3-dev
  libsimdjson-dev libicu-dev
  libgtest-dev libgmock-dev libcli11-dev
  sqlite3 curl python3
  tmux  # the terminal test of the progress bar (tests/e2e/progress_terminal_test.cpp)
  "$@"
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "bootstrap: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
