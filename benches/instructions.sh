#!/usr/bin/env bash
# Instructions per ~300-byte comment, counted by callgrind (valgrind; Debian: apt-get install
# valgrind). Unlike timings, the count does not move with the machine's load, so it compares
# engine changes (and tamiz against rustrict) on a shared or noisy host.
#
#   bash benches/instructions.sh                   # full evidence scores summary json rustrict
#   MODES='scores rustrict' bash benches/instructions.sh
#   SET=jigsaw bash benches/instructions.sh          # 1,000 Jigsaw comments instead of 300 B pieces
#
# Each mode runs benches/passes.rs at 20 and at 10 passes over the engine bench's pieces (3 and 2
# over the 1,000 Jigsaw comments); the difference divided by the comments of the extra passes
# leaves out start-up (lexicon build) and any lazily built tables. Bounded: 2 runs per mode, about 20 s each under callgrind.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind not found (apt-get install valgrind)" >&2; exit 1; }
bin=$(cargo bench --bench passes --no-run --message-format=json 2>/dev/null \
  | grep -o '"executable":"[^"]*/passes-[^"]*"' | tail -n 1 | cut -d'"' -f4)
[ -x "$bin" ] || { echo "could not build benches/passes.rs" >&2; exit 1; }

# The Jigsaw set holds 1,000 comments against 111 pieces: fewer passes give as many comments.
if [ "${SET:-300B}" = jigsaw ]; then hi_passes=3 lo_passes=2; else hi_passes=20 lo_passes=10; fi

count() { # passes mode -> "instructions pieces"
  local out
  out=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$1" "$2" "${SET:-300B}" 2>&1)
  echo "$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' <<<"$out") $(sed -n 's/^pieces \([0-9]*\) .*/\1/p' <<<"$out")"
}

printf '%-10s %14s\n' mode "instr/comment"
for mode in ${MODES:-full evidence scores summary json rustrict}; do
  read -r hi pieces < <(count "$hi_passes" "$mode")
  read -r lo _ < <(count "$lo_passes" "$mode")
  printf '%-10s %14s\n' "$mode" "$(( (hi - lo) / ((hi_passes - lo_passes) * pieces) ))"
done
