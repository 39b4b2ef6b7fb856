#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# forms.sh - every spelling of a recipient without consent, over SMTP
# and sendmail(1), through a real Postfix: none reaches the next hop.
#
# Postfix deletes a milter's recipient only when the milter's string
# internalizes to the queue file's original recipient (cleanup_milter.c
# cleanup_del_rcpt). Over SMTP the milter sends that string; a form it
# cannot derive one for is refused at RCPT. Through sendmail(1) the
# milter never sees the original spelling, so a list message with a
# recipient to remove is refused whole (a bounce to the sender) or, when
# nobody has consent, discarded. The sink is the judge.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../milter/lib.sh"
. "$(dirname "$0")/lib.sh"

e2e_conf "$T/om.conf"
ctl() { "$C" -c "$T/om.conf" "$@" >/dev/null; }
ctl init
ctl subscribe alice@example.org marketing

start_milter "$T/om.conf" "$T/milter.log" || done_testing
pf_start "unix:$T/milter.sock" || done_testing

# --- SMTP: alice (consent) and one spelling of somebody without
n=0
smtp_form() {
	n=$((n + 1))
	smtp_raw "s$n" news@example.com "<alice@example.org>" "$1"
	expect "s$n queued ($1)" "$out" "250 2.0.0 Ok: queued"
	printf '%s\n' "$out" > "$T/s$n.transcript"
	echo "s$n $1" >> "$T/smtp-forms"
}
smtp_form '<@relay.example:nobody@example.org>'
smtp_form '<@a.example,@b.example:nobody@example.org>'
smtp_form '<nobody@example.org.>'
smtp_form '<"nobody"@example.org>'
smtp_form '<NoBody@Example.ORG>'
smtp_form '<@relay.example:NoBody@Example.ORG.>'
smtp_form '<nobody>'
smtp_form 'nobody@example.org'
smtp_form '@relay.example:nobody@example.org'
smtp_form '<"x verdict=deliver reason=opt-in"@example.org>'
smtp_form '<"no\"body"@example.org>'
smtp_form '<nobody@[192.0.2.1]>'
smtp_form '<"@relay.example:nobody"@example.org>'
smtp_form '<nobody@[IPv6:2001:db8::1]>'
smtp_form '<"nobody"@[192.0.2.1]>'
smtp_form '<"no body"@Example.ORG.>'
smtp_form '<@[192.0.2.9]:nobody@example.org>'
nsmtp=$n

# forms no deletion string can be sure of: refused at RCPT
smtp_raw "c1" news@example.com "<alice@example.org>" '<nobody@example.org (comment)>'
expect "c1 comment refused at RCPT" "$out" "550 5.7.1 <nobody@example.org\\x20(comment)>: this form of address cannot be handled here"
expect "c1 alice queued" "$out" "250 2.0.0 Ok: queued"
smtp_raw "c2" news@example.com "<alice@example.org>" '<Nobody <nobody@example.org>>'
expect "c2 phrase refused at RCPT" "$out" "550 5.7.1"
expect "c2 alice queued" "$out" "250 2.0.0 Ok: queued"

# a consenting person in an odd spelling still gets the mail
smtp_raw "ok1" news@example.com '<@relay.example:alice@example.org>' '<Alice@Example.ORG.>'
expect "ok1 queued" "$out" "250 2.0.0 Ok: queued"

# --- sendmail(1): alice and one spelling of somebody without consent
l=0
local_form() {
	l=$((l + 1))
	printf 'X-Optin-List: marketing\n' |
	    send_local "l$l" news@example.com alice@example.org "$1"
	echo "l$l $1" >> "$T/local-forms"
}
local_form '@relay.example:nobody@example.org'
local_form '@a.example,@b.example:nobody@example.org'
local_form 'nobody@example.org.'
local_form 'nobody'
local_form '"nobody"@example.org'
local_form 'NoBody@Example.ORG'
local_form '<nobody@example.org>'
local_form 'nobody@[192.0.2.1]'
local_form '"no body"@example.org'
local_form 'Nobody <nobody@example.org>'
nlocal=$l
# nobody with consent at all: discarded, nothing sent, no bounce
printf 'X-Optin-List: marketing\n' |
    send_local "d1" news@example.com '@relay.example:nobody@example.org' 'nobody@example.org.'
# recipients taken from the headers (sendmail -t): the same
l=$((l + 1))
printf 'From: news@example.com\nTo: alice@example.org, @relay.example:nobody@example.org\nSubject: l%s\nX-Optin-List: marketing\n\nbody\n' "$l" |
    sendmail -C "$PF" -f news@example.com -t
echo "l$l sendmail -t" >> "$T/local-forms"
nlocal=$l
# everybody with consent: delivered
printf 'X-Optin-List: marketing\n' |
    send_local "ok2" news@example.com '@relay.example:alice@example.org'

# SMTP messages and ok1 to alice, one bounce per refused local message,
# ok2 to alice
pf_wait $((nsmtp + 2 + 1 + nlocal + 1)) || true

# the judge: no recipient but alice (and the bouncing sender) anywhere
for f in "$SINK"/*; do
	got=$(rcpts "$f")
	case "$got" in
	"alice@example.org "|"news@example.com "|"Alice@Example.ORG alice@example.org ") ok ;;
	*) fail "$(basename "$f"): delivered to: $got ($(grep '^Subject:' "$f" | head -n 1))" ;;
	esac
done
while read -r tag form; do
	f=$(sink_for "$tag")
	[ -n "$f" ] || { fail "$tag ($form): alice got nothing"; continue; }
	expect_eq "$tag ($form) reached alice only" "$(rcpts "$f")" "alice@example.org "
done < "$T/smtp-forms"
for tag in c1 c2; do
	expect_eq "$tag reached alice only" "$(rcpts "$(sink_for "$tag")")" "alice@example.org "
done
expect_eq "ok1 alice in two spellings" "$(rcpts "$(sink_for ok1)")" "Alice@Example.ORG alice@example.org "
while read -r tag form; do
	f=$(sink_for "$tag")
	[ -n "$f" ] || { fail "$tag ($form): no bounce"; continue; }
	expect_eq "$tag ($form) only the bounce to the sender" "$(rcpts "$f")" "news@example.com "
	expect "$tag bounce says why" "$(cat "$f")" "is refused whole"
done < "$T/local-forms"
[ -z "$(sink_for d1)" ] && ok || fail "d1 reached the sink"
expect_eq "ok2 delivered" "$(rcpts "$(sink_for ok2)")" "alice@example.org "

L=$(cat "$T/milter.log")
expect "log route form" "$L" "list=marketing rcpt=<nobody@example.org> verdict=strip reason=no-consent"
expect "log refused form" "$L" "verdict=reject reason=address-form"
# a quoted local part cannot forge fields in the log
expect "log quoted local part escaped" "$L" 'rcpt=<\x22x\x20verdict=deliver\x20reason=opt-in\x22@example.org> verdict=strip reason=no-consent'
expect_eq "no forged verdict" "$(grep -c ' verdict=deliver reason=opt-in@' "$T/milter.log")" 0
expect "log local refused whole" "$L" "verdict=reject reason=no-consent"
M=$(cat "$T/maillog")
expect "postfix saw the discard" "$M" "milter-discard"
stop_milter
done_testing
