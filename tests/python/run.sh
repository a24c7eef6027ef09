#!/usr/bin/env bash
# Runs the unmodified public clients (Google's API client for Perspective, OpenAI's SDK, and
# Coral-style signed webhook calls through requests) against the real tamiz binary.
#
# Creates (once) a virtual environment with tests/python/requirements.txt, builds the binary
# unless TAMIZ_BIN names one, and runs pytest. Environment:
#   TAMIZ_BIN            binary to test (default: target/debug/tamiz, built here)
#   TAMIZ_COMPAT_VENV    virtual environment directory (default: target/.venv-compat)
# Extra arguments go to pytest (e.g. `bash tests/python/run.sh -k openai`).
set -euo pipefail
cd "$(dirname "$0")/../.."

venv="${TAMIZ_COMPAT_VENV:-target/.venv-compat}"
requirements="tests/python/requirements.txt"
if [ ! -x "$venv/bin/python" ]; then
  mkdir -p "$(dirname "$venv")"
  python3 -m venv "$venv"
fi
# Reinstall only when the pinned requirements change.
if ! cmp -s "$requirements" "$venv/.requirements.txt"; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
  cp "$requirements" "$venv/.requirements.txt"
fi

if [ -z "${TAMIZ_BIN:-}" ]; then
  # A no-op when the binary is up to date; rebuilds it when the sources changed.
  cargo build --quiet --bin tamiz
  export TAMIZ_BIN="$PWD/target/debug/tamiz"
fi

export PYTHONDONTWRITEBYTECODE=1
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider tests/python "$@"
