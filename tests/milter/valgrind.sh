#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# valgrind.sh - optin-milter under valgrind over a few hundred messages:
# no leak, no memory error (skipped in the sanitizer build, where ASan
# and LeakSanitizer check the same in every other test)
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

if [ "${SANITIZERS:-no}" = yes ] || ! command -v valgrind >/dev/null; then
	echo "# skipped: sanitizer build or no valgrind"
	exit 77
fi
test_conf "$T/om.conf"
"$C" -c "$T/om.conf" init >/dev/null
"$C" -c "$T/om.conf" subscribe alice@example.org marketing >/dev/null
"$C" -c "$T/om.conf" subscribe dave@example.org marketing >/dev/null
sock="unix:$T/milter.sock"

valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect \
    --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
    --log-file="$T/valgrind.log" "$M" -c "$T/om.conf" -f 2>"$T/milter.log" &
milter_pid=$!
cleanup_hooks="$cleanup_hooks stop_milter_quiet"
_i=0
while [ ! -S "$T/milter.sock" ] && [ $_i -lt 400 ]; do sleep 0.05; _i=$((_i+1)); done
lua many.lua -D count=300
kill -TERM "$milter_pid"
wait "$milter_pid"
rc=$?
milter_pid=""
expect_eq "valgrind: clean exit" "$rc" 0
expect_eq "valgrind: no report" "$(cat "$T/valgrind.log")" ""
n=$(grep -c 'mode=enforce' "$T/milter.log")
[ "$n" -ge 150 ] && ok || fail "only $n list messages logged"
done_testing
