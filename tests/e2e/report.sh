#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# report.sh - optinctl report on the logs an end-to-end run produces:
# list mail through a private Postfix (one recipient bounced by Postfix),
# a one-click unsubscribe, a mailto unsubscribe and a preference-page
# change; the report counts what the sink and the database show, and its
# HTML page is checked in headless Chromium
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../milter/lib.sh"
. "$(dirname "$0")/../unsubd/lib.sh"
. "$(dirname "$0")/lib.sh"

unsubd_conf
e2e_conf "$T/om.conf" \
    -e "s|^unsubscribe-url .*|unsubscribe-url http://127.0.0.1:$PORT/u/|" \
    -e "s|^preferences-url .*|preferences-url http://127.0.0.1:$PORT/p/|"
ctl() { "$C" -c "$T/om.conf" "$@" >/dev/null; }
ctl init
for a in alice@example.org bob@example.org carol@example.org x@bounce.example; do
	ctl subscribe "$a" marketing
done
ctl subscribe carol@example.org status --relationship

start_milter "$T/om.conf" "$T/milter.log" || done_testing
start_unsubd "$T/om.conf" "$T/unsubd.log" || done_testing
pf_start "unix:$T/milter.sock" || done_testing
# bounce.example's server refuses every recipient: Postfix bounces
BPORT=$(free_port)
smtp-sink -u postfix -f rcpt "127.0.0.1:$BPORT" 10 >/dev/null 2>&1 &
bsink=$!
stop_bsink() { kill "$bsink" 2>/dev/null; }
cleanup_hooks="$cleanup_hooks stop_bsink"
echo "bounce.example smtp:[127.0.0.1]:$BPORT" > "$PF/transport"
postconf -c "$PF" -e "transport_maps = texthash:$PF/transport"
postfix -c "$PF" reload >/dev/null 2>&1

header() {
	awk -v n="$1:" 'f && /^[ \t]/ { sub(/^[ \t]+/, " "); v = v $0; next }
	    f { exit }
	    tolower($1) == tolower(n) { f = 1; v = substr($0, length(n) + 2) }
	    END { print v }' "$2"
}

