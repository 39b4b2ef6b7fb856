#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# strip.sh - real Postfix, real optin-milter, denied strip: who receives
# what, with which headers, over SMTP (swaks) and sendmail(1)
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../milter/lib.sh"
. "$(dirname "$0")/lib.sh"

e2e_conf "$T/om.conf"
ctl() { "$C" -c "$T/om.conf" "$@" >/dev/null; }
ctl init
# every consent status
ctl subscribe alice@example.org marketing
ctl subscribe bob@example.org marketing --pending
ctl subscribe carl@example.org marketing --expires 2001-01-01
ctl subscribe dina@example.org marketing
ctl unsubscribe dina@example.org marketing
ctl subscribe rel@example.org maintenance --relationship
ctl subscribe rel@example.org marketing --relationship
# every suppression reason
for r in unsubscribe-all bounce complaint manual legal; do
	ctl subscribe "s-$r@example.org" marketing
	ctl suppress "s-$r@example.org" --reason "$r"
done
# domain-wide relationship, one person out
ctl subscribe @customer.example status --relationship
ctl unsubscribe ops@customer.example status
# the sendmail(1) path: a bare local part becomes user@mx.test.example
ctl subscribe erin@mx.test.example marketing
# the most specific record, unless a less specific opt-out is later:
# fay unsubscribed after her tagged opt-in; gus+deals opted in after
# gus opted out; the domain opted out after hal and before ivy
cat > "$T/dated.csv" <<'CSV'
address,list,status,source,changed,expires
fay+deals@example.org,marketing,opt-in,form,2020-01-01,
gus@example.org,marketing,opt-out,form,2020-01-01,
gus+deals@example.org,marketing,opt-in,form,2021-01-01,
hal@optout.example,marketing,opt-in,form,2021-01-01,
@optout.example,marketing,opt-out,cli,2022-01-01,
ivy@optout.example,marketing,opt-in,form,2023-01-01,
CSV
ctl import "$T/dated.csv"
ctl unsubscribe fay@example.org marketing

start_milter "$T/om.conf" "$T/milter.log" || done_testing
pf_start "unix:$T/milter.sock" || done_testing

# --- SMTP: statuses, mixed case, +tag
send_smtp "m1" news@example.com \
    "alice@example.org,Alice+Promo@EXAMPLE.org,bob@example.org,carl@example.org,dina@example.org,rel@example.org,Carol@EXAMPLE.org"
expect "m1 accepted" "$out" "250 2.0.0 Ok: queued"
# --- suppression reasons on an express list, and on transactional
send_smtp "m2" news@example.com \
    "s-unsubscribe-all@example.org,s-bounce@example.org,s-complaint@example.org,s-manual@example.org,s-legal@example.org,alice@example.org"
send_smtp "m3" noreply@example.com \
    "s-unsubscribe-all@example.org,s-bounce@example.org,s-complaint@example.org,s-manual@example.org,s-legal@example.org"
# --- domain-wide relationship, chosen by the list header
send_smtp "m4" ops@example.com "cto@customer.example,ops@customer.example,x@other.example" \
    --header "X-Optin-List: status"
# --- relationship list
send_smtp "m5" maintenance@example.com "rel@example.org,alice@example.org"
# --- unclassified mail: left alone, byte for byte
send_smtp "m6" friend@example.net "carol@example.org" \
    --header "X-Custom: keep  me" --header "List-Id: other <other.example.net>"
# --- nobody left: discarded, never queued
send_smtp "m7" news@example.com "carol@example.org,bob@example.org"
expect "m7 accepted then discarded" "$out" "250 2.0.0 Ok: queued"
# --- unknown list
send_smtp "m8" news@example.com "alice@example.org" --header "X-Optin-List: nosuch"
expect "m8 unknown list" "$out" '550 5.7.1 unknown list "nosuch"'
# --- sendmail(1): a recipient to remove cannot be removed with certainty
# there (forms.sh): the whole message is refused, a bounce to the sender
printf 'X-Optin-List: marketing\n' | send_local "m9" news@example.com erin bob alice@example.org Carol@EXAMPLE.org
pf_wait 7 || true

f=$(sink_for m1)
expect_eq "m1 recipients" "$(rcpts "$f")" "Alice+Promo@EXAMPLE.org alice@example.org "
expect "m1 List-Unsubscribe (several left: mailto only)" "$(cat "$f")" \
    "List-Unsubscribe: <mailto:unsubscribe@example.com?subject=unsubscribe%20"
