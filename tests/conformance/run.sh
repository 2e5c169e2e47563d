#!/usr/bin/env bash
# fake-graph's conformance suite (issue #20): Microsoft's own clients, unmodified and with
# no URL-rewriting shim, against fake-graph served over TLS.
#
# Usage: tests/conformance/run.sh /path/to/fake-graph
#
# Installs the pinned clients (npm ci) when needed, makes a certificate client, starts the
# fake with a fixture that is fakes/fixtures/demo.json plus that client, runs
# conformance.mjs (msal-node + the Graph JS SDK), then type-checks the response bodies it
# captured against @microsoft/microsoft-graph-types with tsc --strict. Exit 0 only if every
# check passed. Set CONFORMANCE_KEEP=1 to keep the temporary directory (its path is printed).
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 /path/to/fake-graph" >&2
  exit 64
fi
FAKE_GRAPH=$1
if [[ ! -x $FAKE_GRAPH ]]; then
  echo "run.sh: $FAKE_GRAPH is not an executable" >&2
  exit 64
fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
started=$(date +%s)

for tool in node npm npx openssl; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is required" >&2; exit 1; }
done

# 1. The pinned clients.
if [[ ! -d tests/conformance/node_modules ]] ||
   [[ tests/conformance/package-lock.json -nt tests/conformance/node_modules ]]; then
  npm ci --prefix tests/conformance --no-audit --no-fund
  touch tests/conformance/node_modules
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/fake-graph-conformance.XXXXXX")
fake_pid=""
cleanup() {
  local status=$?
  if [[ -n $fake_pid ]] && kill -0 "$fake_pid" 2>/dev/null; then
    kill -TERM "$fake_pid" 2>/dev/null || true
    wait "$fake_pid" 2>/dev/null || true
  fi
  if [[ ${CONFORMANCE_KEEP:-0} == 1 ]]; then
    echo "run.sh: kept $tmp" >&2
  else
    rm -rf "$tmp"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# 2. A certificate client: RSA-2048 key and a self-signed certificate.
mkdir -p "$tmp/client" "$tmp/captured"
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 \
  -subj "/CN=fake-graph conformance client" \
  -keyout "$tmp/client/key.pem" -out "$tmp/client/cert.pem" 2>/dev/null
chmod 600 "$tmp/client/key.pem"

# 3. The demo fixture plus the certificate client (no roles: all of them).
CERT_PEM="$tmp/client/cert.pem" node --input-type=module -e '
  import { readFileSync, writeFileSync } from "node:fs";
  const [src, dst] = process.argv.slice(1);
  const fixture = JSON.parse(readFileSync(src, "utf8"));
  fixture.clients.push({
    clientId: "33333333-3333-3333-3333-333333333333",
    certificatePem: readFileSync(process.env.CERT_PEM, "utf8"),
  });
  writeFileSync(dst, JSON.stringify(fixture, null, 2));
' fakes/fixtures/demo.json "$tmp/fixture.json"

# 4. The fake over TLS; its first stdout line names the URL.
mkfifo "$tmp/stdout"
"$FAKE_GRAPH" --tls-self-signed "$tmp/tls" --listen 127.0.0.1:0 --fixture "$tmp/fixture.json" \
  >"$tmp/stdout" 2>"$tmp/fake-graph.log" &
fake_pid=$!
exec 3<"$tmp/stdout"
line=""
if ! IFS= read -r -t 30 line <&3; then
  echo "run.sh: fake-graph printed no listening line; its log:" >&2
  cat "$tmp/fake-graph.log" >&2
  exit 1
fi
# Keep draining its stdout so the fake never blocks on a full pipe.
cat <&3 >/dev/null 2>&1 &
exec 3<&-
if [[ $line != "listening on https://"* ]]; then
  echo "run.sh: unexpected first line from fake-graph: $line" >&2
  exit 1
fi
url=${line#listening on }
echo "fake-graph: $url (log: fake-graph.log in the temporary directory)"

# 5. The conformance checks (msal-node + Graph JS SDK).
status=0
NODE_EXTRA_CA_CERTS="$tmp/tls/ca.pem" node tests/conformance/conformance.mjs \
  --url "$url" \
  --cert-key "$tmp/client/key.pem" --cert-pem "$tmp/client/cert.pem" \
  --captured "$tmp/captured" || status=1

# 6. The captured bodies against @microsoft/microsoft-graph-types, strictly.
if [[ -f $tmp/captured/check.ts ]]; then
  if npx --prefix tests/conformance --no-install tsc --strict --noEmit --target es2022 \
       --moduleResolution node --baseUrl "$root/tests/conformance/node_modules" \
       "$tmp/captured/check.ts"; then
    count=$(ls "$tmp/captured"/*.json | wc -l)
    echo "ok   captured_bodies_typecheck (tsc --strict: $count captured bodies assignable to @microsoft/microsoft-graph-types, no excess properties)"
  else
    echo "FAIL captured_bodies_typecheck: tsc --strict rejected $tmp/captured/check.ts (see above)"
    status=1
  fi
else
  echo "FAIL captured_bodies_typecheck: conformance.mjs wrote no $tmp/captured/check.ts"
  status=1
fi

if [[ $status != 0 ]]; then
  echo "run.sh: the end of fake-graph's log:" >&2
  tail -n 20 "$tmp/fake-graph.log" >&2 || true
fi
echo "run.sh: $(( $(date +%s) - started ))s, $([[ $status == 0 ]] && echo 'all checks passed' || echo 'FAILED')"
exit "$status"
