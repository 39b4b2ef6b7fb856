#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# unsubscribe.sh - a message through Postfix, its List-Unsubscribe URL
# taken from what reached the sink, the one-click POST, and the very
# next message held back with no wait; the same by mail (mailto); an
# unsubscribe through one tagged address reaches the person's others
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../milter/lib.sh"
. "$(dirname "$0")/../unsubd/lib.sh"
. "$(dirname "$0")/lib.sh"

unsubd_conf
e2e_conf "$T/om.conf" \
    -e "s|^unsubscribe-url .*|unsubscribe-url http://127.0.0.1:$PORT/u/|" \
    -e "s|^preferences-url .*|preferences-url http://127.0.0.1:$PORT/p/|"
echo "authserv-id mx.test.example" >> "$T/om.conf"
ctl() { "$C" -c "$T/om.conf" "$@" >/dev/null; }
ctl init
for a in alice bob carol dave; do ctl subscribe "$a@example.org" marketing; done
# erin opted out long ago, then subscribed two tagged addresses
cat > "$T/erin.csv" <<'CSV'
address,list,status,source,changed
erin@example.org,marketing,opt-out,form,2020-01-01
erin+a@example.org,marketing,opt-in,form,2021-01-01
erin+b@example.org,marketing,opt-in,form,2021-01-01
CSV
ctl import "$T/erin.csv"

start_milter "$T/om.conf" "$T/milter.log" || done_testing
start_unsubd "$T/om.conf" "$T/unsubd.log" || done_testing
pf_start "unix:$T/milter.sock" || done_testing

# header VALUE of NAME in FILE, unfolded
header() {
	awk -v n="$1:" 'BEGIN { IGNORECASE = 1 }
	    f && /^[ \t]/ { sub(/^[ \t]+/, " "); v = v $0; next }
	    f { exit }
	    tolower($1) == tolower(n) { f = 1; v = substr($0, length(n) + 2) }
	    END { print v }' "$2"
}

# --- one-click over HTTP
send_smtp "u1" news@example.com "alice@example.org"
pf_wait 1 || true
lu=$(header List-Unsubscribe "$(sink_for u1)")
url=$(printf '%s' "$lu" | sed -n 's/^<\(http[^>]*\)>.*/\1/p')
expect "URL from the message" "$url" "http://127.0.0.1:$PORT/u/"
# a link scanner fetches it: nothing changes
http "scanner GET" 200 "$url"
http "scanner HEAD" 200 -I "$url"
check "alice still in" 0 "$C" -c "$T/om.conf" check alice@example.org marketing
# the mailbox provider's one-click POST (RFC 8058)
http "one-click" 200 -H "Content-Type: application/x-www-form-urlencoded" \
    --data "List-Unsubscribe=One-Click" "$url"
# the very next message, no wait
send_smtp "u2" news@example.com "alice@example.org,dave@example.org"
pf_wait 2 || true
expect_eq "u2 held alice back" "$(rcpts "$(sink_for u2)")" "dave@example.org "
expect "logged" "$(cat "$T/milter.log")" "rcpt=<alice@example.org> verdict=strip reason=opted-out"

# --- by mail: the mailto form of bob's message
send_smtp "u3" news@example.com "bob@example.org"
pf_wait 3 || true
lu=$(header List-Unsubscribe "$(sink_for u3)")
mailto=$(printf '%s' "$lu" | sed -n 's/.*<mailto:\([^>]*\)>.*/\1/p')
to=${mailto%%\?*}
subj=$(printf '%s' "${mailto#*subject=}" | sed 's/%20/ /g')
expect_eq "mailto address" "$to" "unsubscribe@example.com"
expect "mailto subject" "$subj" "unsubscribe "
out=$(swaks --server "127.0.0.1:$SMTP_PORT" --from bob@example.org --to "$to" \
    --header "Subject: $subj" --body "please" 2>&1)
expect "request accepted" "$out" "250 2.0.0 Ok: queued"
send_smtp "u4" news@example.com "bob@example.org,dave@example.org"
pf_wait 4 || true
expect_eq "u4 held bob back" "$(rcpts "$(sink_for u4)")" "dave@example.org "
[ -z "$(grep -l 'please' "$SINK"/* 2>/dev/null)" ] && ok || fail "the request itself was delivered"

# --- several recipients: a list-only token; the sender of the request
# counts, when an Authentication-Results header proves it
send_smtp "u5" news@example.com "carol@example.org,dave@example.org"
pf_wait 5 || true
lu=$(header List-Unsubscribe "$(sink_for u5)")
expect_not "no URL for several" "$lu" "http://"
mailto=$(printf '%s' "$lu" | sed -n 's/.*<mailto:\([^>]*\)>.*/\1/p')
subj=$(printf '%s' "${mailto#*subject=}" | sed 's/%20/ /g')
ltok=${subj#unsubscribe }
http "list-only token on the web" 400 -d "List-Unsubscribe=One-Click" "http://127.0.0.1:$PORT/u/$ltok"
# anyone who got the message could send this claiming to be dave: ignored
out=$(swaks --server "127.0.0.1:$SMTP_PORT" --from dave@example.org \
    --to unsubscribe@example.com --header "Subject: $subj" \
    --header "Authentication-Results: other.example; spf=pass smtp.mailfrom=dave@example.org" \
    --body "stop" 2>&1)
expect "forged request accepted (and ignored)" "$out" "250 2.0.0 Ok: queued"
out=$(swaks --server "127.0.0.1:$SMTP_PORT" --from Carol@Example.org \
    --to unsubscribe@example.com --header "Subject: $subj" \
    --header "Authentication-Results: mx.test.example; spf=pass smtp.mailfrom=Carol@Example.org" \
    --body "stop" 2>&1)
expect "carol's request accepted" "$out" "250 2.0.0 Ok: queued"
send_smtp "u6" news@example.com "carol@example.org,dave@example.org"
pf_wait 6 || true
expect_eq "u6 held carol back" "$(rcpts "$(sink_for u6)")" "dave@example.org "
check "history" 0 "$C" -c "$T/om.conf" show carol@example.org
expect "mailto evidence" "$out" 'source="mailto" evidence="channel=mailto sender=<carol@example.org>'
expect "mailto evidence names the proof" "$out" "authn=spf"
expect "forged request logged" "$(cat "$T/milter.log")" "unsubscribe list=marketing from=<dave@example.org> result=ignored reason=unauthenticated"

# --- one-click through a tagged address: the person's other tagged
# address, subscribed after their old opt-out of erin@, is held back too
send_smtp "u7" news@example.com "erin+a@example.org"
pf_wait 7 || true
expect_eq "u7 reached erin+a" "$(rcpts "$(sink_for u7)")" "erin+a@example.org "
lu=$(header List-Unsubscribe "$(sink_for u7)")
url=$(printf '%s' "$lu" | sed -n 's/^<\(http[^>]*\)>.*/\1/p')
http "erin's one-click" 200 -H "Content-Type: application/x-www-form-urlencoded" \
    --data "List-Unsubscribe=One-Click" "$url"
send_smtp "u8" news@example.com "erin+a@example.org,erin+b@example.org,dave@example.org"
pf_wait 8 || true
expect_eq "u8 held both of erin's addresses back" "$(rcpts "$(sink_for u8)")" "dave@example.org "
expect "erin+b logged" "$(cat "$T/milter.log")" "rcpt=<erin+b@example.org> verdict=strip reason=opted-out"

stop_unsubd
stop_milter
done_testing
