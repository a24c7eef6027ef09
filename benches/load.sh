#!/usr/bin/env bash
# HTTP load benchmark of the release build on loopback, with oha (cargo install oha).
#
#   bash benches/load.sh            # every scenario at concurrency 1, 16 and 64
#   LOAD_SECS=3 bash benches/load.sh  # shorter runs
#   LOAD_ONLY='healthz|moderate_300' bash benches/load.sh  # scenarios whose name matches
#   LOAD_PIN=1 bash benches/load.sh  # server on core 1 (one worker), oha on core 0
#
# What it measures (numbers go to stdout as a table and to target/bench/load.json):
# - requests/s and p50/p99/p99.9 latency for GET /healthz (the framework's own ceiling),
#   POST /v1/moderate with ~300-character comments (the default answer, `"detail": "full"`
#   and `"detail": "summary"`),
#   with mixed real comments, with 2-5 KB comments, and POST /v1/moderate/batch of 100
#   comments, each at concurrency 1, 16 and 64;
# - the server's RSS (VmRSS, and the peak VmHWM) after the load;
# - lexicon build and swap: POST /admin/reload, timed from the client, 10 times.
#
# Bounded: each oha run lasts LOAD_SECS (default 8) seconds (-w: requests in flight at the
# deadline finish and count, rather than being aborted), after a 2-second warm-up per
# scenario; 21 runs, about 3.5 minutes in all. Loopback only. The server runs with its default
# worker count (one per core), the file watcher off and log level warn. oha runs on the same
# machine, so client and server share the cores unless LOAD_PIN=1: see BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v oha >/dev/null || { echo "oha not found: cargo install oha" >&2; exit 1; }
secs="${LOAD_SECS:-8}"
out_dir="target/bench"
mkdir -p "$out_dir"

if [ -z "${TAMIZ_BIN:-}" ]; then
  cargo build --release --quiet --bin tamiz
  TAMIZ_BIN="$PWD/target/release/tamiz"
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

python3 benches/load/bodies.py "$tmp"

key="load-key"
# LOAD_PIN=1: the server gets core 1 (one worker) and oha core 0, so neither steals the other's
# time slices (oha's threads and the server's workers sharing two cores is what sets the p99 of
# the shared run: /healthz itself shows it). Rates are then one core's.
server_pin="" client_pin=""
if [ "${LOAD_PIN:-0}" = 1 ]; then
  command -v taskset >/dev/null || { echo "taskset not found (util-linux)" >&2; exit 1; }
  server_pin="taskset -c 1" client_pin="taskset -c 0"
  export TAMIZ__SERVER__WORKERS=1
fi
TAMIZ__SERVER__HOST=127.0.0.1 \
TAMIZ__SERVER__PORT=0 \
TAMIZ__LEXICON__WATCH=false \
TAMIZ__LOG__LEVEL=warn \
TAMIZ__AUTH__API_KEYS="$key" \
TAMIZ__AUTH__ADMIN_KEYS="$key" \
  $server_pin "$TAMIZ_BIN" --config config serve 2>"$tmp/server.log" &
