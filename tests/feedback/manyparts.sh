#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# manyparts.sh - anybody may write to the bounce address, before any
# token is checked: a message of 2 MiB of empty MIME parts (about
# 420000) took GMime 590 MB and 5 s to parse (290 MB for each MB, so
# 2.8 GB under Postfix's default 10 MB size limit, four at a time). It is
# now kept unparsed ("too-many-parts", exit 0) with a peak resident size
# under 200 MB, read from /proc while it runs; a report of a few parts
# is still read.
. "$(dirname "$0")/../lib.sh"

F="$top_builddir/optin-feedback"
C="$top_builddir/optinctl"
test_conf "$T/om.conf"
echo "bounce-address bounces@example.com" >> "$T/om.conf"
check "init" 0 "$C" -c "$T/om.conf" init

python3 - "$T/parts.eml" <<'PY'
import sys
head = ("From: MAILER-DAEMON@mx.example.net\nTo: bounces@example.com\n"
        "Subject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n"
        "Content-Type: multipart/mixed; boundary=b\n\n")
body = "--b\n\n" * (2 * 1024 * 1024 // 5)
open(sys.argv[1], "w").write(head + body + "--b--\n")
PY

"$F" -f -c "$T/om.conf" -r bounces@example.com < "$T/parts.eml" 2> "$T/log" &
pid=$!
peak=0
while kill -0 "$pid" 2>/dev/null; do
	kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
	[ -n "$kb" ] && [ "$kb" -gt "$peak" ] && peak=$kb
	sleep 0.02
done
wait "$pid"
expect_eq "many parts: exit 0 (kept, not retried)" "$?" 0
expect "many parts: not parsed" "$(cat "$T/log")" "reason=too-many-parts"
echo "# peak resident size: $peak kB"
[ "$peak" -lt 204800 ] && ok || fail "many parts: peak resident size $peak kB"
expect_eq "many parts: kept" "$(ls "$T/db/kept/new" | wc -l)" 1

# a few parts: parsed as before (a multipart/report without a token)
cat > "$T/few.eml" <<'EML'
From: MAILER-DAEMON@mx.example.net
To: bounces@example.com
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary=b

--b

Your message could not be delivered.
--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; someone@example.org
Action: failed
Status: 5.1.1

--b--
EML
check "few parts" 0 "$F" -f -c "$T/om.conf" -r bounces@example.com < "$T/few.eml"
expect "few parts: read as a delivery report" "$err" "kind=dsn"
expect_not "few parts: parsed" "$err" "too-many-parts"
done_testing
