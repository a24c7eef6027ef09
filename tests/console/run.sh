#!/usr/bin/env bash
# Drives the operator console at /console in headless Chromium against the real tamiz binary:
# types a comment, checks the decision and the highlighted spans, searches the lexicon, runs a
# small eval, and saves a screenshot to target/console.png.
#
# Needs Debian's `chromium` and `chromium-driver` (apt-get install -y chromium chromium-driver)
# and python3 with venv. Creates (once) a virtual environment with tests/console/requirements.txt,
# builds the binary unless TAMIZ_BIN names one, and runs pytest. Environment:
#   TAMIZ_BIN            binary to test (default: target/debug/tamiz, built here)
#   TAMIZ_CONSOLE_VENV   virtual environment directory (default: target/.venv-console)
#   CHROMIUM, CHROMEDRIVER  browser and driver (default: /usr/bin/chromium, /usr/bin/chromedriver)
# Extra arguments go to pytest (e.g. `bash tests/console/run.sh -k lexicon`).
set -euo pipefail
cd "$(dirname "$0")/../.."

for tool in "${CHROMIUM:-/usr/bin/chromium}" "${CHROMEDRIVER:-/usr/bin/chromedriver}"; do
  if [ ! -x "$tool" ]; then
    echo "tests/console: $tool is missing: apt-get install -y chromium chromium-driver" >&2
    exit 1
  fi
done

venv="${TAMIZ_CONSOLE_VENV:-target/.venv-console}"
requirements="tests/console/requirements.txt"
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
# Selenium must use the driver given to it and never fetch one.
export SE_OFFLINE=true
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider tests/console "$@"
