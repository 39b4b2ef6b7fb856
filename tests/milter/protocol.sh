#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# protocol.sh - optin-milter driven by miltertest: actions, replies,
# headers, log lines, and what the database holds afterwards
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

test_conf "$T/om.conf"
echo "authserv-id mx.test.example" >> "$T/om.conf"
ctl() { "$C" -c "$T/om.conf" "$@" >/dev/null; }
ctl init
ctl subscribe alice@example.org marketing
ctl subscribe dave@example.org marketing
ctl subscribe pat@example.org marketing
ctl subscribe pending@example.org marketing --pending
ctl subscribe erin@mx.test.example marketing
ctl subscribe @customer.example status --relationship
ctl unsubscribe ops@customer.example status
ctl suppress bounced@example.org --reason bounce
ctl suppress gone@example.org --reason legal
sock="unix:$T/milter.sock"
log="$T/milter.log"

start_milter "$T/om.conf" "$log" || done_testing
lua basic.lua -D tokfile="$T/token"

# the log: one line per recipient and a summary, queue id first
L=$(cat "$log")
expect "log deliver" "$L" "Q1: list=marketing rcpt=<alice@example.org> verdict=deliver reason=opt-in"
expect "log strip" "$L" "Q1: list=marketing rcpt=<carol@example.org> verdict=strip reason=no-consent"
expect "log summary" "$L" "Q1: list=marketing from=<news@example.com> rcpts=2 delivered=1 stripped=1 rejected=0 mode=enforce"
expect "log pending" "$L" "Q3: list=marketing rcpt=<pending@example.org> verdict=strip reason=pending"
expect "log domain" "$L" "Q8: list=status rcpt=<cto@customer.example> verdict=deliver reason=relationship"
expect "log opted-out" "$L" "Q8: list=status rcpt=<ops@customer.example> verdict=strip reason=opted-out"
expect "log none" "$L" "Q10: list=transactional rcpt=<carol@example.org> verdict=deliver reason=none"
expect "log bounce" "$L" "Q10: list=transactional rcpt=<bounced@example.org> verdict=strip reason=suppressed:bounce"
expect "log unknown list" "$L" 'unknown list "nosuchlist"'
expect "log bad address" "$L" "Q11b: list=marketing rcpt=<nobody> verdict=strip reason=bad-address"
expect "log address form" "$L" 'Q11: rcpt=<bad\x0d\x0aBcc:\x20x@y.z> verdict=reject reason=address-form error="a control character"'
# text from outside cannot forge a field: quotes and spaces escaped
expect "log quoted local part" "$L" 'Q11b: list=marketing rcpt=<\x22x\x20verdict=deliver\x20reason=opt-in\x22@example.org> verdict=strip reason=no-consent'
expect_eq "only alice delivered in Q11b" \
    "$(grep -c 'Q11b: .* verdict=deliver' "$log")" 1
expect_eq "no line with a bare space-separated fake field" \
    "$(grep -c ' verdict=deliver reason=opt-in@' "$log")" 0
expect "log sendmail refused whole" "$L" "Q9: list=marketing rcpt=<bob@mx.test.example> verdict=reject reason=no-consent"
expect "log sendmail consented but refused with it" "$L" "Q9: list=marketing rcpt=<erin@mx.test.example> verdict=reject reason=message-refused"
expect "log sendmail summary" "$L" "Q9: list=marketing from=<news@example.com> rcpts=3 delivered=0 stripped=0 rejected=3 mode=enforce"
expect_not "unclassified not logged as list mail" "$L" "Q4: list="
expect_not "no crash" "$L" "Sanitizer"

# the mailto channel: the token of message Q1 (alice, marketing)
tok=$(sed -n 's/.*subject=unsubscribe%20\([A-Za-z0-9_-]*\)>.*/\1/p' "$T/token")
[ -n "$tok" ] && ok || fail "no token in $(cat "$T/token")"
listtok=$(sed -n 's/.*subject=unsubscribe%20\([A-Za-z0-9_-]*\)>.*/\1/p' "$T/token.list")
[ -n "$listtok" ] && ok || fail "no list-only token in $(cat "$T/token.list")"
check "dave has consent before" 0 "$C" -c "$T/om.conf" check dave@example.org marketing
# M4-M8 must change nothing for dave
lua mailto.lua -D token="$tok" -D listtoken="$listtok"
check "mailto opted alice out" 1 "$C" -c "$T/om.conf" check alice@example.org marketing
expect_eq "mailto reason" "$out" "deny opted-out"
check "history names the channel" 0 "$C" -c "$T/om.conf" show alice@example.org
expect "history mailto" "$out" "milter alice@example.org list=marketing opt-in -> opt-out source=\"mailto\""
L=$(cat "$log")
expect "log mailto ok" "$L" "M1: unsubscribe list=marketing rcpt=<alice@example.org> result=opt-out channel=mailto"
# a list-only token acts only for a sender an Authentication-Results proves
for q in M4 M5 M6 M7 M8; do
	expect "log $q ignored" "$L" "$q: unsubscribe list=marketing from=<dave@example.org> result=ignored reason=unauthenticated"
