#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# pool.sh - where libmilter's slow messages come from: the null filter of
# bench/ linked against libmilter four ways, under bench/milterload.
#
#   bench/pool.sh SENDMAIL_SRC	(environment: top_builddir; ROUNDS,
#				default 4; MSGS, default 12000)
#
# SENDMAIL_SRC is the sendmail source tree that libmilter is built from,
# for Debian's own the one `apt-get source sendmail` unpacks (with a
# deb-src line in the APT sources). From it libmilter.a is built three
# ways, with the compiler alone:
#
#   pool     as Debian builds it: -DSM_CONF_POLL=1 -D_FFR_WORKERS_POOL=1
#   nopool   without the worker pool, sendmail's own default: one thread
#            for each session, which reads its socket itself
#   fixed    with the pool, and worker.c changed (by sed, below) so that
#            the pool no longer counts a worker it has just woken as idle
#
# The fourth is the system's shared libmilter. Each run sends MSGS
# messages of 10 recipients over N = 4 and 16 connections (unix socket);
# the four filters take turns, each round starting one later. A run is
# checked: every message answered, no protocol error. Prints a Markdown
# table: messages/s and p99 latency (medians of the rounds), the slowest
# message of all runs, and the messages that took 100 ms or more (summed).
set -u
[ $# -eq 1 ] || { echo "usage: bench/pool.sh SENDMAIL_SRC" >&2; exit 64; }
S=$(cd "$1" && pwd) || exit 66
[ -f "$S/libmilter/worker.c" ] && [ -f "$S/include/sm/os/sm_os_linux.h" ] ||
    { echo "bench/pool.sh: $S: no sendmail source (libmilter/worker.c)" >&2; exit 66; }
top=$(cd "$(dirname "$0")/.." && pwd)
B=${top_builddir:-$top/build}
B=$(cd "$B" && pwd) || exit 66
ROUNDS=${ROUNDS:-4}
MSGS=${MSGS:-12000}
L="$B/bench/milterload"
make -s -C "$B" bench/milterload bench/nullfilter >/dev/null || exit 70
. "$top/bench/util.sh"
workdir pool

# lib NAME FLAGS...: libmilter.a from the source, in $W/NAME
lib() {
	_n=$1
	shift
	mkdir -p "$W/$_n/inc"
	cp "$S/include/sm/os/sm_os_linux.h" "$W/$_n/inc/sm_os.h"
	cp -R "$S/libmilter" "$W/$_n/src"
	# fixed: a worker woken for a session no longer counts as idle, so
	# that two sessions ready at once never share one wake-up (the
	# second would wait for a worker to come back from its session)
	if [ "$_n" = fixed ]; then
		sed -e 's/^\(static taskmgr_T[ 	]*Tskmgr = {0};\)$/\1\
static int woken;/' \
		    -e '/if (Tskmgr\.tm_nb_idle > 0)$/{s//if (Tskmgr.tm_nb_idle - woken > 0)/;n;s/{$/{ woken++;/;}' \
		    -e 's/^\([ 	]*\)Tskmgr\.tm_nb_idle--;$/&\
\1if (woken > 0)\
\1	woken--;/' "$S/libmilter/worker.c" > "$W/$_n/src/worker.c"
		# the declaration, two hand-offs and the wake-up: 7 mentions
		[ "$(grep -c woken "$W/$_n/src/worker.c")" = 7 ] || {
			echo "bench/pool.sh: worker.c is not the one expected" >&2
			return 1
		}
	fi
	for _f in main engine listener worker handler comm smfi signal \
	    sm_gethost monitor; do
		${CC:-cc} -O2 -w -c -I"$W/$_n/inc" -I"$S/include" -I"$S/sendmail" \
		    -I"$W/$_n/src" -DNOT_SENDMAIL -Dsm_snprintf=snprintf \
		    -D_REENTRANT -DNETINET -DNETINET6 -DNETUNIX "$@" \
		    "$W/$_n/src/$_f.c" -o "$W/$_n/$_f.o" || return 1
	done
	for _f in strl errstring; do
		${CC:-cc} -O2 -w -c -I"$W/$_n/inc" -I"$S/include" -DNOT_SENDMAIL \
		    -Dsm_snprintf=snprintf \
		    "$S/libsm/$_f.c" -o "$W/$_n/$_f.o" || return 1
	done
	ar rcs "$W/$_n/libmilter.a" "$W/$_n"/*.o
}
lib pool -DSM_CONF_POLL=1 -D_FFR_WORKERS_POOL=1 || exit 70
lib nopool -DSM_CONF_POLL=1 || exit 70
lib fixed -DSM_CONF_POLL=1 -D_FFR_WORKERS_POOL=1 || exit 70
# the null filter, as bench/ links it, against each
for n in pool nopool fixed system; do
	[ $n = system ] && m=-lmilter || m="$W/$n/libmilter.a"
	${CC:-cc} -o "$W/nf-$n" "$B/bench/nullfilter.o" "$B/common/sockopt.o" \
	    "$m" -lpthread -lbsd || exit 70
done
nm "$W/nf-nopool" | grep -q ' mi_pool_controller_init$' && exit 70
nm "$W/nf-pool" | grep -q ' mi_pool_controller_init$' || exit 70

for n in system pool nopool fixed; do
	"$W/nf-$n" -s "unix:$W/$n.sock" & pids="$pids $!"
	up "unix:$W/$n.sock" || exit 1
done
: > "$W/res"
set -- system pool nopool fixed
r=1
while [ $r -le "$ROUNDS" ]; do
	for c in 4 16; do
		for n in "$@"; do
			x=$("$L" -s "unix:$W/$n.sock" -c $c -m "$MSGS" -r 10 -a 1000) ||
			    bad=1
			[ "$(field "$x" messages)" = "$MSGS" ] &&
			    [ "$(field "$x" errors)" = 0 ] || bad=1
			echo "$n-$c $(field "$x" msgs_per_s)" >> "$W/res"
			echo "$n-$c-p99 $(field "$x" p99_us)" >> "$W/res"
			echo "$n-$c-max $(field "$x" max_us)" >> "$W/res"
			echo "$n-$c-slow $(field "$x" slow)" >> "$W/res"
		done
	done
	# the next round starts with the next filter
	_f=$1
	shift
	set -- "$@" "$_f"
	r=$((r + 1))
done
echo "| libmilter | N | messages/s | p99 µs | max µs | messages of 100 ms or more |"
echo "|---|---:|---:|---:|---:|---:|"
for n in system pool nopool fixed; do
	for c in 4 16; do
		echo "| $n | $c | $(med "$W/res" "$n-$c") | $(med "$W/res" "$n-$c-p99") | $(mx "$W/res" "$n-$c-max") | $(sum "$W/res" "$n-$c-slow") |"
	done
done
echo
echo "$ROUNDS rounds of $MSGS messages a run; every run checked: $([ $bad = 0 ] && echo yes || echo NO)."
exit $bad
