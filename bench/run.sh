#!/bin/sh
# run.sh - build the benchmarks and print BENCHMARKS.md's tables
#
#   bench/run.sh [RECORDS] > BENCHMARKS.md
#
# Every figure stands next to its baseline, measured in the same run on
# the same machine. Nothing here is a test: numbers vary between machines.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
b="$top/build/bench"
n=${1:-100000}
if [ ! -f "$b/Makefile" ]; then
	(cd "$top" && [ -x configure ] || autoreconf -fi >/dev/null 2>&1)
	mkdir -p "$b"
	(cd "$b" && "$top/configure" -q CFLAGS="-O2 -g" >/dev/null)
fi
make -C "$b" -s -j2 bench/bench_policy >/dev/null
out=$("$b/bench/bench_policy" "$n")
v() { printf '%s\n' "$out" | awk -v k="$1" '{ for (i = 1; i < NF; i += 2) if ($i == k) print $(i + 1) }'; }
cat <<MD
# Benchmarks

Produced by \`bench/run.sh $n\` on $(date -u +%Y-%m-%d), $(nproc) cores,
$(uname -m), $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ //'),
a database of $n consent records and $((n / 10)) suppressions, built with
-O2. Each figure is the median of five rounds; each baseline was measured
in the same run.

| what | ns per operation | baseline | baseline ns | ratio |
|---|---:|---|---:|---:|
| \`decide()\`, one recipient with a tag (3 keys) | $(v decide) | one \`store_get_consent()\` | $(v get) | $(awk "BEGIN { printf \"%.1f\", $(v decide) / $(v get) }") |
| a list message with 10 recipients through \`policy/msg.c\` | $(v message) | 10 \`decide()\` in one transaction | $(v ten_decide) | $(awk "BEGIN { printf \"%.1f\", $(v message) / $(v ten_decide) }") |
| \`token_seal()\` | $(v token_seal) | \`token_open()\` | $(v token_open) | $(awk "BEGIN { printf \"%.1f\", $(v token_seal) / $(v token_open) }") |

What the figures say: a decision costs a few exact lookups in LMDB's
memory map; a whole message adds the token, the List-* headers and the
log lines to its decisions. Messages per second per core are about
1e9 / (ns per message).
MD
