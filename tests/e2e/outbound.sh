#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# outbound.sh - a site wired from the shipped snippets: internet mail on
# the inbound port passes untouched (headers byte for byte), also with
# list headers and with the milter stopped; submissions over SMTP and
# with sendmail(1) are enforced, and wait while the milter is down;
# an unsubscribe request from the internet reaches the milter through
# the re-injection smtpd, and waits for it too.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../milter/lib.sh"
. "$(dirname "$0")/lib.sh"

e2e_conf "$T/om.conf"
ctl() { "$C" -c "$T/om.conf" "$@" >/dev/null; }
ctl init
ctl subscribe alice@example.org marketing
ctl subscribe dave@example.org marketing

start_milter "$T/om.conf" "$T/milter.log" || done_testing
pf_start_site "unix:$T/milter.sock" || done_testing

# a complete message as the internet sends it, folded header included
cat > "$T/in.eml" <<'MSG'
From: News <news@example.com>
To: carol@example.org,
	"Colleague, A." <colleague@example.org>
Subject: inbound-1
Date: Mon, 30 Nov 2026 10:00:00 +0000
Message-ID: <inbound-1@example.net>
X-Optin-List: marketing
List-Unsubscribe: <mailto:leave@example.net>
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

body of inbound-1
MSG

# as_delivered FILE: the message as the sink got it, without what the
# sink and Postfix put on top (the sink's X- lines, Received: headers)
as_delivered() {
	tr -d '\r' < "$1" | awk '
	    !done && /^(X-(Client-Addr|Client-Proto|Helo-Args|Mail-Args|Rcpt-Args)|Received):/ { skip = 1; next }
	    !done && skip && /^[ \t]/ { next }
	    { done = 1; print }' | sed -e ':a' -e '/^\n*$/{$d;N;ba' -e '}'
}

# inbound SUBJECT FILE: send FILE (Subject replaced) from the internet
inbound() {
	sed "s/^Subject: .*/Subject: $1/" "$2" > "$T/$1.eml"
	# the sink's copy ends where the message does: no trailing blank line
	out=$(swaks --server "127.0.0.1:$SMTP_PORT" --from news@example.com \
	    --to carol@example.org,colleague@example.org --data "$T/$1.eml" 2>&1)
}

# --- inbound with list headers, to people without consent: untouched
inbound in1 "$T/in.eml"
expect "in1 accepted" "$out" "250 2.0.0 Ok: queued"
pf_wait 1 || true
f=$(sink_for in1)
expect_eq "in1 both recipients" "$(rcpts "$f")" "carol@example.org colleague@example.org "
as_delivered "$f" > "$T/in1.got"
if cmp -s "$T/in1.eml" "$T/in1.got"; then ok; else
	fail "in1 changed: $(diff "$T/in1.eml" "$T/in1.got")"
fi

# an unknown list named by an outsider: no 550
sed 's/^X-Optin-List: .*/X-Optin-List: nosuch/' "$T/in.eml" > "$T/nosuch.eml"
inbound in2 "$T/nosuch.eml"
expect "in2 accepted" "$out" "250 2.0.0 Ok: queued"
pf_wait 2 || true
as_delivered "$(sink_for in2)" > "$T/in2.got"
cmp -s "$T/in2.eml" "$T/in2.got" && ok || fail "in2 changed: $(diff "$T/in2.eml" "$T/in2.got")"
expect_not "inbound never reached the milter" "$(cat "$T/milter.log")" "list="

# --- port 25 relays for nobody: an application on the site's own network
# cannot send list mail around the milter through localhost:25
out=$(swaks --server "127.0.0.1:$SMTP_PORT" --from news@example.com \
    --to someone@elsewhere.example --header "Subject: bypass" \
    --header "X-Optin-List: marketing" --body "x" 2>&1)
expect "port 25 does not relay" "$out" "Relay access denied"

# --- outbound: submission over SMTP is enforced
out=$(swaks --server "127.0.0.1:$SUB_PORT" --from news@example.com \
    --to alice@example.org,carol@example.org --header "Subject: out1" \
    --header "X-Optin-List: marketing" --body "x" 2>&1)
expect "out1 accepted" "$out" "250 2.0.0 Ok: queued"
pf_wait 3 || true
f=$(sink_for out1)
expect_eq "out1 carol stripped" "$(rcpts "$f")" "alice@example.org "
expect_eq "out1 list header gone" "$(grep -ci '^X-Optin-List:' "$f")" 0
expect_eq "out1 List-Unsubscribe-Post" "$(grep -ci '^List-Unsubscribe-Post:' "$f")" 1
out=$(swaks --server "127.0.0.1:$SUB_PORT" --from news@example.com \
    --to alice@example.org --header "Subject: out2" \
    --header "X-Optin-List: nosuch" --body "x" 2>&1)
expect "out2 unknown list refused" "$out" '550 5.7.1 unknown list "nosuch"'

# --- outbound: sendmail(1) is enforced (a denied recipient there makes
# Postfix bounce the whole message to the sender: optin-milter(8))
printf 'X-Optin-List: marketing\n' |
    send_local out3 news@example.com dave@example.org carol@example.org
