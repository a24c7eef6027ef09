#!/usr/bin/env bash
# Instructions the server spends per HTTP request, counted by callgrind (valgrind) across all
# its threads: parsing, auth, scoring, writing the JSON answer. Unlike req/s, the count does not
# move with the machine's load, so it shows where a request's cost goes on a noisy host.
#
#   bash benches/server_instructions.sh                 # healthz, default, full and summary answers
#   SCENARIOS='moderate_300' bash benches/server_instructions.sh
#
# Each scenario starts the release server under callgrind twice, sends it 200 and then 1,200
# requests (oha, one connection, loopback), and divides the difference of the two totals by
# 1,000, which leaves out start-up (lexicon build). Bounded: 2 runs per scenario, each a fixed
# number of requests; about a minute per scenario. Needs valgrind and oha (see BENCHMARKS.md).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind not found (apt-get install valgrind)" >&2; exit 1; }
command -v oha >/dev/null || { echo "oha not found: cargo install oha" >&2; exit 1; }
cargo build --release --quiet --bin tamiz
bin="$PWD/target/release/tamiz"
tmp="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
python3 benches/load/bodies.py "$tmp" >/dev/null

count() { # requests method path body -> instructions
  TAMIZ__SERVER__HOST=127.0.0.1 TAMIZ__SERVER__PORT=0 TAMIZ__SERVER__WORKERS=1 \
  TAMIZ__LEXICON__WATCH=false TAMIZ__LOG__LEVEL=warn \
  TAMIZ__AUTH__API_KEYS=k TAMIZ__AUTH__ADMIN_KEYS=k \
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" --config config serve \
    2>"$tmp/server.log" &
  pid=$!
  local port=""
  for _ in $(seq 1 600); do
    port="$(sed -n 's|^listening on http://127\.0\.0\.1:\([0-9]*\)$|\1|p' "$tmp/server.log" | head -1)"
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$tmp/server.log" >&2; exit 1; }
    sleep 0.2
  done
  [ -n "$port" ] || { echo "server did not start" >&2; exit 1; }
  local args=(--no-tui -c 1 -n "$1" -m "$2" -H "Authorization: Bearer k" --output-format json)
  if [ "$4" != "-" ]; then args+=(-T application/json -Z "$4"); fi
  oha "${args[@]}" "http://127.0.0.1:$port$3" >"$tmp/oha.json"
  grep -q '"200":'"$1" <(tr -d ' \n' <"$tmp/oha.json") || { echo "not every request answered 200" >&2; exit 1; }
  kill -INT "$pid"
  wait "$pid" || true
  pid=""
  sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$tmp/server.log"
}

printf '%-22s %16s\n' scenario "instr/request"
for s in ${SCENARIOS:-healthz moderate_300 moderate_300_full moderate_300_summary}; do
  case "$s" in
    healthz) spec=(GET /healthz -) ;;
    moderate_300) spec=(POST /v1/moderate "$tmp/c300.jsonl") ;;
    moderate_300_full) spec=(POST /v1/moderate "$tmp/c300_full.jsonl") ;;
    moderate_300_summary) spec=(POST /v1/moderate "$tmp/c300_summary.jsonl") ;;
    *) echo "unknown scenario $s" >&2; exit 1 ;;
  esac
  lo=$(count 200 "${spec[@]}")
  hi=$(count 1200 "${spec[@]}")
  printf '%-22s %16s\n' "$s" "$(( (hi - lo) / 1000 ))"
done
