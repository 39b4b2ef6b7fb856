#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# classify.sh - which list a message is on, and who may get it, in the
# cases where the list is named in an unusual way; through a real
# Postfix, the sink is the judge.
#  1. the list header's value in another case names the same list
#     (match header is case-insensitive; one rule for both)
#  2. an envelope sender with a +tag (VERP, bounce tracking) is still the
#     sender a "match sender" names: list mail, not unclassified mail
#  3. under "denied reject", a recipient is not refused at RCPT for the
#     sender's list when the list header, read later, names another
#     list that the recipient consents to
#  4. the unsubscribe mailbox, spelled as Postfix rewrites it on the
#     sendmail(1) path, gets no list mail
#  5. under "unclassified tempfail", mail on no list waits: decided at
#     the end of the header, answered 451 after the data
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../milter/lib.sh"
. "$(dirname "$0")/lib.sh"

e2e_conf "$T/om.conf" -e 's/^denied .*/denied reject/' \
    -e 's/^unclassified .*/unclassified tempfail/'
grep -q "^unclassified tempfail" "$T/om.conf" && ok || fail "unclassified not set"
ctl() { "$C" -c "$T/om.conf" "$@" >/dev/null; }
ctl init
ctl subscribe alice@example.org marketing
ctl subscribe bob@example.org maintenance --relationship

start_milter "$T/om.conf" "$T/milter.log" || done_testing
pf_start "unix:$T/milter.sock" || done_testing

# 1
send_smtp "c1" ops@example.com "alice@example.org" --header "X-Optin-List: Marketing"
expect "c1 queued" "$out" "250 2.0.0 Ok: queued"
# 2: nobody has no consent; as list mail nobody is stripped (not refused
# at RCPT: a list header could still name a list nobody may get), as
# unclassified mail it would reach nobody
send_smtp "c2" news+bounce-42@example.com "alice@example.org,nobody@example.org"
expect "c2 queued" "$out" "250 2.0.0 Ok: queued"
# 3
send_smtp "c3" news@example.com "bob@example.org" --header "X-Optin-List: maintenance"
expect "c3 bob accepted" "$out" "250 2.0.0 Ok: queued"
# 4
printf 'X-Optin-List: marketing\n' |
    send_local "c4" news@example.com alice@example.org 'UNSUBSCRIBE@example.com.'
# 5
send_smtp "c5" someone@elsewhere.example "alice@example.org"
expect "c5 waits" "$out" "451 4.7.1 message matches no mailing list, try again later"
expect_not "c5 not queued" "$out" "queued"
sleep 2
pf_wait 3 || true
[ -z "$(sink_for c5)" ] && ok || fail "c5 reached the sink"

expect_eq "c1 reached alice" "$(rcpts "$(sink_for c1)")" "alice@example.org "
expect_eq "c2 reached alice only" "$(rcpts "$(sink_for c2)")" "alice@example.org "
expect "c2 classified by the untagged sender" "$(cat "$T/milter.log")" \
    "list=marketing rcpt=<nobody@example.org> verdict=strip reason=no-consent"
expect_eq "c3 reached bob" "$(rcpts "$(sink_for c3)")" "bob@example.org "
for f in "$SINK"/*; do
	case "$(rcpts "$f")" in
	*[Uu][Nn][Ss][Uu][Bb]*) fail "c4: list mail to the unsubscribe mailbox: $(rcpts "$f")" ;;
	*) ok ;;
	esac
done
stop_milter
done_testing