server_pid=$!
port=""
for _ in $(seq 1 300); do
  port="$(sed -n 's|^listening on http://127\.0\.0\.1:\([0-9]*\)$|\1|p' "$tmp/server.log" | head -1)"
  [ -n "$port" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/server.log"; exit 1; }
  sleep 0.1
done
[ -n "$port" ] || { echo "no port" >&2; exit 1; }
base="http://127.0.0.1:$port"
rss_start="$(awk '/VmRSS/ {print $2}' "/proc/$server_pid/status")"

auth=(-H "Authorization: Bearer $key")
# name, method, path, body file (oha -Z: one body per line, rotated)
scenarios=(
  "healthz GET /healthz -"
  "moderate_300 POST /v1/moderate $tmp/c300.jsonl"
  "moderate_300_full POST /v1/moderate $tmp/c300_full.jsonl"
  "moderate_300_summary POST /v1/moderate $tmp/c300_summary.jsonl"
  "moderate_mixed POST /v1/moderate $tmp/mixed.jsonl"
  "moderate_long POST /v1/moderate $tmp/long.jsonl"
  "batch_100 POST /v1/moderate/batch $tmp/batch100.jsonl"
)

run_oha() { # concurrency seconds method path body out
  local args=(--no-tui -w -c "$1" -z "$2" -m "$3" "${auth[@]}" --output-format json -o "$6")
  if [ "$5" != "-" ]; then args+=(-T application/json -Z "$5"); fi
  $client_pin oha "${args[@]}" "$base$4" >/dev/null
}

results="$tmp/results.jsonl"
: >"$results"
for c in 1 16 64; do
  for s in "${scenarios[@]}"; do
    read -r name method path body <<<"$s"
    [[ "$name" =~ ^(${LOAD_ONLY:-.*})$ ]] || continue
    run_oha "$c" 2s "$method" "$path" "$body" "$tmp/warm.json"
    run_oha "$c" "${secs}s" "$method" "$path" "$body" "$tmp/run.json"
    rss="$(awk '/VmRSS/ {print $2}' "/proc/$server_pid/status")"
    python3 - "$name" "$c" "$rss" "$tmp/run.json" >>"$results" <<'PY'
import json, sys
name, c, rss, path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
r = json.load(open(path))
p = r["latencyPercentiles"]
codes = r.get("statusCodeDistribution", {})
print(json.dumps({
    "scenario": name, "concurrency": c,
    "rps": r["summary"]["requestsPerSec"],
    "p50_ms": p["p50"] * 1e3, "p99_ms": p["p99"] * 1e3, "p999_ms": p["p99.9"] * 1e3,
    "requests": sum(codes.values()), "non_200": sum(v for k, v in codes.items() if k != "200"),
    "errors": sum(r.get("errorDistribution", {}).values()), "rss_kb": rss,
}))
PY
  done
done
rss_end="$(awk '/VmRSS/ {print $2}' "/proc/$server_pid/status")"
hwm="$(awk '/VmHWM/ {print $2}' "/proc/$server_pid/status")"
threads="$(awk '/Threads/ {print $2}' "/proc/$server_pid/status")"

# Lexicon build + swap, as an operator triggers it (the whole shipped lexicon).
reloads=()
for _ in $(seq 1 10); do
  t="$(curl -s -o "$tmp/reload.json" -w '%{time_total}' -X POST "${auth[@]}" "$base/admin/reload")"
  grep -q '"reloaded"' "$tmp/reload.json" || { cat "$tmp/reload.json"; exit 1; }
  reloads+=("$t")
done

python3 - "$results" "$rss_start" "$rss_end" "$hwm" "$threads" "$out_dir/load.json" "${reloads[@]}" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
rss_start, rss_end, hwm, threads = (int(x) for x in sys.argv[2:6])
out = sys.argv[6]
reloads_ms = sorted(float(x) * 1e3 for x in sys.argv[7:])
print(f"{'scenario':<22}{'c':>4}{'req/s':>11}{'p50 ms':>9}{'p99 ms':>9}{'p99.9 ms':>10}{'non-200':>9}{'RSS MB':>8}")
for r in rows:
    print(f"{r['scenario']:<22}{r['concurrency']:>4}{r['rps']:>11.0f}{r['p50_ms']:>9.3f}{r['p99_ms']:>9.3f}"
          f"{r['p999_ms']:>10.3f}{r['non_200'] + r['errors']:>9}{r['rss_kb'] / 1024:>8.1f}")
by = {(r["scenario"], r["concurrency"]): r for r in rows}
print()
for c in (1, 16, 64):
    if ("healthz", c) not in by:
        continue
    h = by[("healthz", c)]["rps"]
    for s in ("moderate_300", "moderate_300_full", "moderate_300_summary", "moderate_mixed", "moderate_long"):
        if (s, c) in by:
            print(f"c={c:<3} {s:<21} {by[(s, c)]['rps'] / h:6.1%} of /healthz")
if ("batch_100", 16) in by:
    print(f"\nbatch of 100 at c=16: {by[('batch_100', 16)]['rps'] * 100:.0f} comments/s")
print(f"RSS: {rss_start / 1024:.1f} MB at start, {rss_end / 1024:.1f} MB after load, peak {hwm / 1024:.1f} MB; "
      f"{threads} threads after load")
print(f"lexicon build+swap (POST /admin/reload, 10x): median {statistics.median(reloads_ms):.0f} ms, "
      f"min {reloads_ms[0]:.0f} ms, max {reloads_ms[-1]:.0f} ms")
json.dump({"runs": rows, "rss_start_kb": rss_start, "rss_end_kb": rss_end, "rss_peak_kb": hwm,
           "threads": threads, "reload_ms": reloads_ms}, open(out, "w"), indent=1)
PY
echo "(results: $out_dir/load.json)"
