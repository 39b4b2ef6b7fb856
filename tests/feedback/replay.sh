#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# replay.sh - two reports optin-feedback must not act on (feedback):
#   f2  a hard bounce replayed after the operator lifted the
#       suppression (optinctl unsuppress): the lift must stand, the
#       report is about mail sent before it
#   f6  a delivery-status part of 8-bit garbage ending in "Status:
#       5.1.1", with no Final-Recipient and no Action: not a report of
#       a failed delivery (RFC 3464 requires both), no suppression
. "$(dirname "$0")/../lib.sh"

F="$top_builddir/optin-feedback"
C="$top_builddir/optinctl"
D="$top_srcdir/tests/feedback"
test_conf "$T/om.conf"
echo "bounce-address bounces@example.com" >> "$T/om.conf"
ctl() { "$C" -c "$T/om.conf" "$@"; }
check "init" 0 ctl init
for a in carol dave; do
	check "subscribe $a" 0 ctl subscribe "$a@example.org" marketing
done
verp() {
	ctl token "$1" marketing | sed -n 's/^return-path: //p'
}
hard() {
	sed -e "s|@VERP@|$2|g" -e "s|@RCPT@|$1|g" "$D/postfix-hard.eml" |
	    awk '$0 != "@B64HEADERS@"'
}

# --- f2: replay after an unsuppress
V=$(verp carol@example.org)
hard carol@example.org "$V" > "$T/f2"
check "f2 first" 0 "$F" -f -c "$T/om.conf" -r "$V" < "$T/f2"
check "show carol" 0 ctl show carol@example.org
expect "f2 suppressed" "$out" "suppression carol@example.org bounce"
sleep 1
check "unsuppress carol" 0 ctl unsuppress carol@example.org
sleep 1
check "f2 replay" 0 "$F" -f -c "$T/om.conf" -r "$V" < "$T/f2"
echo "# f2 replay: $err"
check "show carol" 0 ctl show carol@example.org
expect_not "f2: a replayed report undid the operator's lift" "$out" \
    "suppression carol@example.org bounce"
expect "f2: the lift is shown" "$out" "lifted carol@example.org"
# mail sent after the lift that bounces again still counts
sleep 1
V=$(verp carol@example.org)
hard carol@example.org "$V" > "$T/f2b"
check "f2 new bounce" 0 "$F" -f -c "$T/om.conf" -r "$V" < "$T/f2b"
check "show carol" 0 ctl show carol@example.org
expect "f2: a new bounce suppresses" "$out" \
    "suppression carol@example.org bounce"

# --- f6: garbage with a status line
V=$(verp dave@example.org)
python3 - "$T/f6" "$V" <<'PY'
import sys, random
random.seed(7)
g = bytes(random.randrange(256) for _ in range(20000))
h = 'From: MAILER-DAEMON@mx.example.net\nTo: %s\nSubject: Undelivered\nMIME-Version: 1.0\n' % sys.argv[2]
open(sys.argv[1], 'wb').write((h + 'Content-Type: multipart/report; report-type=delivery-status; boundary="q"\n\n--q\nContent-Type: message/delivery-status\n\n').encode() + g + b'\nStatus: 5.1.1\n--q--\n')
PY
check "f6 exit" 0 "$F" -f -c "$T/om.conf" -r "$V" < "$T/f6"
echo "# f6: $err"
check "show dave" 0 ctl show dave@example.org
expect_not "f6: garbage suppressed dave" "$out" "suppression dave@example.org"
done_testing
