#!/usr/bin/env bash
# Validate the deployment files without a cluster or a container engine.
#
#   bash deploy/check.sh            (from anywhere; CI runs it from the repository root)
#
# Needs: promtool on PATH (Debian: apt-get install prometheus), python3 (>= 3.11 for the
# TOML checks; PyYAML is installed into a /tmp venv when missing).
# Uses when present (skipped with a note otherwise): kubectl (kustomize render),
# systemd-analyze (unit verification), docker compose (compose file model).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
status=0
step() { printf '\n== %s\n' "$*"; }
run() { if ! "$@"; then echo "FAIL  $*"; status=1; fi; }

if ! command -v promtool >/dev/null 2>&1; then
  echo "deploy/check.sh: promtool not found on PATH (apt-get install prometheus)" >&2
  exit 2
fi

step "promtool check config deploy/prometheus.yml"
run promtool check config deploy/prometheus.yml

step "promtool check rules deploy/alerts.yml"
run promtool check rules deploy/alerts.yml

step "promtool test rules deploy/alerts_test.yml"
run promtool test rules deploy/alerts_test.yml

step "YAML / JSON / dashboard / ConfigMap checks"
py=python3
if ! python3 -c 'import yaml' >/dev/null 2>&1; then
  # No PyYAML here: a throw-away venv with it (PyPI), outside the work tree.
  venv="${TMPDIR:-/tmp}/tamiz-deploy-check-venv"
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/python" -c 'import yaml' >/dev/null 2>&1 || "$venv/bin/pip" install -q pyyaml
  py="$venv/bin/python"
fi
run "$py" deploy/check.py

step "kustomize render of deploy/kubernetes"
if command -v kubectl >/dev/null 2>&1; then
  if out=$(kubectl kustomize deploy/kubernetes 2>&1); then
    echo "ok    $(grep -c '^kind:' <<<"$out") objects: $(grep '^kind:' <<<"$out" | awk '{print $2}' | sort | tr '\n' ' ')"
    # The ConfigMaps must be mounted whole (no subPath), or edits never reach the pods.
    if grep -q 'subPath' <<<"$out"; then echo "FAIL  a volume uses subPath: ConfigMap edits would not propagate"; status=1; fi
  else
    echo "$out"; echo "FAIL  kubectl kustomize"; status=1
  fi
else
  echo "skip  kubectl not installed"
fi

step "systemd-analyze verify deploy/systemd/tamiz.service"
if command -v systemd-analyze >/dev/null 2>&1; then
  tmp=$(mktemp -d)
  # The binary is not installed here; verify the unit with a stand-in executable.
  sed 's#/usr/local/bin/tamiz#/bin/true#g' deploy/systemd/tamiz.service >"$tmp/tamiz.service"
  if out=$(systemd-analyze verify "$tmp/tamiz.service" 2>&1) && [ -z "$out" ]; then
    echo "ok    unit verifies"
  else
    echo "$out"; echo "FAIL  systemd-analyze verify"; status=1
  fi
  rm -rf "$tmp"
else
  echo "skip  systemd-analyze not installed"
fi

step "docker compose config"
if docker compose version >/dev/null 2>&1; then
  run docker compose -f deploy/docker-compose.yml config --quiet
else
  echo "skip  docker compose plugin not installed"
fi

echo
if [ "$status" -eq 0 ]; then echo "deploy/check.sh: all checks passed"; else echo "deploy/check.sh: FAILED"; fi
exit "$status"
