#!/usr/bin/env bash
# Runs every cargo-fuzz target for a bounded time each (FUZZ_SECS, default 20), starting from
# the seed corpus in fuzz/corpus/<target>/. Fails on the first crash, leaving the input in
# fuzz/artifacts/<target>/ (reproduce: `RUSTC_BOOTSTRAP=1 cargo fuzz run -s none TARGET FILE`).
#
#   bash fuzz/run.sh                  # all targets, 20 s each (about 3 minutes with the build)
#   FUZZ_SECS=600 bash fuzz/run.sh score
#
# cargo-fuzz needs nightly flags; RUSTC_BOOTSTRAP=1 lets the stable toolchain accept them.
# Sanitizers are off (-s none): the code is safe Rust, and what we look for is panics, hangs
# (-timeout) and runaway memory (-rss_limit_mb), which libFuzzer reports without them.
# New inputs libFuzzer finds go to a scratch copy of the corpus, so the tree stays small; to
# keep interesting ones, `cargo fuzz cmin` and commit a few.
set -euo pipefail
cd "$(dirname "$0")"

command -v cargo-fuzz >/dev/null || { echo "cargo-fuzz not found: cargo install cargo-fuzz" >&2; exit 1; }
export RUSTC_BOOTSTRAP=1
secs="${FUZZ_SECS:-20}"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo fuzz list)
fi

cargo fuzz build -s none
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
for t in "${targets[@]}"; do
  mkdir -p "$scratch/$t"
  rm -rf "artifacts/$t"
  echo "==> fuzz $t for ${secs}s"
  # The first corpus directory receives new inputs (scratch); the seeds are only read.
  if ! cargo fuzz run -s none "$t" "$scratch/$t" "corpus/$t" -- \
    -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 \
    >"$scratch/$t.log" 2>&1; then
    tail -40 "$scratch/$t.log" >&2
    echo "fuzz target $t failed; the input is in fuzz/artifacts/$t/" >&2
    exit 1
  fi
  grep -E "^stat::(number_of_executed_units|peak_rss_mb)" "$scratch/$t.log" | tr '\n' ' '
  echo
done
echo "fuzz: ${#targets[@]} targets, ${secs}s each, no crash"
