#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# oldproto.sh - Postfix speaking milter protocol 2 to optin-milter: no
# replies to skip, so libmilter answers connect and the end of the header
# for the filter, which asks for none there and gives the verdict of the
# end of the header at the end of the message. The same verdicts reach
# the client and the sink as with protocol 6 (Postfix still lets the
# sender change: the VERP return path is set).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../milter/lib.sh"
. "$(dirname "$0")/lib.sh"

e2e_conf "$T/om.conf" -e 's/^# *bounce-address .*/bounce-address bounces@example.com/' \
    -e 's/^unclassified .*/unclassified tempfail/'
grep -q "^bounce-address bounces@example.com" "$T/om.conf" && ok ||
    fail "the example configuration has no bounce-address line to enable"
ctl() { "$C" -c "$T/om.conf" "$@" >/dev/null; }
ctl init
ctl subscribe alice@example.org marketing

start_milter "$T/om.conf" "$T/milter.log" || done_testing
pf_start "unix:$T/milter.sock" "milter_protocol = 2" || done_testing
expect_eq "Postfix speaks protocol 2" "$(postconf -c "$PF" -h milter_protocol)" 2

# list mail: Carol stripped, alice gets it with her own headers
send_smtp "p1" news@example.com "alice@example.org,Carol@EXAMPLE.org"
expect "p1 queued" "$out" "250 2.0.0 Ok: queued"
# a list header naming no list: refused after the data (decided at the
# end of the header, answered at the end of the message)
send_smtp "p2" news@example.com "alice@example.org" --header "X-Optin-List: nosuch"
expect "p2 unknown list" "$out" '550 5.7.1 unknown list "nosuch"'
expect_not "p2 not queued" "$out" "queued"
# nobody with consent: taken, then discarded (denied strip)
send_smtp "p3" news@example.com "carol@example.org"
expect "p3 taken" "$out" "250 2.0.0 Ok: queued"
# mail on no list waits (unclassified tempfail): 451 after the data
send_smtp "p5" someone@elsewhere.example "alice@example.org"
expect "p5 waits" "$out" "451 4.7.1 message matches no mailing list, try again later"
send_smtp "p4" news@example.com "alice@example.org"
expect "p4 queued" "$out" "250 2.0.0 Ok: queued"
pf_wait 2 || true

f=$(sink_for p1)
expect_eq "p1 recipients" "$(rcpts "$f")" "alice@example.org "
expect "p1 List-Unsubscribe" "$(cat "$f")" "List-Unsubscribe: <https://"
expect "p1 one-click" "$(cat "$f")" "List-Unsubscribe-Post: List-Unsubscribe=One-Click"
expect "p1 VERP return path" "$(grep '^X-Mail-Args:' "$f")" \
    "X-Mail-Args: <bounces+"
expect_eq "p4 recipients" "$(rcpts "$(sink_for p4)")" "alice@example.org "
[ -z "$(sink_for p2)" ] && [ -z "$(sink_for p3)" ] && [ -z "$(sink_for p5)" ] && ok ||
    fail "a refused message reached the sink"
L=$(cat "$T/milter.log")
expect "log strip" "$L" "list=marketing rcpt=<carol@example.org> verdict=strip reason=no-consent"
expect "log unknown list" "$L" '550 5.7.1 unknown list "nosuch"'
expect "log discarded" "$L" "discarded: no recipient has consent for list marketing"
stop_milter
done_testing
