#!/usr/bin/env bash
# Runs every test of the project, the same way on a laptop and in CI:
# formatting, lints, the Rust suites (engine, CLI, properties, HTTP API, compatibility endpoints,
# the real Prometheus), the unmodified Perspective and OpenAI Python clients, and the deployment
# file checks. Prerequisites a fresh machine lacks are installed by .ci/run (see README).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --check

step "cargo clippy --all-targets -- -D warnings"
cargo clippy --all-targets -- -D warnings

step "cargo test (unit, engine, CLI, properties, HTTP, compatibility, metrics)"
cargo test --all-targets

step "learned list: the command in its header rebuilds wordlists/learned/en.tsv byte for byte"
# The list is fitted over the engine's own logit, so a change to the hand lists or the rules
# moves the fitted weights; this catches a list left stale by such a change (release build: the
# fit takes about a minute there, many in a debug build).
cargo build --release --bin tamiz
learned_cmd=$(sed -n 's/^# Reproduce: tamiz //p' wordlists/learned/en.tsv)
learned_tmp=$(mktemp -d)
# shellcheck disable=SC2086 # the recorded command is a list of words
target/release/tamiz $learned_cmd --out "$learned_tmp/en.tsv" >"$learned_tmp/train.log" 2>&1
if ! cmp -s wordlists/learned/en.tsv "$learned_tmp/en.tsv"; then
  echo "wordlists/learned/en.tsv is stale: rerun the command in its header (QUALITY.md, Reproduce)" >&2
  diff wordlists/learned/en.tsv "$learned_tmp/en.tsv" | head -n 20 >&2
  exit 1
fi
rm -rf "$learned_tmp"

if [ -f tests/python/run.sh ]; then
  step "real Perspective / OpenAI / Coral clients"
  bash tests/python/run.sh
fi

if [ -f tests/schemathesis/run.sh ]; then
  step "OpenAPI contract: schemathesis against the live binary"
  bash tests/schemathesis/run.sh
fi

if [ -f tests/console/run.sh ]; then
  step "operator console in headless Chromium"
  bash tests/console/run.sh
fi

if [ -f tests/soak/soak.py ]; then
  step "soak: mixed valid and hostile traffic under reloads (60 s, release build)"
  # The release build, as deployed: a debug build's reloads can outlast the soak's 2 s request
  # timeout on a busy 2-core machine, which says nothing about the service.
  cargo build --release --bin tamiz
  TAMIZ_BIN="$PWD/target/release/tamiz" python3 tests/soak/soak.py --seconds "${SOAK_SECS:-60}"
fi

if [ -f fuzz/Cargo.toml ]; then
  step "fuzz targets compile (cargo check; running them is opt-in below)"
  # The fuzz crate is outside the workspace, so nothing else notices when a target stops
  # compiling against the library (a new settings field, say).
  (cd fuzz && cargo check --quiet --bins)
fi

# Opt-in (a fresh fuzz build takes 5-7 minutes on 2 cores): FUZZ_SECS=20 bash scripts/test.sh
if [ -n "${FUZZ_SECS:-}" ] && [ -f fuzz/run.sh ]; then
  step "cargo fuzz: every target for ${FUZZ_SECS} s"
  bash fuzz/run.sh
fi

if [ -f deploy/check.sh ]; then
  step "deployment files (promtool, YAML, JSON)"
  bash deploy/check.sh
fi

step "all tests passed"
