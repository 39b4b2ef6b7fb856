#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# report.sh - optinctl report on a fixed log (report.syslog: every kind of
# line optin-milter, optin-unsubd, optin-feedback and Postfix write, in
# the traditional, RFC 3339, datagram and -f forms), plain, gzip'd and
# on standard input; text, JSON and HTML agree
. "$(dirname "$0")/../lib.sh"

C="$top_builddir/optinctl"
test_conf "$T/om.conf"
log="$top_srcdir/tests/ctl/report.syslog"
ctl() { "$C" -c "$T/om.conf" "$@"; }

# the stamps have no year (report takes this year, or last year for a
# date ahead of today): the checks below match the month and day only
check "text" 0 ctl report "$log"
expect "lines" "$out" "23 lines read, 18 counted"
expect "marketing header" "$out" "list marketing (Best practices, events and product news)"
expect "reasons" "$out" "top reasons: no-consent 1, opted-out 1"

check "json" 0 ctl report --json "$log"
printf '%s\n' "$out" > "$T/r.json"
# day LIST DAY FIELD: one number of the JSON
day() {
	python3 - "$T/r.json" "$@" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
lst, day, field = sys.argv[2:5]
for l in r["lists"]:
    if l["list"] == lst:
        if day == "total":
            print(l["total"][field]); break
        for d in l["days"]:
            if d["day"].endswith(day):
                print(d[field]); break
        break
PY
}
expect_eq "marketing messages" "$(day marketing 11-28 messages)" 1
expect_eq "marketing delivered" "$(day marketing 11-28 delivered)" 1
expect_eq "marketing stripped" "$(day marketing 11-28 stripped)" 2
expect_eq "a quoted local part forges no field" "$(day marketing total delivered)" 1
expect_eq "bounce joined by queue id" "$(day marketing 11-28 bounces)" 1
expect_eq "bounce report" "$(day marketing 11-29 bounces)" 1
expect_eq "complaint" "$(day marketing 11-29 complaints)" 1
expect_eq "one-click" "$(day marketing 11-29 unsubscribe_one_click)" 1
expect_eq "mailto" "$(day status 11-29 unsubscribe_mailto)" 1
expect_eq "preference page, per list" "$(day marketing 11-29 unsubscribe_preferences)" 1
expect_eq "preference page, status" "$(day status 11-29 unsubscribe_preferences)" 1
expect_eq "preference page, from all" "$(day '*' 11-29 unsubscribe_preferences)" 1
expect_eq "rejected at RCPT" "$(day status 11-28 rejected)" 1
expect_eq "datagram form" "$(day status 11-29 delivered)" 1
expect_eq "-f form" "$(day status - tempfailed)" 1
expect_eq "strip rate" "$(day marketing 11-28 strip_rate)" "0.666"
expect_eq "reasons" "$(python3 -c 'import json,sys; print([(x["reason"],x["count"]) for x in json.load(open(sys.argv[1]))["lists"][0]["reasons"]])' "$T/r.json")" \
    "[('no-consent', 1), ('opted-out', 1)]"
expect_eq "no other list" "$(python3 -c 'import json,sys; print(" ".join(l["list"] for l in json.load(open(sys.argv[1]))["lists"]))' "$T/r.json")" \
    "marketing status *"

# gzip'd, standard input, several files
gzip -c "$log" > "$T/mail.log.1.gz"
check "gzip" 0 ctl report --json "$T/mail.log.1.gz"
expect_eq "gzip same" "$out" "$(cat "$T/r.json")"
check "stdin" 0 sh -c "'$C' -c '$T/om.conf' report --json < '$T/mail.log.1.gz'"
expect_eq "stdin same" "$out" "$(cat "$T/r.json")"
check "two files" 0 ctl report --json "$log" "$T/mail.log.1.gz"
printf '%s\n' "$out" > "$T/r.json"
expect_eq "twice the messages" "$(day marketing 11-28 messages)" 2
check "missing file" 66 ctl report "$T/none.log"
expect "says which" "$err" "$T/none.log"
check "bad option" 64 ctl report --htm x

