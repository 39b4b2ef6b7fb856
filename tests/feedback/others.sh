#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# others.sh - reports that name someone other than the token's
# recipient, a multi-line reply, and messages that would cost GMime its
# stack or its memory, through optin-feedback against a real database:
#   o1  a feedback loop's complaint whose Original-Rcpt-To is another
#       address (a forwarded copy was reported): the token's recipient
#       leaves that list only, no suppression, her other lists stay;
#       the same complaint naming her: suppressed
#   o2  a DSN at carol's VERP address whose only failed group is dave's
#       (an alias's target): scored as permanent, not suppressed; carol
#       delivered and dave failed: recorded only; carol's own 5.1.1,
#       named by Original-Recipient alone: suppressed; and named in
#       other spellings (case and angle brackets, without the +tag the
#       token has, or in no address form at all): suppressed
#   o3  Gmail's rate limit as Postfix writes a multi-line reply, each
#       line's codes run into the text: policy, recorded only
#   o4  an address field of 50000 nested groups, at the top and in the
#       returned message: kept unparsed (address-groups), exit 0, whole
#       (before, GMime's recursion overflowed the stack: SIGSEGV)
#   o5  2.5 million short header lines: kept unparsed (too-many-fields)
#       with a peak resident size under 100 MB (before, 1.2 GB)
#   o6  a returned message whose To holds groups and a few colons: read
#   o7  a diagnostic in Latin-1: show --json stays valid UTF-8 JSON
. "$(dirname "$0")/../lib.sh"

F="$top_builddir/optin-feedback"
C="$top_builddir/optinctl"
D="$top_srcdir/tests/feedback"
test_conf "$T/om.conf"
cat >> "$T/om.conf" <<EOF
bounce-address bounces@example.com
authserv-id mx.example.com
feedback-loop arf.mail.yahoo.example
EOF
ctl() { "$C" -c "$T/om.conf" "$@"; }
check "init" 0 ctl init
for a in alice ann carol cathy busy dora eve fay+news gus; do
	check "subscribe $a" 0 ctl subscribe "$a@example.org" marketing
	check "subscribe $a maintenance" 0 ctl subscribe "$a@example.org" \
	    maintenance
done
verp() { ctl token "$1" marketing | sed -n 's/^return-path: //p'; }
utok() { ctl token "$1" marketing | sed -n 's/^token: //p'; }
# fb FILE RCPT: optin-feedback on FILE for envelope recipient RCPT
fb() {
	"$F" -f -c "$T/om.conf" -r "$2" < "$1" 2> "$T/log"
	rc=$?
	log=$(cat "$T/log")
	echo "# $log"
}
decides() {
	check "check $1 $2" "$4" ctl check "$1" "$2"
	expect "$5: $1 $2" "$out" "$3"
}
suppressed() {
	check "show $1" 0 ctl show "$1"
	expect "$2: $1 suppressed" "$out" "suppression "
}
not_suppressed() {
	check "show $1" 0 ctl show "$1"
	expect_not "$2: $1 suppressed" "$out" "suppression "
}

# --- o1: the loop's complaint about a forwarded copy
arf() {
	sed -e "s|@VERP@|news@example.com|g" -e "s|@RCPT@|$1|g" \
	    -e "s|@UTOKEN@|$(utok "$2")|g" "$D/yahoo-arf.eml"
}
arf bob@yahoo.example alice@example.org > "$T/o1"
fb "$T/o1" fbl@example.com
expect_eq "o1 exit" "$rc" 0
expect "o1: one list" "$log" "result=opted-out"
not_suppressed alice@example.org o1
decides alice@example.org marketing "deny opted-out" 1 "o1 out of the list"
decides alice@example.org maintenance deliver 0 "o1 other list stays"
check "show alice" 0 ctl show alice@example.org
expect "o1: evidence names another recipient" "$out" "other-recipient"
# the same spelled as the copy was sent (case): her own complaint
arf ANN@Example.ORG ann@example.org > "$T/o1b"
fb "$T/o1b" fbl@example.com
expect_eq "o1b exit" "$rc" 0
expect "o1b: her own complaint" "$log" "result=suppressed"
suppressed ann@example.org o1b
decides ann@example.org maintenance "deny suppressed:complaint" 1 "o1b"