done
expect "log M9 dkim" "$L" "M9: unsubscribe list=marketing rcpt=<erin@mx.test.example> result=opt-out channel=mailto authn=dkim"
expect "log M10 spf" "$L" "M10: unsubscribe list=marketing rcpt=<pat@example.org> result=opt-out channel=mailto authn=spf"
check "dave untouched" 0 "$C" -c "$T/om.conf" check dave@example.org marketing
check "erin opted out by dkim" 1 "$C" -c "$T/om.conf" check erin@mx.test.example marketing
check "pat opted out by spf" 0 "$C" -c "$T/om.conf" show pat@example.org
expect_eq "pat: one change" "$(printf '%s\n' "$out" | grep -c '^history.*opt-in -> opt-out')" 1
expect "pat: evidence names the proof" "$out" "authn=spf"
expect "log mailto bad" "$L" "M2: unsubscribe from=<someone@example.net> result=invalid reason=bad-token"
expect "log mailto none" "$L" "M3: unsubscribe from=<someone@example.net> result=invalid reason=no-token"

# SIGUSR1 reloads (monitor mode now), and the milter keeps running
sed -i 's/^mode .*/mode monitor/' "$T/om.conf"
kill -USR1 "$milter_pid"
_i=0
until grep -q "reloaded" "$log" || [ $_i -ge 100 ]; do sleep 0.05; _i=$((_i+1)); done
expect "reloaded" "$(cat "$log")" "configuration $T/om.conf reloaded (7 lists, mode monitor)"
lua monitor.lua
expect "monitor log" "$(cat "$log")" "N1: list=marketing rcpt=<carol@example.org> verdict=strip reason=no-consent"
expect "monitor summary" "$(cat "$log")" "mode=monitor"
# a bad file on SIGUSR1 keeps the old configuration
echo "mode sideways" >> "$T/om.conf"
kill -USR1 "$milter_pid"
_i=0
until grep -q "reload failed" "$log" || [ $_i -ge 100 ]; do sleep 0.05; _i=$((_i+1)); done
expect "bad reload" "$(cat "$log")" "reload failed, keeping the old configuration: $T/om.conf:"
lua monitor.lua
kill -0 "$milter_pid" 2>/dev/null && ok || fail "milter died on reload"
stop_milter

# a database that cannot be read: list mail waits, other mail goes
sed -e '/sideways/d' -e "s|^database .*|database $T/missing|" -e "s|^mode .*|mode enforce|" \
    "$T/om.conf" > "$T/nodb.conf"
start_milter "$T/nodb.conf" "$T/nodb.log" || done_testing
lua nodb.lua
stop_milter
expect "nodb logged" "$(cat "$T/nodb.log")" "action=tempfail"

# denied reject
sed -e 's/^denied .*/denied reject/' -e "s|^socket .*|socket unix:$T/r.sock|" \
    "$T/nodb.conf" > "$T/reject.conf"
sed -i "s|^database .*|database $T/db|" "$T/reject.conf"
sock="unix:$T/r.sock"
start_milter "$T/reject.conf" "$T/reject.log" || done_testing
lua reject.lua
stop_milter
expect "reject log" "$(cat "$T/reject.log")" "R1: list=marketing rcpt=<gone@example.org> verdict=reject reason=suppressed:legal"
expect "reject strip log" "$(cat "$T/reject.log")" "R1: list=marketing rcpt=<carol@example.org> verdict=strip reason=no-consent"
expect "reject summary counts refusals" "$(cat "$T/reject.log")" "R1: list=marketing from=<news@example.com> rcpts=3 delivered=1 stripped=1 rejected=1 mode=enforce"
expect "reject: the list header wins" "$(cat "$T/reject.log")" "R1b: list=status rcpt=<cto@customer.example> verdict=deliver reason=relationship"

done_testing
