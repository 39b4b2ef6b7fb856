#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# replay.sh - every fuzz target over its saved corpus (under ASan and
# UBSan in the sanitizer build)
. "$(dirname "$0")/../lib.sh"

for t in addr conf csv token form subject record report client orcp logrep authres mime hdraddr; do
	check "fuzz_$t replays its corpus" 0 "$top_builddir/tests/fuzz/fuzz_$t" \
	    "$top_srcdir/tests/fuzz/corpus/$t"
	expect "fuzz_$t ran inputs" "$out" " inputs"
done
done_testing
