#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# libfuzzer.sh - fuzz every parser with clang's libFuzzer (ASan + UBSan)
#
#   tests/fuzz/libfuzzer.sh [SECONDS-PER-TARGET]   (default 60)
#
# Not part of "make check" (which replays the saved corpus): run it when
# a parser changes. New inputs that find something are saved under
# tests/fuzz/corpus/NAME/ by libFuzzer; keep the ones worth keeping.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-60}
out="$top/build/fuzz"
mkdir -p "$out"
[ -f "$top/build/werror/config.h" ] || { echo "run ./quickstart check first"; exit 1; }
flags="-g -O1 -fsanitize=fuzzer,address,undefined -I$top/build/werror -I$top/policy -I$top/unsubd $(pkg-config --cflags libbsd-overlay)"
libs="$(pkg-config --libs lmdb libsodium libidn2 libbsd-overlay) -lpthread"
pol="$top/policy/addr.c $top/policy/conf.c $top/policy/conf_lex.c $top/policy/conf_list.c $top/policy/conf_value.c $top/policy/record.c $top/policy/csv.c $top/policy/listhdr.c $top/policy/model.c $top/policy/token.c $top/policy/unsub.c $top/policy/confirm.c $top/policy/decide.c $top/policy/store.c $top/policy/store_rec.c $top/policy/store_erase.c $top/policy/store_iter.c $top/policy/report.c $top/policy/store_check.c $top/policy/store_env.c $top/policy/store_bounce.c $top/policy/orcp.c $top/policy/store_backup.c $top/policy/store_restore.c $top/policy/authres.c $top/policy/hdraddr.c $top/policy/store_guard.c"
for t in addr conf csv token form subject record report client orcp logrep authres mime hdraddr; do
	extra=""
	[ "$t" = logrep ] && extra="$top/ctl/logreport.c $top/ctl/logreport_out.c -I$top/ctl"
	[ "$t" = form ] && extra="$top/unsubd/form.c"
	[ "$t" = client ] && extra="$top/unsubd/client.c"
	[ "$t" = mime ] && extra="$top/feedback/mime.c -I$top/feedback $(pkg-config --cflags --libs gmime-3.0)"
	# shellcheck disable=SC2086
	clang $flags -o "$out/fuzz_$t" "$top/tests/fuzz/fuzz_$t.c" $pol $extra $libs
	mkdir -p "$out/corpus_$t"
	"$out/fuzz_$t" -max_total_time="$secs" -max_len=4096 \
	    "$out/corpus_$t" "$top/tests/fuzz/corpus/$t"
done