pf_wait 4 || true
expect_eq "out3 refused whole, bounced to the sender" \
    "$(rcpts "$(ls -t "$SINK"/* | head -n 1)")" "news@example.com "
for f in $(grep -l -x "Subject: out3" "$SINK"/*); do
	expect_not "out3 did not reach dave" "$(rcpts "$f")" "dave@example.org"
done
printf 'X-Optin-List: marketing\n' | send_local out3b news@example.com dave@example.org
pf_wait 5 || true
f=$(sink_for out3b)
expect_eq "out3b delivered" "$(rcpts "$f")" "dave@example.org "
expect_eq "out3b List-Unsubscribe" "$(grep -ci '^List-Unsubscribe:' "$f")" 1
expect_eq "out3b list header gone" "$(grep -ci '^X-Optin-List:' "$f")" 0
L=$(cat "$T/milter.log")
expect "out3 logged" "$L" "rcpt=<carol@example.org> verdict=reject"

# --- an unsubscribe request from the internet: handled after the queue
tok=$("$C" -c "$T/om.conf" token dave@example.org marketing | sed -n 's/^token: //p')
out=$(swaks --server "127.0.0.1:$SMTP_PORT" --from dave@example.org \
    --to unsubscribe@example.com --header "Subject: unsubscribe $tok" \
    --body "stop" 2>&1)
expect "request accepted on the inbound port" "$out" "250 2.0.0 Ok: queued"
pf_wait 5 || true
check "dave is out" 1 "$C" -c "$T/om.conf" check dave@example.org marketing
[ -z "$(grep -l '^stop' "$SINK"/* 2>/dev/null)" ] && ok || fail "the request itself was delivered"

# --- the milter stopped
stop_milter
inbound in3 "$T/in.eml"
expect "in3 accepted without the milter" "$out" "250 2.0.0 Ok: queued"
pf_wait 6 || true
as_delivered "$(sink_for in3)" > "$T/in3.got"
cmp -s "$T/in3.eml" "$T/in3.got" && ok || fail "in3 changed: $(diff "$T/in3.eml" "$T/in3.got")"
out=$(swaks --server "127.0.0.1:$SUB_PORT" --from news@example.com \
    --to alice@example.org --header "Subject: out4" \
    --header "X-Optin-List: marketing" --body "x" 2>&1)
expect "submission waits for the milter" "$out" "451 4.7.1"
printf 'X-Optin-List: marketing\n' | send_local out5 news@example.com alice@example.org
tok=$("$C" -c "$T/om.conf" token alice@example.org marketing | sed -n 's/^token: //p')
out=$(swaks --server "127.0.0.1:$SMTP_PORT" --from alice@example.org \
    --to unsubscribe@example.com --header "Subject: unsubscribe $tok" \
    --body "stop" 2>&1)
expect "request queued while the milter is down" "$out" "250 2.0.0 Ok: queued"
sleep 2
postqueue -c "$PF" -f >/dev/null 2>&1
sleep 1
[ -z "$(sink_for out5)" ] && ok || fail "out5 left without the milter"
check "alice not yet out" 0 "$C" -c "$T/om.conf" check alice@example.org marketing
expect "mail waits in the queue" "$(postqueue -c "$PF" -p)" "Requests"

# back up: what waited is handled
start_milter "$T/om.conf" "$T/milter.log" || done_testing
# sendmail(1) mail waits in the maildrop: wake pickup instead of its timer
postkick -c "$PF" public pickup W 2>/dev/null || true
pf_wait 7 || true
check "alice is out" 1 "$C" -c "$T/om.conf" check alice@example.org marketing
[ -n "$(sink_for out5)" ] && ok || fail "out5 not delivered after the restart"
[ -z "$(grep -l '^stop' "$SINK"/* 2>/dev/null)" ] && ok || fail "a request was delivered"
stop_milter

# --- a site that asks the milter on port 25 too (global smtpd_milters):
# the scope still passes internet mail untouched. 127.0.0.2 plays the
# internet, the site's own network is 127.0.0.1 only.
sed -i "s|^outbound-network .*|outbound-network 127.0.0.1|" "$T/om.conf"
start_milter "$T/om.conf" "$T/milter.log" || done_testing
postconf -c "$PF" -P "127.0.0.1:$SMTP_PORT/inet/smtpd_milters=unix:$T/milter.sock"
postfix -c "$PF" reload >/dev/null 2>&1
sleep 1
n=$(ls "$SINK" | wc -l)
sed "s/^Subject: .*/Subject: in4/" "$T/in.eml" > "$T/in4.eml"
out=$(swaks --server "127.0.0.1:$SMTP_PORT" --local-interface 127.0.0.2 \
    --from news@example.com --to carol@example.org,colleague@example.org \
    --data "@$T/in4.eml" 2>&1)
expect "in4 accepted through the milter" "$out" "250 2.0.0 Ok: queued"
pf_wait $((n + 1)) || true
as_delivered "$(sink_for in4)" > "$T/in4.got"
cmp -s "$T/in4.eml" "$T/in4.got" && ok || fail "in4 changed: $(diff "$T/in4.eml" "$T/in4.got")"
expect_not "in4 not decided" "$(cat "$T/milter.log")" "rcpt=<colleague@example.org>"
stop_milter
done_testing
