#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# ab.sh - two builds of optin-milter side by side: bench/milterload
# against each over a unix and an inet socket, N = 1 and 16 connections,
# R = 1 and 10 recipients, in interleaved rounds (A first in odd rounds,
# B first in even ones); prints a Markdown table of B against A.
#
#   bench/ab.sh BUILD_A BUILD_B	(environment: ROUNDS, default 5; MSGS,
#				default 5000)
#
# Both run on one database of 1000 addresses of which every fifth has no
# consent, the configuration of conf/optin-milter.conf.example, and the
# milterload of BUILD_B. Every run is checked: all MSGS messages answered,
# the recipients without consent deleted (or, where a message has nobody
# left, the message discarded), nothing rejected, tempfailed or broken.
set -u
[ $# -eq 2 ] || { echo "usage: bench/ab.sh BUILD_A BUILD_B" >&2; exit 64; }
A=$(cd "$1" && pwd) && B=$(cd "$2" && pwd) || exit 66
top=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${ROUNDS:-5}
MSGS=${MSGS:-5000}
L="$B/bench/milterload"
C="$B/optinctl"
for f in "$A/optin-milter" "$B/optin-milter" "$L" "$C"; do
	[ -x "$f" ] || { echo "bench/ab.sh: no $f" >&2; exit 66; }
done
. "$top/bench/util.sh"
workdir ab

sed -e "s|^database .*|database $W/db|" \
    -e "s|^secret-file .*|secret-file $W/secret.key|" \
    -e "s|^user .*|#user optin|" -e "s|^split .*|split no|" \
    -e "s|^listen .*|listen 127.0.0.1:$(port)|" \
    "$top/conf/optin-milter.conf.example" > "$W/base.conf"
"$C" -c "$W/base.conf" init >/dev/null || exit 70
people > "$W/people.csv"
"$C" -c "$W/base.conf" import "$W/people.csv" >/dev/null || exit 70

# the four filters: a and b, each on a unix and an inet socket
for x in a b; do
	[ $x = a ] && d=$A || d=$B
	p=$(port)
	eval "${x}_unix=unix:$W/$x.sock ${x}_inet=inet:$p@127.0.0.1"
	for t in unix inet; do
		eval "s=\$${x}_$t"
		sed "s|^socket .*|socket $s|" "$W/base.conf" > "$W/$x-$t.conf"
		"$d/optin-milter" -c "$W/$x-$t.conf" -f 2>"$W/$x-$t.log" &
		pids="$pids $!"
		up "$s" || exit 69
	done
done

: > "$W/res"
r=1
while [ "$r" -le "$ROUNDS" ]; do
	for t in unix inet; do
		for n in 1 16; do
			for rc in 1 10; do
				[ $((r % 2)) = 1 ] && order="a b" || order="b a"
				for x in $order; do
					eval "s=\$${x}_$t"
					o=$("$L" -s "$s" -c $n -m "$MSGS" -r $rc -a 1000) || bad=1
					echo "$x-$t-$n-$rc $(field "$o" msgs_per_s)" >> "$W/res"
					set -- $(expect_del $rc)
					got="$(field "$o" messages) $(field "$o" delrcpt) $(field "$o" discarded) $(field "$o" rejected) $(field "$o" tempfailed) $(field "$o" errors)"
					if [ "$got" != "$MSGS $1 $2 0 0 0" ]; then
						echo "bench/ab.sh: $x $t N=$n R=$rc: messages, deleted, discarded, rejected, tempfailed, errors: $got, want $MSGS $1 $2 0 0 0" >&2
						bad=1
					fi
				done
			done
		done
	done
	r=$((r + 1))
done

cat <<MD
| socket | N | R | A msg/s | B msg/s | B/A (lowest–highest) |
|---|---:|---:|---:|---:|---|
MD
for t in unix inet; do
	for n in 1 16; do
		for rc in 1 10; do
			k="$t-$n-$rc"
			echo "| $t | $n | $rc | $(med "$W/res" "a-$k") | $(med "$W/res" "b-$k") | $(pair "$W/res" "b-$k" "a-$k") |"
		done
	done
done
echo
echo "A: $A, B: $B; $ROUNDS rounds of $MSGS messages per run; every run checked: $([ $bad = 0 ] && echo yes || echo NO)."
exit $bad
