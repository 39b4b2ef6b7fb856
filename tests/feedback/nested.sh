#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# nested.sh - anybody may write to the bounce address, and a message may
# hold a message that holds a message, with no MIME boundary to count
# (MIME_MAX_DELIMS bounds only those). 500000 message/rfc822 levels in
# 15 MB (kept unparsed: as many lines that may be header fields, over
# MIME_MAX_FIELDS), and 1990 levels of multipart/mixed each holding a
# message/rfc822 (kept as not a report): each exit 0, not retried,
# byte for byte as it came, with a peak resident size under 200 MB
# (GNU time), and the database as it was (another process's export,
# before and after).
. "$(dirname "$0")/../lib.sh"

F="$top_builddir/optin-feedback"
C="$top_builddir/optinctl"
test_conf "$T/om.conf"
echo "bounce-address bounces@example.com" >> "$T/om.conf"
check "init" 0 "$C" -c "$T/om.conf" init
check "subscribe" 0 "$C" -c "$T/om.conf" subscribe x@example.org marketing
"$C" -c "$T/om.conf" export > "$T/before.csv"

python3 - "$T" <<'PY'
import sys
head = ("From: MAILER-DAEMON@mx.example.net\nTo: bounces@example.com\n"
        "Subject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n")
inner = "From: x@example.org\n\nhi\n"
with open(sys.argv[1] + "/deep.eml", "w") as f:
    f.write(head + "Content-Type: message/rfc822\n\n" * 500000 + inner)
with open(sys.argv[1] + "/alt.eml", "w") as f:
    f.write(head + "".join("Content-Type: multipart/mixed; boundary=b%d\n\n"
            "--b%d\nContent-Type: message/rfc822\n\n" % (i, i)
            for i in range(1990)) + inner)
PY

n=0
for m in deep alt; do
	/usr/bin/time -f %M -o "$T/$m.rss" "$F" -f -c "$T/om.conf" \
	    -r bounces@example.com < "$T/$m.eml" 2> "$T/$m.log"
	expect_eq "$m: exit 0 (kept, not retried)" "$?" 0
	peak=$(cat "$T/$m.rss")
	[ $m = deep ] && why=too-many-fields || why=not-a-report
	expect "$m: kept ($why)" "$(cat "$T/$m.log")" \
	    "result=ignored reason=$why"
	echo "# $m: peak resident size: $peak kB"
	[ "$peak" -lt 204800 ] && ok || fail "$m: peak resident size $peak kB"
	n=$((n + 1))
	expect_eq "$m: kept" "$(ls "$T/db/kept/new" | wc -l)" "$n"
	kept=$(sed -n 's/.* kept=\([^ ]*\).*/\1/p' "$T/$m.log")
	cmp -s "$kept" "$T/$m.eml" && ok ||
	    fail "$m: the kept copy ($kept) is not the message as it came"
done
"$C" -c "$T/om.conf" export > "$T/after.csv"
cmp -s "$T/before.csv" "$T/after.csv" && ok ||
    fail "the database changed: $(diff "$T/before.csv" "$T/after.csv")"
done_testing
