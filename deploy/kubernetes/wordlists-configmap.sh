#!/usr/bin/env bash
# Print the tamiz-wordlists ConfigMap built from the repository's wordlists/ directory.
#
#   bash deploy/kubernetes/wordlists-configmap.sh | kubectl -n tamiz apply -f -
#
# ConfigMap keys cannot contain "/", so wordlists/en/insult.txt becomes the key
# "en.insult.txt"; deployment.yaml's wordlists volume maps each key back to its path
# (items: key en.insult.txt -> path en/insult.txt). README.md and licenses/ are not wordlists
# and stay out. Needs kubectl (no cluster: it runs with --dry-run=client).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
dir=${1:-wordlists}

args=()
for f in "$dir"/allow.txt "$dir"/??/*.txt "$dir"/learned/*.tsv; do
  [ -f "$f" ] || continue
  rel=${f#"$dir"/}
  args+=("--from-file=${rel//\//.}=$f")
done
[ ${#args[@]} -gt 0 ] || { echo "no wordlists under $dir" >&2; exit 1; }

kubectl create configmap tamiz-wordlists "${args[@]}" --dry-run=client -o yaml \
  | sed '/^  creationTimestamp: null$/d'