# --- o2: a DSN at carol's return path about dave
V=$(verp carol@example.org)
sed -e "s|@VERP@|$V|g" -e "s|@RCPT@|dave@other.example|g" \
    -e "s|@UTOKEN@|x|g" "$D/postfix-hard.eml" > "$T/o2"
fb "$T/o2" "$V"
expect_eq "o2 exit" "$rc" 0
expect "o2: scored, not condemned" "$log" "class=permanent"
expect "o2: scored" "$log" "result=scored"
not_suppressed carol@example.org o2
decides carol@example.org marketing deliver 0 "o2 still mailed"
# carol delivered, dave failed
awk -v v="$V" '
	/^Final-Recipient: rfc822; @RCPT@/ {
		print "Final-Recipient: rfc822; carol@example.org"
		print "Action: delivered"
		print "Status: 2.0.0"
		print ""
	}
	{ gsub(/@VERP@/, v); gsub(/@RCPT@/, "dave@other.example");
	  gsub(/@UTOKEN@/, "x"); print }' "$D/postfix-hard.eml" > "$T/o2b"
fb "$T/o2b" "$V"
expect_eq "o2b exit" "$rc" 0
expect "o2b: recorded only" "$log" "result=recorded"
not_suppressed carol@example.org o2b
# cathy's own: Original-Recipient names her, Final-Recipient her alias's
# form on the remote side
V=$(verp cathy@example.org)
sed -e "s|@VERP@|$V|g" -e "s|@RCPT@|cathy@example.org|g" \
    -e "s|^Final-Recipient: rfc822; .*|Final-Recipient: rfc822; c.smith@mail.example.org|" \
    -e "s|@UTOKEN@|x|g" "$D/postfix-hard.eml" > "$T/o2c"
fb "$T/o2c" "$V"
expect_eq "o2c exit" "$rc" 0
expect "o2c: her own hard bounce" "$log" "result=suppressed"
suppressed cathy@example.org o2c

# the recipient's own hard bounce, spelt otherwise by the remote side
o2x() {	# NAME TOKEN-ADDRESS FINAL-RECIPIENT-LINE
	V=$(verp "$2")
	sed -e "s|@VERP@|$V|g" -e "s|@RCPT@|$2|g" -e "s|@UTOKEN@|x|g" \
	    -e "s|^Final-Recipient: rfc822; .*|$3|" \
	    -e '/^Original-Recipient:/d' "$D/postfix-hard.eml" > "$T/$1"
	fb "$T/$1" "$V"
	expect_eq "$1 exit" "$rc" 0
	expect "$1: her own hard bounce" "$log" "result=suppressed"
	suppressed "$2" "$1"
}
o2x o2d eve@example.org "Final-Recipient: rfc822; <Eve@Example.ORG>"
o2x o2e fay+news@example.org "Final-Recipient: rfc822; fay@example.org"
o2x o2f gus@example.org "Final-Recipient: x400; c=us;a=att;p=corp;s=gus"

