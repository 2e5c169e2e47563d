#!/usr/bin/env bash
# Validates deploy/kubernetes against the Kubernetes API schemas (validate.mjs). Installs
# the pinned validator (npm ci) when needed. Exit 0 only if every manifest is valid.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
command -v node >/dev/null || { echo "run.sh: node is required" >&2; exit 1; }
if ! (cd "$here" && npm ls --silent >/dev/null 2>&1); then
  npm ci --prefix "$here" --no-audit --no-fund >/dev/null
fi
node "$here/validate.mjs" "$root/deploy/kubernetes"