# HTML: one file, nothing from outside, the same numbers
check "html" 0 ctl report --html "$T/r.html" "$log"
h=$(cat "$T/r.html")
expect "a page" "$h" "<!DOCTYPE html>"
expect_not "no script" "$h" "<script"
expect_not "nothing fetched" "$h" "src="
expect_not "no stylesheet link" "$h" "<link"
expect "charts" "$h" '<svg class="chart" data-list="marketing" data-kind="unsubscribes"'
expect "strip chart" "$h" 'data-kind="strip-rate"'
expect "escaped" "$h" "<title>optin-milter report</title>"
[ ! -e "$T/r.html.tmp" ] && ok || fail "temporary file left"
check "html nowhere" 73 ctl report --html "$T/none/r.html" "$log"
# a link left at the old fixed temporary name is not written through
echo precious > "$T/victim"
ln -s "$T/victim" "$T/r2.html.tmp"
check "html next to a link" 0 ctl report --html "$T/r2.html" "$log"
expect_eq "the link's target untouched" "$(cat "$T/victim")" precious
[ -f "$T/r2.html" ] && [ ! -L "$T/r2.html" ] && ok ||
    fail "r2.html is not a file of its own"
# a gzip'd log cut short: 65, not counted as if whole
awk '{ for (i = 0; i < 200; i++) print }' "$log" | gzip -c > "$T/big.gz"
head -c $(( $(stat -c %s "$T/big.gz") / 2 )) "$T/big.gz" > "$T/cut.gz"
check "gzip cut short" 65 ctl report "$T/cut.gz"
expect "gzip cut short: said" "$err" "the gzip stream is cut short"

# lines that are not ours, or broken, never crash it
head -c 20000 /dev/urandom > "$T/noise"
printf 'Nov 30 10:00:00 mx optin-milter[1]: Q: list=%s rcpt=<%s verdict=strip\n' \
    "$(head -c 300 /dev/zero | tr '\0' a)" "unterminated" >> "$T/noise"
printf 'optin-milter[1]: Q: list=' >> "$T/noise"
check "noise" 0 ctl report "$T/noise"

# a bounce Postfix met, and its DSN back through optin-feedback: one
# bounce; a delay and a refusal for policy are no bounce (as in stats)
cat > "$T/b.log" <<'LOG'
Nov 27 10:00:01 mx optin-milter[200]: EEE555: list=marketing rcpt=<Bo@example.org> verdict=deliver reason=opt-in
Nov 27 10:00:02 mx postfix/smtp[300]: EEE555: to=<Bo@example.org>, relay=x[192.0.2.1]:25, delay=1, dsn=5.1.1, status=bounced (no such user)
Nov 27 10:00:05 mx optin-feedback[500]: kind=dsn rcpt=<bo@example.org> list=marketing class=hard status=5.1.1 result=suppressed score=1.00 mta=mx.example.net
Nov 27 10:00:06 mx optin-feedback[500]: kind=dsn rcpt=<cy@example.org> list=marketing class=none status=4.4.7 result=recorded score=0.00 mta=mx.example.net
Nov 27 10:00:07 mx optin-feedback[500]: kind=dsn rcpt=<di@example.org> list=marketing class=policy status=5.7.1 result=recorded score=0.00 mta=mx.example.net
Nov 27 10:00:08 mx optin-feedback[500]: kind=dsn rcpt=<ed@example.org> list=marketing class=soft status=4.2.2 result=scored score=0.50 mta=mx.example.net
LOG
check "bounces counted once" 0 ctl report --json "$T/b.log"
printf '%s\n' "$out" > "$T/r.json"
expect_eq "two bounces" "$(day marketing total bounces)" 2

# lines with a list or a reason no program of ours writes are not
# counted: terminal escapes, bytes that are not UTF-8, and '|', which ran
# a list and a reason together
printf 'Nov 27 11:00:00 mx optin-milter[1]: FFF666: list=\033]0;pwned\007 rcpt=<a@example.org> verdict=strip reason=\033[31mred\n' > "$T/h.log"
printf 'Nov 27 11:00:00 mx optin-milter[1]: FFF667: list=m\377x rcpt=<a@example.org> verdict=strip reason=no-consent\n' >> "$T/h.log"
printf 'Nov 27 11:00:00 mx optin-milter[1]: FFF668: list=a rcpt=<a@example.org> verdict=strip reason=b|c\n' >> "$T/h.log"
printf 'Nov 27 11:00:00 mx optin-milter[1]: FFF669: list=a|b rcpt=<a@example.org> verdict=strip reason=c\n' >> "$T/h.log"
check "hostile text" 0 ctl report "$T/h.log"
expect_not "no escape" "$out" "$(printf '\033')"
expect_not "no byte that is not UTF-8" "$out" "$(printf '\377')"
expect_not "no list a|b" "$out" "list a|b"
expect_not "no reason b|c" "$out" "b|c"
check "hostile json" 0 ctl report --json "$T/h.log"
printf '%s\n' "$out" > "$T/h.json"
check "hostile json parses" 0 python3 -c 'import json, sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$T/h.json"
done_testing
