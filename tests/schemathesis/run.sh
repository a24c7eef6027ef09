#!/usr/bin/env bash
# Contract test: schemathesis generates requests from the service's own OpenAPI document
# (GET /openapi.json) and checks every answer against it, on the real binary over loopback.
#
# Pass = never a 5xx (not_a_server_error), every status documented (status_code_conformance),
# the documented content type (content_type_conformance) and a body matching the schema
# (response_schema_conformance), for every operation.
#
# Bounded: ST_MAX_EXAMPLES cases per operation and phase (default 100), a fixed seed, and
# ST_TIMEOUT seconds for the whole run (default 600). Environment:
#   TAMIZ_BIN         binary to test (default: target/debug/tamiz, built here)
#   ST_VENV           virtual environment (default: target/.venv-schemathesis)
#   ST_MAX_EXAMPLES   examples per operation (default 100)
#   ST_SEED           hypothesis seed (default 20240607)
# Extra arguments go to `schemathesis run` (e.g. `--include-path /v1/moderate`).
set -euo pipefail
cd "$(dirname "$0")/../.."

venv="${ST_VENV:-target/.venv-schemathesis}"
case "$venv" in /*) ;; *) venv="$PWD/$venv" ;; esac
requirements="tests/schemathesis/requirements.txt"
if [ ! -x "$venv/bin/python" ]; then
  mkdir -p "$(dirname "$venv")"
  python3 -m venv "$venv"
fi
if ! cmp -s "$requirements" "$venv/.requirements.txt"; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
  cp "$requirements" "$venv/.requirements.txt"
fi

if [ -z "${TAMIZ_BIN:-}" ]; then
  cargo build --quiet --bin tamiz
  TAMIZ_BIN="$PWD/target/debug/tamiz"
fi

tmp="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

key="schemathesis-key"
secret="schemathesis-coral-secret"
# The repo's config and wordlists; everything the run changes is in $tmp.
TAMIZ__SERVER__HOST=127.0.0.1 \
TAMIZ__SERVER__PORT=0 \
TAMIZ__SERVER__WORKERS=2 \
TAMIZ__LEXICON__WATCH=false \
TAMIZ__LOG__LEVEL=warn \
TAMIZ__AUTH__API_KEYS="$key" \
TAMIZ__AUTH__ADMIN_KEYS="$key" \
TAMIZ__CORAL__SIGNING_SECRETS="$secret" \
TAMIZ__FEEDBACK__PATH="$tmp/feedback.jsonl" \
  "$TAMIZ_BIN" --config config serve 2>"$tmp/server.log" &
server_pid=$!

port=""
for _ in $(seq 1 300); do
  port="$(sed -n 's|^listening on http://127\.0\.0\.1:\([0-9]*\)$|\1|p' "$tmp/server.log" | head -1)"
  [ -n "$port" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/server.log"; echo "the server exited" >&2; exit 1; }
  sleep 0.1
done
[ -n "$port" ] || { cat "$tmp/server.log"; echo "no port after 30 s" >&2; exit 1; }
base="http://127.0.0.1:$port"

status=0
hooks_dir="$PWD/tests/schemathesis"
schemathesis="$venv/bin/schemathesis"
# From $tmp: schemathesis keeps a crash cache in ./.schemathesis.
cd "$tmp"
# One worker: with two, hypothesis parses lambda sources with `ast` in two threads at once, and
# CPython 3.11's AST constructor keeps its recursion depth in shared state, so the run could die
# with "SystemError: AST constructor recursion depth mismatch" (CPython issue 106905), a failure
# of the test tool rather than of the service.
PYTHONPATH="$hooks_dir" SCHEMATHESIS_HOOKS=hooks TAMIZ_ST_CORAL_SECRET="$secret" \
  timeout "${ST_TIMEOUT:-600}" "$schemathesis" run "$base/openapi.json" \
  --url "$base" \
  --header "Authorization: Bearer $key" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --max-examples "${ST_MAX_EXAMPLES:-100}" \
  --seed "${ST_SEED:-20240607}" \
  --workers 1 \
  --request-timeout 30 \
  --report junit --report-dir "$tmp/report" \
  --generation-database none \
  "$@" || status=$?

if grep -q "panicked" "$tmp/server.log"; then
  echo "the server panicked:" >&2
  grep -A5 "panicked" "$tmp/server.log" >&2
  status=1
fi
kill -0 "$server_pid" 2>/dev/null || { echo "the server died during the run" >&2; status=1; }
exit "$status"
