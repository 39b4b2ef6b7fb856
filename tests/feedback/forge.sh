#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# forge.sh - reports an attacker or a confused MTA sends to the bounce
# and complaint addresses, through optin-feedback against a real
# database:
#   f1  a DSN under alice's VERP token naming bob: bob stays untouched
#   f3  an ARF from a stranger without any token: nothing happens
#   f8  a DSN or a text bounce made by a stranger from the tokens of
#       a forwarded copy, to the plain bounce address (or with the
#       one-click token in place of the return path's): nothing happens
#   f7  a hard bounce under a VERP token of mail sent 10 days ago
#       (bounce-stale-after 7) or dated 2 days ahead: nothing happens
#   f4  auto-replies in more languages and shapes (no Auto-Submitted,
#       a quoted 5.1.1 in the text): never a bounce
#   f5  hostile MIME (nesting 5000 deep, no boundary, 8-bit garbage,
#       10 MB, a 256 KiB line of reply codes; the garbage case's
#       verdict is in replay.sh): no crash, an exit status Postfix understands, nothing
#       suppressed
. "$(dirname "$0")/../lib.sh"

F="$top_builddir/optin-feedback"
C="$top_builddir/optinctl"
D="$top_srcdir/tests/feedback"
test_conf "$T/om.conf"
echo "bounce-address bounces@example.com" >> "$T/om.conf"
ctl() { "$C" -c "$T/om.conf" "$@"; }
check "init" 0 ctl init
for a in alice bob dave erin; do
	check "subscribe $a" 0 ctl subscribe "$a@example.org" marketing
done

# verp ADDR: the return path of list mail to ADDR
verp() {
	ctl token "$1" marketing | sed -n 's/^return-path: //p'
}
utok() {
	ctl token "$1" marketing | sed -n 's/^token: //p'
}
# hard ADDR-IN-REPORT VERP: a Postfix hard bounce
hard() {
	sed -e "s|@VERP@|$2|g" -e "s|@RCPT@|$1|g" "$D/postfix-hard.eml" |
	    awk '$0 != "@B64HEADERS@"'
}
untouched() {
	check "show $1" 0 ctl show "$1"
	expect_not "$2: $1 suppressed" "$out" "suppression "
	expect_not "$2: $1 scored" "$out" "bounce-score"
}

# --- f1: alice's token, bob in the report
hard bob@example.org "$(verp alice@example.org)" > "$T/f1"
check "f1 exit" 0 "$F" -f -c "$T/om.conf" -r "$(verp alice@example.org)" < "$T/f1"
echo "# f1: $err"
check "show bob" 0 ctl show bob@example.org
expect_not "f1: bob touched" "$out" "report"
untouched bob@example.org f1
check "show alice" 0 ctl show alice@example.org
echo "# f1 alice: $(echo "$out" | grep -E 'suppression|report' | head -n 2)"

# --- f7: old and future tokens (sealed with the site's key)
MK="$top_builddir/tests/unsubd/mktoken"
now=$(date +%s)
for d in -864000 172800; do
	t=$("$MK" -f $((now + d)) "$T/secret.key" marketing bob@example.org)
	[ -n "$t" ] || fail "f7: no token"
	V="bounces+$t@example.com"
	hard bob@example.org "$V" > "$T/f7"
	check "f7 exit ($d)" 0 "$F" -f -c "$T/om.conf" -r "$V" < "$T/f7"
	expect "f7 too old ($d)" "$err" "result=too-old"
done
untouched bob@example.org f7

# --- f3: an ARF from a stranger, no token anywhere
sed -e "s|@VERP@|news@example.com|g" -e "s|@RCPT@|dave@example.org|g" \
    -e "s|@UTOKEN@|AAAA|g" -e "s|yahoo.example|stranger.example|g" \
    "$D/yahoo-arf.eml" > "$T/f3"
check "f3 exit" 0 "$F" -f -c "$T/om.conf" -r fbl@example.com < "$T/f3"
untouched dave@example.org f3

# --- f4: auto-replies
V=$(verp erin@example.org)
n=0
for s in "Automatisch antwoord: afwezig" "Risposta automatica: Our November news" \
    "Resposta automática: fora do escritório" "自动回复: Our November news" \
    "Autosvar: Our November news" "Nieobecność: Our November news" \
    "Out of Office: Our November news"; do
	n=$((n + 1))
	printf 'From: Erin <erin@example.org>\nTo: %s\nSubject: %s\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nI am away until Monday.\n\n<erin@example.org>:\n550 5.1.1 user unknown (quoted from an earlier problem)\nStatus: 5.1.1\n' \
	    "$V" "$s" > "$T/f4.$n"
	check "f4.$n exit" 0 "$F" -f -c "$T/om.conf" -r "$V" < "$T/f4.$n"