send_smtp "r1" news@example.com "alice@example.org,bob@example.org,dave@example.org,x@bounce.example"
send_smtp "r2" status@example.com "carol@example.org,erin@example.org"
send_smtp "r3" news@example.com "alice@example.org"
send_smtp "r4" news@example.com "bob@example.org"
pf_wait 4 || true
# the list message, not Postfix's bounce to news@ that quotes it
r1=""
for f in $(grep -l -x "Subject: r1" "$SINK"/* 2>/dev/null); do
	[ "$(rcpts "$f")" = "news@example.com " ] || r1=$f
done
expect_eq "r1 at the sink" "$(rcpts "$r1")" "alice@example.org bob@example.org "
# one-click for alice, mailto for bob, the preference page for carol
url=$(header List-Unsubscribe "$(sink_for r3)" | sed -n 's/^<\(http[^>]*\)>.*/\1/p')
http "one-click" 200 --data "List-Unsubscribe=One-Click" "$url"
mailto=$(header List-Unsubscribe "$(sink_for r4)" | sed -n 's/.*<mailto:\([^>]*\)>.*/\1/p')
subj=$(printf '%s' "${mailto#*subject=}" | sed 's/%20/ /g')
if [ -n "$mailto" ]; then
	out=$(swaks --server "127.0.0.1:$SMTP_PORT" --from bob@example.org \
	    --to "${mailto%%\?*}" --header "Subject: $subj" --body "stop" \
	    </dev/null 2>&1)
	expect "mailto request" "$out" "250 2.0.0 Ok: queued"
else
	fail "r4 has no mailto link"
fi
tok=$(token carol@example.org marketing)
http "preferences" 200 --data "form=preferences&list=releases&save=1" \
    "http://127.0.0.1:$PORT/p/$tok"
# the mailto request has been handled once bob is out
_i=0
while "$C" -c "$T/om.conf" check bob@example.org marketing >/dev/null 2>&1 &&
    [ $_i -lt 100 ]; do
	postqueue -c "$PF" -f >/dev/null 2>&1
	sleep 0.1
	_i=$((_i + 1))
done
check "bob out" 1 "$C" -c "$T/om.conf" check bob@example.org marketing
check "carol out" 1 "$C" -c "$T/om.conf" check carol@example.org marketing
_i=0
until grep -q "to=<x@bounce.example>.*status=bounced" "$T/maillog" 2>/dev/null ||
    [ $_i -ge 100 ]; do
	sleep 0.1
	_i=$((_i + 1))
done
stop_unsubd
stop_milter

# the logs the run produced: the daemons' (-f) and Postfix's
logs="$T/milter.log $T/unsubd.log $T/maillog"
check "report" 0 "$C" -c "$T/om.conf" report --json $logs
printf '%s\n' "$out" > "$T/r.json"
tot() {
	python3 - "$T/r.json" "$1" "$2" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(sum(l["total"][sys.argv[3]] for l in r["lists"] if l["list"] == sys.argv[2]))
PY
}
expect_eq "marketing messages" "$(tot marketing messages)" 3
expect_eq "marketing delivered" "$(tot marketing delivered)" 5
expect_eq "marketing stripped" "$(tot marketing stripped)" 1
expect_eq "marketing bounced" "$(tot marketing bounces)" 1
expect_eq "one-click" "$(tot marketing unsubscribe_one_click)" 1
expect_eq "mailto" "$(tot marketing unsubscribe_mailto)" 1
# carol kept releases only: marketing and status out, releases in
expect_eq "preference page, marketing" "$(tot marketing unsubscribe_preferences)" 1
expect_eq "preference page, status" "$(tot status unsubscribe_preferences)" 1
expect_eq "nothing from all" "$(tot '*' unsubscribe_preferences)" 0
expect_eq "status messages" "$(tot status messages)" 1
expect_eq "status delivered" "$(tot status delivered)" 1
expect_eq "status stripped" "$(tot status stripped)" 1
check "text" 0 "$C" -c "$T/om.conf" report $logs
expect "text reasons" "$out" "top reasons: no-consent 1"

check "html" 0 "$C" -c "$T/om.conf" report --html "$T/report.html" $logs

if ! command -v chromium >/dev/null || ! command -v npm >/dev/null; then
	echo "# no chromium or npm: the page is not opened (./quickstart check installs them)"
	done_testing
fi
PW="$top_builddir/tests/node"
if [ -z "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f /etc/ssl/certs/ca-certificates.crt ]; then
	NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
	export NODE_EXTRA_CA_CERTS
fi
if [ ! -d "$PW/node_modules/playwright-core" ]; then
	mkdir -p "$PW"
	HOME=${HOME:-$T} npm install --prefix "$PW" --cache "$PW/.npm-cache" --no-audit \
	    --no-fund --loglevel=error playwright-core@1 >"$T/npm.log" 2>&1 ||
	    { fail "npm install playwright-core: $(tail -n 5 "$T/npm.log")"; done_testing; }
fi
check "browser" 0 env HOME="${HOME:-$T}" NODE_PATH="$PW/node_modules" node \
    "$top_srcdir/tests/e2e/report.js" "file://$T/report.html" "$T/report.png"
expect "title" "$out" "title optin-milter report"
expect "no network" "$out" "requests 0 "
expect "no script" "$out" "scripts 0"
expect "marketing row" "$out" "row marketing messages=3 delivered=5 stripped=1 rejected=0 tempfailed=0 unsubscribe_one_click=1 unsubscribe_preferences=1 unsubscribe_mailto=1 bounces=1 complaints=0 strip_rate=16.6%"
expect "status row" "$out" "row status messages=1 delivered=1 stripped=1"
expect "reasons" "$out" "reasons marketing no-consent"
expect "description" "$out" "shows-description 1"
# two charts per list, drawn with a size; a day with unsubscribes has a
# bar of height, one without has none
charts=$(printf '%s\n' "$out" | grep -c '^chart ')
expect_eq "charts" "$charts" 4
unsub=$(printf '%s\n' "$out" | sed -n 's/^chart marketing unsubscribes \([0-9]*x[0-9]*\) //p')
expect "unsubscribe bars" "$unsub" ":3:"
strip=$(printf '%s\n' "$out" | sed -n 's/^chart marketing strip-rate [0-9]*x[0-9]* //p')
# 1 of 6 recipients stripped on the day of the -f lines ("-")
expect "strip-rate bar" "$strip" "-:16.6:"
w=$(printf '%s\n' "$out" | sed -n 's/^chart marketing unsubscribes \([0-9]*\)x.*/\1/p')
[ "${w:-0}" -ge 300 ] && ok || fail "chart drawn $w wide"
[ -s "$T/report.png" ] && ok || fail "no screenshot"
done_testing