expect_not "m1 no Post for several" "$(cat "$f")" "List-Unsubscribe-Post:"
expect "m1 List-Id" "$(cat "$f")" 'List-Id: "Best practices, events and product news"'
f=$(sink_for m2)
expect_eq "m2 recipients" "$(rcpts "$f")" "alice@example.org "
expect "m2 one recipient: URL" "$(cat "$f")" "List-Unsubscribe: <https://lists.example.com/u/"
expect "m2 one recipient: Post" "$(cat "$f")" "List-Unsubscribe-Post: List-Unsubscribe=One-Click"
f=$(sink_for m3)
expect_eq "m3 transactional honours bounce complaint legal" "$(rcpts "$f")" \
    "s-manual@example.org s-unsubscribe-all@example.org "
expect_not "m3 no List-Unsubscribe" "$(cat "$f")" "List-Unsubscribe"
f=$(sink_for m4)
expect_eq "m4 domain" "$(rcpts "$f")" "cto@customer.example "
expect_not "m4 list header gone" "$(cat "$f")" "X-Optin-List"
f=$(sink_for m5)
expect_eq "m5 relationship" "$(rcpts "$f")" "rel@example.org "
expect "m5 List-Id" "$(cat "$f")" 'List-Id: "Scheduled maintenance notifications" <maintenance.lists.example.com>'
f=$(sink_for m6)
expect_eq "m6 unclassified" "$(rcpts "$f")" "carol@example.org "
expect "m6 header untouched" "$(cat "$f")" "X-Custom: keep  me"
expect "m6 List-Id untouched" "$(cat "$f")" "List-Id: other <other.example.net>"
expect_not "m6 nothing added" "$(cat "$f")" "List-Unsubscribe"
[ -z "$(sink_for m7)" ] && ok || fail "m7 reached the sink"
[ -z "$(sink_for m8)" ] && ok || fail "m8 reached the sink"
f=$(sink_for m9)
expect_eq "m9 sendmail path: only the bounce" "$(rcpts "$f")" "news@example.com "
expect "m9 bounce says why" "$(cat "$f")" "no consent for list marketing for 2 recipients"
# everybody with consent on the sendmail path: bare local part
# qualified, the personal one-click form
printf 'X-Optin-List: marketing\n' | send_local "m10" news@example.com erin
pf_wait 8 || true
f=$(sink_for m10)
expect_eq "m10 recipients" "$(rcpts "$f")" "erin@mx.test.example "
expect "m10 URL" "$(cat "$f")" "List-Unsubscribe: <https://lists.example.com/u/"
expect "m10 Post" "$(cat "$f")" "List-Unsubscribe-Post: List-Unsubscribe=One-Click"
# --- a later opt-out at user@d or @d wins over an older, more specific record
send_smtp "m11" news@example.com \
    "fay+deals@example.org,gus+deals@example.org,gus@example.org,hal@optout.example,ivy@optout.example,Ivy+x@OptOut.example"
pf_wait 9 || true
f=$(sink_for m11)
expect_eq "m11 recipients" "$(rcpts "$f")" \
    "Ivy+x@OptOut.example gus+deals@example.org ivy@optout.example "

# every header line within 998 octets, none folded inside <...>
for f in "$SINK"/*; do
	long=$(awk 'length($0) > 998' "$f" | wc -l)
	expect_eq "no long line in $(basename "$f")" "$long" 0
done

L=$(cat "$T/milter.log")
expect "log mixed case" "$L" "list=marketing rcpt=<alice+promo@example.org> verdict=deliver reason=opt-in"
expect "log pending" "$L" "rcpt=<bob@example.org> verdict=strip reason=pending"
expect "log expired" "$L" "rcpt=<carl@example.org> verdict=strip reason=expired"
expect "log opted-out" "$L" "rcpt=<dina@example.org> verdict=strip reason=opted-out"
expect "log relationship on express" "$L" "rcpt=<rel@example.org> verdict=strip reason=no-consent"
for r in unsubscribe-all bounce complaint manual legal; do
	expect "log $r" "$L" "rcpt=<s-$r@example.org> verdict=strip reason=suppressed:$r"
done
expect "log summary m1" "$L" "list=marketing from=<news@example.com> rcpts=7 delivered=2 stripped=5 rejected=0 mode=enforce"
expect "log later opt-out of user@" "$L" "rcpt=<fay+deals@example.org> verdict=strip reason=opted-out"
expect "log later domain opt-out" "$L" "rcpt=<hal@optout.example> verdict=strip reason=opted-out"
expect "log later tagged opt-in" "$L" "rcpt=<gus+deals@example.org> verdict=deliver reason=opt-in"
expect "log sendmail bob" "$L" "rcpt=<bob@mx.test.example> verdict=reject reason=no-consent"
M=$(cat "$T/maillog")
expect "postfix saw the discard" "$M" "milter-discard"
expect_not "postfix saw no milter trouble" "$M" "milter unix:"
stop_milter
done_testing
