# SPDX-License-Identifier: BSD-2-Clause
# lib.sh - helpers for the shell tests; sourced, not run.
#
# Each test gets its own directory ($T), removed on exit unless KEEP=1.
# check NAME WANT_RC CMD...   runs CMD, keeps stdout in $out and stderr in
#                             $err, and fails the test on another exit code.

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir/build}
T=$(mktemp -d "${TMPDIR:-/tmp}/optin-$(basename "$0" .sh).XXXXXX")
failures=0
checks=0
cleanup_hooks=""
on_exit() {
	for h in $cleanup_hooks; do "$h" || true; done
	if [ "${KEEP:-0}" = 1 ] || [ "$failures" -gt 0 ]; then
		echo "# test directory kept: $T"
	else
		rm -rf "$T"
	fi
}
trap on_exit EXIT

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

ok() {
	checks=$((checks + 1))
}

# check NAME WANT_RC CMD...
check() {
	_name=$1 _want=$2
	shift 2
	out=$("$@" 2>"$T/.err"); _rc=$?
	err=$(cat "$T/.err")
	if [ "$_rc" != "$_want" ]; then
		fail "$_name: exit $_rc, want $_want; stdout: $out; stderr: $err"
	else
		ok
	fi
}

# expect NAME HAYSTACK NEEDLE: HAYSTACK contains NEEDLE
expect() {
	case "$2" in
	*"$3"*) ok ;;
	*) fail "$1: \"$3\" not in: $2" ;;
	esac
}

# expect_not NAME HAYSTACK NEEDLE
expect_not() {
	case "$2" in
	*"$3"*) fail "$1: \"$3\" unexpectedly in: $2" ;;
	*) ok ;;
	esac
}

# expect_eq NAME GOT WANT
expect_eq() {
	if [ "$2" = "$3" ]; then ok; else fail "$1: got \"$2\", want \"$3\""; fi
}

# done_testing: the verdict; exit 0 only when every check passed
done_testing() {
	echo "# $checks checks, $failures failed"
	[ "$failures" -eq 0 ] && [ "$checks" -gt 0 ]
	exit $?
}

# free_port: a TCP port nobody listens on now
free_port() {
	FREE_PORTS="$T/.ports" python3 - <<'PY' 2>/dev/null || echo $((20000 + $$ % 10000))
# below the kernel's ephemeral range (32768-60999 by default): a port
# handed out there can be taken as the source port of some client's
# connection (a test that floods the daemon opens thousands) before the
# daemon binds it
# nor one this test was given before and has not bound yet (two
# services of one Postfix on one port: one of them is not there)
import os, random, socket
given = os.environ["FREE_PORTS"]
try:
    with open(given) as f:
        taken = set(int(x) for x in f.read().split())
except OSError:
    taken = set()
for _ in range(200):
    p = random.randint(10000, 32000)
    if p in taken:
        continue
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p))
    except OSError:
        continue
    finally:
        s.close()
    with open(given, "a") as f:
        f.write("%d\n" % p)
    print(p)
    break
else:
    raise SystemExit(1)
PY
}

# test_conf FILE: the example configuration with paths in $T, single
# stage (split no: the split needs Postfix's wiring, see pf_start_site)
test_conf() {
	sed -e "s|^database .*|database $T/db|" \
	    -e "s|^secret-file .*|secret-file $T/secret.key|" \
	    -e "s|^socket .*|socket unix:$T/milter.sock|" \
	    -e "s|^split .*|split no|" \
	    -e "s|^user .*|#user         optin|" \
	    "$top_srcdir/conf/optin-milter.conf.example" > "$1"
}
