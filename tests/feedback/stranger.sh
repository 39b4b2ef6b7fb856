#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# stranger.sh - an ARF complaint filed by someone who is no feedback
# loop, about a message forwarded to them ("forward to a friend"):
# the returned message carries alice's List-Unsubscribe token, the
# report comes from mallory@evil.example with no authentication of a
# feedback-loop sender. Neither the report naming mallory as the
# recipient (Original-Rcpt-To) nor the one naming alice may suppress
# alice from every list (a one-click link would only have left one).
# Fails until optin-feedback checks who sends a complaint (feedback).
# a3: such a complaint about mail of a list without unsubscribe changes
# nothing (no one-click exists there).
. "$(dirname "$0")/../lib.sh"

F="$top_builddir/optin-feedback"
C="$top_builddir/optinctl"
D="$top_srcdir/tests/feedback"
test_conf "$T/om.conf"
echo "bounce-address bounces@example.com" >> "$T/om.conf"
ctl() { "$C" -c "$T/om.conf" "$@"; }
check "init" 0 ctl init
for a in alice bob; do
	for l in marketing releases; do
		check "subscribe $a $l" 0 ctl subscribe "$a@example.org" "$l"
	done
done

# arf ADDR RCPT-IN-REPORT: mallory's report on ADDR's forwarded message
arf() {
	tok=$(ctl token "$1" marketing | sed -n 's/^token: //p')
	sed -e "s|@VERP@|news@example.com|g" -e "s|@RCPT@|$2|g" \
	    -e "s|@UTOKEN@|$tok|g" \
	    -e "s|^Return-Path: .*|Return-Path: <mallory@evil.example>|" \
	    -e "s|^From: .*|From: Mallory <mallory@evil.example>|" \
	    -e "s|^Authentication-Results: .*|User-Agent: hand-made|" \
	    "$D/yahoo-arf.eml"
}

arf alice@example.org mallory@evil.example > "$T/a1"
check "a1 exit" 0 "$F" -f -c "$T/om.conf" -r fbl@example.com < "$T/a1"
echo "# a1: $err"
check "a1: alice keeps releases" 0 ctl check alice@example.org releases

arf bob@example.org bob@example.org > "$T/a2"
check "a2 exit" 0 "$F" -f -c "$T/om.conf" -r fbl@example.com < "$T/a2"
echo "# a2: $err"
check "a2: bob keeps releases" 0 ctl check bob@example.org releases

# a3: the same about alice's mail on lists without unsubscribe (the
# return path of her support and transactional mail in the report):
# a one-click would be worth nothing there, and so is this
for l in support transactional; do
	V=$(ctl token alice@example.org "$l" | sed -n 's/^return-path: //p')
	[ -n "$V" ] || fail "a3: no return path for $l"
	sed -e "s|@VERP@|$V|g" -e "s|@RCPT@|alice@example.org|g" \
	    -e "s|@UTOKEN@|-|g" \
	    -e "s|^Return-Path: .*|Return-Path: <mallory@evil.example>|" \
	    -e "s|^From: .*|From: Mallory <mallory@evil.example>|" \
	    -e "s|^Authentication-Results: .*|User-Agent: hand-made|" \
	    "$D/yahoo-arf.eml" > "$T/a3"
	check "a3 $l exit" 0 "$F" -f -c "$T/om.conf" -r fbl@example.com < "$T/a3"
	expect "a3 $l: the report was read" "$err" "list=$l"
	check "a3: alice keeps $l" 0 ctl check alice@example.org "$l"
	check "a3 show" 0 ctl show alice@example.org
	expect_not "a3: no opt-out of $l" "$out" "consent alice@example.org $l opt-out"
done
done_testing
