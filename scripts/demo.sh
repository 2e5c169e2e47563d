#!/usr/bin/env bash
# The demo reconcile. At this stage of the project only the foundation exists: it installs,
# builds, and checks the example config; fake-graph and the engine arrive with later issues.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
./scripts/build.sh >/dev/null
bin="${BUILD_DIR:-build}"
"$bin/tenantsync" --version
"$bin/tenantsync" --help | head -n 3
echo
echo "The engine (mirror, plan, apply, drift) is not built yet; the demo stops after the build."