done
untouched erin@example.org f4

# --- f8: a stranger holding a forwarded copy of frank's list mail (its
# one-click token) makes a DSN of it, and one of grace's, to the plain
# bounce address: a delivery report counts only at its return path
ctl subscribe frank@example.org releases >/dev/null
ctl subscribe grace@example.org releases >/dev/null
cat > "$T/f8" <<EOM
From: Mallory <mallory@evil.example>
To: bounces@example.com
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: text/plain

gone
--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.evil.example

Final-Recipient: rfc822; frank@example.org
Action: failed
Status: 5.1.1

--b
Content-Type: text/rfc822-headers

From: News <news@example.com>
To: frank@example.org
List-Unsubscribe: <https://lists.example.com/u/$(utok frank@example.org)>

--b--
EOM
check "f8 dsn exit" 0 "$F" -f -c "$T/om.conf" -r bounces@example.com < "$T/f8"
expect "f8 dsn: not acted on" "$err" "reason=not-to-return-path"
printf 'From: MAILER-DAEMON@evil.example\nTo: bounces@example.com\nSubject: failure notice\n\n550 5.1.1 user unknown\n> unsubscribe: https://lists.example.com/u/%s\n' \
    "$(utok grace@example.org)" > "$T/f8t"
check "f8 text exit" 0 "$F" -f -c "$T/om.conf" -r bounces@example.com < "$T/f8t"
expect "f8 text: not acted on" "$err" "reason=not-to-return-path"
# the one-click token put where the return path's goes
check "f8 verp exit" 0 "$F" -f -c "$T/om.conf" \
    -r "bounces+$(utok frank@example.org)@example.com" < "$T/f8"
for a in frank grace; do
	check "f8 $a releases" 0 ctl check "$a@example.org" releases
	expect "f8 $a still gets releases" "$out" "deliver"
	untouched "$a@example.org" f8
done

# --- f5: hostile MIME to dave's VERP address
V=$(verp dave@example.org)
python3 - "$T" "$V" <<'PY'
import sys, os, random
t, v = sys.argv[1], sys.argv[2]
h = 'From: MAILER-DAEMON@mx.example.net\nTo: %s\nSubject: Undelivered\nMIME-Version: 1.0\n' % v
# nesting
body, tail = '', ''
for i in range(5000):
    body += 'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n' % (i, i)
    tail = '\n--b%d--\n' % i + tail
open(t + '/f5.nest', 'w').write(h + body + 'Content-Type: text/plain\n\nx\n' + tail)
# report without a boundary
open(t + '/f5.nobound', 'w').write(h + 'Content-Type: multipart/report; report-type=delivery-status\n\n--x\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; dave@example.org\nAction: failed\nStatus: 5.1.1\n\n--x--\n')
# 8-bit garbage in the report part
random.seed(7)
g = bytes(random.randrange(256) for _ in range(20000))
open(t + '/f5.garbage', 'wb').write((h + 'Content-Type: multipart/report; report-type=delivery-status; boundary="q"\n\n--q\nContent-Type: message/delivery-status\n\n').encode() + g + b'\nStatus: 5.1.1\n--q--\n')
# 10 MB report: delivery status after a huge first part
big = ('A' * 999 + '\n') * 10000
# a text bounce of one 256 KiB line of reply codes without mailbox
# words: read once a line, not once a code (that took minutes, and
# pipe(8) bounces a report whose command runs out of time)
open(t + '/f5.codes', 'w').write('From: MAILER-DAEMON@mx.example.net\nTo: %s\nSubject: Undelivered Mail\nMIME-Version: 1.0\nContent-Type: text/plain\n\n' % v + '550 ' * 65536 + '\n')
open(t + '/f5.big', 'w').write(h + 'Content-Type: multipart/report; report-type=delivery-status; boundary="q"\n\n--q\nContent-Type: text/plain\n\n' + big + '--q\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; dave@example.org\nAction: failed\nStatus: 5.1.1\n\n--q--\n')
PY
for k in nest nobound big codes; do
	timeout 60 "$F" -f -c "$T/om.conf" -r "$V" < "$T/f5.$k" > /dev/null 2> "$T/f5.err"
	rc=$?
	case $rc in
	0|75) ok ;;
	*) fail "f5.$k: exit $rc: $(tail -c 300 "$T/f5.err")" ;;
	esac
done
timeout 60 "$F" -f -c "$T/om.conf" -r "$V" < "$T/f5.garbage" > /dev/null 2>&1
case $? in 0|75) ok ;; *) fail "f5.garbage: exit $?" ;; esac
done_testing
