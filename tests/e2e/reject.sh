#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# reject.sh - denied reject through real Postfix: 550 at RCPT over SMTP
# when the envelope settles the list and no list could let the recipient
# through (a list header read later may name any list), strip otherwise,
# the whole message refused on the sendmail(1) path
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../milter/lib.sh"
. "$(dirname "$0")/lib.sh"

e2e_conf "$T/om.conf" -e 's/^denied .*/denied reject/'
ctl() { "$C" -c "$T/om.conf" "$@" >/dev/null; }
ctl init
ctl subscribe alice@example.org marketing
ctl subscribe @customer.example status --relationship
ctl suppress gone@example.org --reason legal

start_milter "$T/om.conf" "$T/milter.log" || done_testing
pf_start "unix:$T/milter.sock" || done_testing

# the sender settles the list at RCPT time: gone (suppressed for legal
# reasons, no list would take it) refused there; Carol could still be
# reached by a list the header names (support, consent none): stripped
send_smtp "r1" news@example.com "alice@example.org,Carol@EXAMPLE.org,gone@example.org"
expect "r1 gone refused at RCPT" "$out" "550 5.7.1 <gone@example.org>: no consent for list marketing"
expect_not "r1 Carol not refused at RCPT" "$out" "<carol@example.org>: no consent"
expect "r1 alice accepted" "$out" "250 2.0.0 Ok: queued"
# nobody with consent: refused at the end of the data, nothing queued
send_smtp "r2" news@example.com "carol@example.org"
expect "r2 refused" "$out" "550 5.7.1 no recipient has consent for list marketing"
expect_not "r2 not queued" "$out" "queued"
# a header settles the list: strip at the end, reject when nobody is left
send_smtp "r3" ops@example.com "cto@customer.example,x@other.example" --header "X-Optin-List: status"
expect "r3 queued" "$out" "250 2.0.0 Ok: queued"
send_smtp "r4" ops@example.com "x@other.example" --header "X-Optin-List: status"
expect "r4 rejected at end of data" "$out" "550 5.7.1 no recipient has consent for list status"
# sendmail(1): the whole message is refused, sendmail says so
# (postdrop has queued it before any milter runs, so the refusal comes
# back to the sender as a bounce)
printf 'X-Optin-List: marketing\n' | send_local "r5" news@example.com alice@example.org carol@example.org
printf 'X-Optin-List: marketing\n' | send_local "r6" news@example.com alice@example.org
pf_wait 4 || true

expect_eq "r1 recipients" "$(rcpts "$(sink_for r1)")" "alice@example.org "
expect_eq "r3 recipients" "$(rcpts "$(sink_for r3)")" "cto@customer.example "
[ -z "$(sink_for r2)" ] && [ -z "$(sink_for r4)" ] && ok ||
    fail "a refused message reached the sink"
f=$(sink_for r5)
expect_eq "r5 only the bounce to the sender" "$(rcpts "$f")" "news@example.com "
expect "r5 bounce says why" "$(cat "$f")" "no consent for list marketing for 1 recipient"
expect "r5 bounce is from the mailer daemon" "$(cat "$f")" "X-Mail-Args: <>"
expect_eq "r6 recipients" "$(rcpts "$(sink_for r6)")" "alice@example.org "
L=$(cat "$T/milter.log")
expect "log reject" "$L" "list=marketing rcpt=<carol@example.org> verdict=reject reason=no-consent"
stop_milter
done_testing
