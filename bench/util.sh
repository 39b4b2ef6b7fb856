# SPDX-License-Identifier: BSD-2-Clause
# util.sh - what bench/run, bench/ab.sh, bench/pool.sh and (through
# bench/lib.sh) bench/postfix.sh and bench/split.sh share: a scratch
# directory, free ports, medians, sums and ratios of "KEY value" lines, a
# milter that answers, the CSVs they load and the recipients the milter
# must delete, the processor time of a process. Needs top (the source
# tree) and, for up, L (bench/milterload); expect_del reads MSGS.

# workdir NAME: a new scratch directory in W (optin-NAME.XXXXXX under
# TMPDIR), removed at exit after the processes in pids are stopped;
# pids empty, bad 0
workdir() {
	W=$(mktemp -d "${TMPDIR:-/tmp}/optin-$1.XXXXXX") || exit 73
	pids=""
	bad=0
	trap 'for p in $pids; do kill "$p" 2>/dev/null; done; wait 2>/dev/null
	    rm -rf "$W"' EXIT
	trap 'exit 1' INT TERM
}

# port: a free TCP port on loopback, below the ephemeral range (as
# tests/lib.sh), so that no outgoing connection takes it meanwhile
port() {
	python3 -c '
import random, socket
for _ in range(1000):
    p = random.randint(20000, 29999)
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p))
    except OSError:
        continue
    print(p)
    break'
}
# med FILE KEY: the median of KEY's values in FILE ("KEY value" lines)
med() {
	awk -v k="$2" '$1 == k { print $2 }' "$1" | sort -g |
	    awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "n/a" }'
}
# rng FILE KEY: the lowest and the highest of KEY's values, "a–b"
rng() {
	awk -v k="$2" '$1 == k { print $2 }' "$1" | sort -g |
	    awk 'NR == 1 { a = $1 } { b = $1 } END { if (NR) print a "–" b; else print "n/a" }'
}
# mx FILE KEY: the largest of KEY's values
mx() { awk -v k="$2" '$1 == k { print $2 }' "$1" | sort -g | tail -n 1; }
# sum FILE KEY: the sum of KEY's values
sum() { awk -v k="$2" '$1 == k { s += $2 } END { print s + 0 }' "$1"; }
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b > 0)
		printf "%.2f", a / b; else print "n/a" }'
}
# pair FILE A B: A against B round by round (bench/pair.awk)
pair() { awk -v a="$2" -v b="$3" -f "$top/bench/pair.awk" "$1"; }
# ticks PID: the processor time PID has used so far, user and system, in
# clock ticks of HZ a second (/proc/PID/stat, all its threads: utime
# and stime are the 12th and 13th fields after the command's closing
# parenthesis); 0 without PID
HZ=$(getconf CLK_TCK)
ticks() {
	[ -n "$1" ] || { echo 0; return; }
	sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}
# field LINE NAME: the value of NAME= in a line of bench/milterload
field() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
# up SOCKET: wait until a milter answers there (ten seconds at most;
# after that the run counts as failed, bad=1: its figures would be of
# nothing)
up() {
	_i=0
	until "$L" -q -s "$1" -m 1 -a 1 2>/dev/null; do
		if [ $_i -ge 200 ]; then
			echo "$0: no milter answers on $1" >&2
			bad=1
			return 1
		fi
		sleep 0.05
		_i=$((_i + 1))
	done
}
# rows N: a CSV of N opt-ins to marketing, user0000000@bench.example on
rows() {
	awk -v n="$1" 'BEGIN { print "address,list,status"
		for (i = 0; i < n; i++) printf "user%07d@bench.example,marketing,opt-in\n", i }'
}
# people: the milter's database, 1000 addresses of which every fifth
# (user0000000, user0000005, ...) has no consent
people() {
	awk 'BEGIN { print "address,list,status"
		for (i = 0; i < 1000; i++) if (i % 5) printf "user%07d@bench.example,marketing,opt-in\n", i }'
}
# expect_del R: the recipients deleted and the messages discarded in a
# run of MSGS messages of R recipients from people's 1000 addresses
# (message m's recipient k is number (m * R + k) mod 1000)
expect_del() {
	awk -v m="$MSGS" -v r="$1" 'BEGIN { d = 0; x = 0
		for (i = 0; i < m; i++) { c = 0
			for (k = 0; k < r; k++) if (((i * r + k) % 1000) % 5 == 0) c++
			if (c == r) x++; else d += c }
		print d, x }'
}