# --- o3: Gmail's rate limit, multi-line
V=$(verp busy@example.org)
cat > "$T/o3" <<EOM
From: MAILER-DAEMON@mx.example.com (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: $V
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.com

Final-Recipient: rfc822; busy@example.org
Action: failed
Status: 5.2.1
Diagnostic-Code: smtp; 550-5.2.1 The user you are trying to contact is
    receiving mail at a rate that 550-5.2.1 prevents additional messages from
    being delivered. Please resend your 550-5.2.1 message at a later time.

--B--
EOM
fb "$T/o3" "$V"
expect_eq "o3 exit" "$rc" 0
expect "o3: policy" "$log" "class=policy"
expect "o3: recorded only" "$log" "result=recorded"
not_suppressed busy@example.org o3

# --- o4, o5, o6: what GMime would pay for
V=$(verp dora@example.org)
python3 - "$T" "$V" <<'PY'
import sys
t, v = sys.argv[1], sys.argv[2]
top = ("From: MAILER-DAEMON@mx.example.net\nTo: %s\n"
       "Subject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n"
       "Content-Type: multipart/report; report-type=delivery-status; "
       "boundary=\"q\"\n\n" % v)
def report(to):
    return (top + "--q\nContent-Type: message/delivery-status\n\n"
            "Reporting-MTA: dns; mx.example.net\n\n"
            "Final-Recipient: rfc822; dora@example.org\nAction: failed\n"
            "Status: 5.1.1\n\n--q\nContent-Type: message/rfc822\n\n"
            "From: News <news@example.com>\nTo: " + to +
            "\nSubject: Our news\n\nhello\n--q--\n")
open(t + "/o4a", "w").write(report("a:" * 50000))
open(t + "/o4b", "w").write("From: x@example.net\nTo: " + "a:\n " * 50000 +
                            "b@example.org\nSubject: x\n\nhi\n")
open(t + "/o5", "w").write("From: x@example.net\nSubject: x\n" +
                           "X:y\n" * 2500000 + "\nbody\n")
open(t + "/o6", "w").write(report("undisclosed-recipients:;, "
                                   "\"a:b:c\" <x@example.org>, g: y@example.org;"))
PY
for m in o4a o4b; do
	fb "$T/$m" "$V"
	expect_eq "$m exit (no crash)" "$rc" 0
	expect "$m: kept unparsed" "$log" "result=ignored reason=address-groups"
	kept=$(echo "$log" | sed -n 's/.* kept=\([^ ]*\).*/\1/p')
	cmp -s "$kept" "$T/$m" && ok || fail "$m: the kept copy is not whole"
done
/usr/bin/time -f %M -o "$T/o5.rss" "$F" -f -c "$T/om.conf" -r "$V" \
    < "$T/o5" 2> "$T/log"
expect_eq "o5 exit" "$?" 0
expect "o5: kept unparsed" "$(cat "$T/log")" \
    "result=ignored reason=too-many-fields"
peak=$(cat "$T/o5.rss")
echo "# o5: peak resident size: $peak kB"
[ "$peak" -lt 102400 ] && ok || fail "o5: peak resident size $peak kB"
not_suppressed dora@example.org o4-o5
fb "$T/o6" "$V"
expect_eq "o6 exit" "$rc" 0
expect "o6: read as a report" "$log" "kind=dsn rcpt=<dora@example.org>"
expect "o6: hard bounce" "$log" "result=suppressed"

# --- o7: a diagnostic in Latin-1, kept in the evidence as it came:
# show --json still prints valid UTF-8 JSON (U+FFFD for the octet)
V=$(verp busy@example.org)
sed -e 's/^Status: 5.2.1/Status: 4.2.2/' \
    -e 's/^Diagnostic-Code: .*/Diagnostic-Code: smtp; 452 4.2.2 Bo\xeete pleine/' \
    -e '/^    /d' "$T/o3" > "$T/o7"
fb "$T/o7" "$V"
expect_eq "o7 exit" "$rc" 0
expect "o7: soft" "$log" "class=soft"
check "o7 show --json" 0 ctl show busy@example.org --json
printf '%s' "$out" | python3 -c '
import json, sys
d = json.loads(sys.stdin.buffer.read().decode("utf-8"))
assert "Bo\ufffdte pleine" in json.dumps(d, ensure_ascii=False), "no U+FFFD"
' && ok || fail "o7: show --json is not UTF-8 JSON holding U+FFFD"
done_testing
