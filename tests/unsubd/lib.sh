# SPDX-License-Identifier: BSD-2-Clause
# lib.sh - start and stop optin-unsubd; sourced after ../lib.sh

U="$top_builddir/optin-unsubd"
C="$top_builddir/optinctl"
unsubd_pid=""

# start_unsubd CONF LOG: run it, wait until /healthz answers at all
start_unsubd() {
	_listen=$(sed -n 's/^listen *//p' "$1")
	BASE="http://$_listen"
	"$U" -c "$1" -f 2>>"$2" &
	unsubd_pid=$!
	cleanup_hooks="$cleanup_hooks stop_unsubd_quiet"
	_i=0
	until curl -s -o /dev/null "$BASE/healthz" || [ $_i -ge 400 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
	curl -s -o /dev/null "$BASE/healthz" || { fail "unsubd did not start: $(cat "$2")"; return 1; }
}

stop_unsubd_quiet() {
	[ -n "$unsubd_pid" ] && kill "$unsubd_pid" 2>/dev/null
	[ -n "$unsubd_pid" ] && wait "$unsubd_pid" 2>/dev/null
	unsubd_pid=""
}

stop_unsubd() {
	kill -TERM "$unsubd_pid"
	wait "$unsubd_pid"
	_rc=$?
	unsubd_pid=""
	expect_eq "unsubd exits 0 on SIGTERM" "$_rc" 0
}

# http NAME WANT_STATUS curl-args...: status in $status, body in $out
http() {
	_name=$1 _want=$2
	shift 2
	out=$(curl -s -o "$T/.body" -D "$T/.head" -w '%{http_code}' "$@")
	status=$out
	out=$(cat "$T/.body")
	hdrs=$(cat "$T/.head")
	expect_eq "$_name: status" "$status" "$_want"
}

# token ADDR LIST: a token as a message would carry it
token() {
	"$C" -c "$T/om.conf" token "$1" "$2" | sed -n 's/^token: //p'
}

# mktoken LIST [RCPT]: a token optinctl would not make (list-only, or
# for a list that is not configured); mktoken -c ISSUED LIST RCPT: a
# confirmation token issued at ISSUED
mktoken() {
	if [ "$1" = -c ]; then
		"$top_builddir/tests/unsubd/mktoken" -c "$2" "$T/secret.key" "$3" "$4"
	else
		"$top_builddir/tests/unsubd/mktoken" "$T/secret.key" "$@"
	fi
}

# history_count ADDR
history_count() {
	"$C" -c "$T/om.conf" show "$1" | grep -c '^history '
}

# unsubd_conf: the test configuration with a free port
unsubd_conf() {
	test_conf "$T/om.conf"
	PORT=$(free_port)
	sed -i -e "s/^listen .*/listen 127.0.0.1:$PORT/" "$T/om.conf"
}

# subscribe_conf: unsubd_conf, with /s on for marketing and releases and
# confirmation mail going to a script that keeps every message in
# $T/mail/N (first line: the arguments)
subscribe_conf() {
	unsubd_conf
	mkdir -p "$T/mail"
	cat > "$T/sendmail" <<'SH'
#!/bin/sh
d=$(dirname "$0")/mail
n=$(ls "$d" | wc -l)
{ echo "ARGS: $*"; cat; } > "$d/.$n" && mv "$d/.$n" "$d/$n"
SH
	chmod 755 "$T/sendmail"
	sed -i -e '/^list marketing {/a\
    subscribe yes\
    consent-version 2026-11\
    consent-text "I want news about events and products; I can unsubscribe at any time."' \
	    -e '/^list releases {/a\
    subscribe yes' "$T/om.conf"
	cat >> "$T/om.conf" <<EOF2
sendmail-path $T/sendmail
confirm-from  lists@example.com
confirm-url   http://127.0.0.1:$PORT/c/
EOF2
}

# mail_count: confirmation messages handed to sendmail so far
mail_count() {
	ls "$T/mail" | grep -c '^[0-9]'
}

# wait_mail N: until N messages are there (10 s at most)
wait_mail() {
	_i=0
	while [ "$(mail_count)" -lt "$1" ] && [ $_i -lt 200 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
}

# mail_for ADDR: the last message handed to sendmail for ADDR, waiting
# for one (10 s at most); "" when none came
mail_for() {
	_i=0
	while [ $_i -lt 200 ]; do
		_f=$(grep -l -x -e "ARGS: .* -- $1" "$T"/mail/[0-9]* 2>/dev/null |
		    sort -t/ -k2 -n | tail -n 1)
		[ -n "$_f" ] && { echo "$_f"; return 0; }
		sleep 0.05
		_i=$((_i + 1))
	done
	echo ""
}

# confirm_link FILE: the /c/ link in a confirmation message
confirm_link() {
	grep -o 'http://[^ ]*/c/[A-Za-z0-9_-]*' "$1" | head -1
}

# people N: a new database for $T/om.conf with p0 .. p(N-1)@example.org
# opted in to marketing, and a line "I TOKEN" for each in $T/tokens
people() {
	"$C" -c "$T/om.conf" init >/dev/null
	{
		echo "address,list,status"
		_i=0
		while [ $_i -lt "$1" ]; do
			echo "p$_i@example.org,marketing,opt-in"
			_i=$((_i + 1))
		done
	} > "$T/people.csv"
	"$C" -c "$T/om.conf" import "$T/people.csv" >/dev/null
	_i=0
	while [ $_i -lt "$1" ]; do
		echo "$_i $(token "p$_i@example.org" marketing)"
		_i=$((_i + 1))
	done > "$T/tokens"
}
