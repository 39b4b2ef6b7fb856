#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# split.sh - the one-message-per-recipient deployment, wired from the
# shipped snippets: a list submission to five people (one without
# consent) arrives at the sink as four single-recipient copies, each with
# its own token, https one-click URL and List-Unsubscribe-Post, and the
# stripped address gone from To:. One POST to each copy's URL against a
# running optin-unsubd unsubscribes exactly that person. The same over
# sendmail(1), a list message classified by the SASL login's stand-in
# (the sender), and the direct path for one recipient and non-list mail.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../milter/lib.sh"
. "$(dirname "$0")/../unsubd/lib.sh"
. "$(dirname "$0")/lib.sh"

unsubd_conf
e2e_conf "$T/om.conf" \
    -e "s|^unsubscribe-url .*|unsubscribe-url http://127.0.0.1:$PORT/u/|" \
    -e "s|^preferences-url .*|preferences-url http://127.0.0.1:$PORT/p/|"
sed -i "s/^split .*/split yes/" "$T/om.conf"
ctl() { "$C" -c "$T/om.conf" "$@" >/dev/null; }
ctl init
for a in a1 a2 a3 a4 b1 b2 b3 c1; do ctl subscribe "$a@example.org" marketing; done

start_milter "$T/om.conf" "$T/milter.log" || done_testing
start_unsubd "$T/om.conf" "$T/unsubd.log" || done_testing
pf_start_site "unix:$T/milter.sock" || done_testing

# header NAME FILE: the value, unfolded
header() {
	awk -v n="$1:" 'BEGIN { IGNORECASE = 1 }
	    f && /^[ \t]/ { sub(/^[ \t]+/, " "); v = v $0; next }
	    f { exit }
	    tolower($1) == tolower(n) { f = 1; v = substr($0, length(n) + 2) }
	    END { print v }' "$2"
}

# copies SUBJECT: the sink files of that subject
copies() {
	grep -l -x "Subject: $1" "$SINK"/* 2>/dev/null
}

# check_copies SUBJECT WANT-RCPTS: one copy per person, each alone,
# with a personal one-click link; the URLs go to $T/urls.SUBJECT
check_copies() {
	_s=$1 _want=$2
	_got=""
	: > "$T/urls.$_s"
	for f in $(copies "$_s"); do
		_r=$(rcpts "$f")
		_got="$_got$_r"
		expect_eq "$_s: one recipient per copy ($f)" \
		    "$(grep -c '^X-Rcpt-Args:' "$f")" 1
		_lu=$(header List-Unsubscribe "$f")
		_url=$(printf '%s' "$_lu" | sed -n 's/^<\(http[^>]*\)>.*/\1/p')
		expect "$_s: https-style URL for $_r" "$_url" "http://127.0.0.1:$PORT/u/"
		expect "$_s: mailto too" "$_lu" "<mailto:unsubscribe@example.com?subject=unsubscribe%20"
		expect_eq "$_s: one-click for $_r" "$(header List-Unsubscribe-Post "$f")" \
		    "List-Unsubscribe=One-Click"
		expect_eq "$_s: list header gone" "$(grep -ci '^X-Optin-List:' "$f")" 0
		expect_eq "$_s: List-Id" "$(header List-Id "$f")" \
		    '"Best practices, events and product news" <marketing.lists.example.com>'
		expect_eq "$_s: one List-Unsubscribe" "$(grep -ci '^List-Unsubscribe:' "$f")" 1
		echo "${_r% } $_url" >> "$T/urls.$_s"
	done
	_got=$(printf '%s' "$_got" | tr ' ' '\n' | sed '/^$/d' | sort | tr '\n' ' ')
	expect_eq "$_s: who got a copy" "$_got" "$_want"
	expect_eq "$_s: tokens all different" \
	    "$(cut -d' ' -f2 "$T/urls.$_s" | sort -u | wc -l)" \
	    "$(wc -l < "$T/urls.$_s")"
}

# --- five recipients over submission, one without consent
out=$(swaks --server "127.0.0.1:$SUB_PORT" --from news@example.com \
    --to a1@example.org,a2@example.org,nobody@example.org,a3@example.org,a4@example.org \
    --header "Subject: s1" --header "X-Optin-List: marketing" \
    --header "To: a1@example.org, \"Nobody, Really\" <nobody@example.org>, a2@example.org" \
    --header "Cc: a3@example.org, a4@example.org" --body "body of s1" 2>&1)
expect "s1 accepted" "$out" "250 2.0.0 Ok: queued"
pf_wait 4 || true
check_copies s1 "a1@example.org a2@example.org a3@example.org a4@example.org "
for f in $(copies s1); do
	expect_not "s1: nobody hidden in To: ($f)" "$(header To "$f")" "nobody"
	expect "s1: others stay in To:" "$(header To "$f")" "a1@example.org"
	expect_eq "s1: Cc kept" "$(header Cc "$f")" "a3@example.org, a4@example.org"
done
L=$(cat "$T/milter.log")
expect "first pass strips" "$L" "rcpt=<nobody@example.org> verdict=strip reason=no-consent"
expect "first pass splits" "$L" "rcpt=<a1@example.org> verdict=split reason=opt-in"
expect "first pass summary" "$L" "rcpts=5 delivered=4 stripped=1 rejected=0 mode=enforce split=yes"
expect "second pass delivers alone" "$L" "rcpts=1 delivered=1 stripped=0 rejected=0 mode=enforce"

# one POST per copy: exactly that person leaves
for p in a1 a2 a3 a4; do
	url=$(sed -n "s/^$p@example.org \(.*\)/\1/p" "$T/urls.s1")
	http "one-click $p" 200 -H "Content-Type: application/x-www-form-urlencoded" \
	    --data "List-Unsubscribe=One-Click" "$url"
	check "$p is out" 1 "$C" -c "$T/om.conf" check "$p@example.org" marketing
	for q in b1 b2 b3 c1; do
		check "$q still in after $p" 0 "$C" -c "$T/om.conf" check "$q@example.org" marketing
	done
done

# --- sendmail(1): the same split
n=$(ls "$SINK" | wc -l)
printf 'X-Optin-List: marketing\nTo: b1@example.org, b2@example.org, b3@example.org\n' |
    send_local s2 news@example.com b1@example.org b2@example.org b3@example.org
pf_wait $((n + 3)) || true
check_copies s2 "b1@example.org b2@example.org b3@example.org "
url=$(sed -n "s/^b2@example.org \(.*\)/\1/p" "$T/urls.s2")
http "one-click b2" 200 -d "List-Unsubscribe=One-Click" "$url"
check "b2 is out" 1 "$C" -c "$T/om.conf" check b2@example.org marketing
check "b1 still in" 0 "$C" -c "$T/om.conf" check b1@example.org marketing
check "b3 still in" 0 "$C" -c "$T/om.conf" check b3@example.org marketing

# --- classified by the envelope sender, no list header: the copies
# still find their list
n=$(ls "$SINK" | wc -l)
out=$(swaks --server "127.0.0.1:$SUB_PORT" --from news@example.com \
    --to b1@example.org,c1@example.org --header "Subject: s3" --body "x" 2>&1)
pf_wait $((n + 2)) || true
check_copies s3 "b1@example.org c1@example.org "

# --- one recipient: no detour, personal headers at once
n=$(ls "$SINK" | wc -l)
out=$(swaks --server "127.0.0.1:$SUB_PORT" --from news@example.com \
    --to c1@example.org --header "Subject: s4" --header "X-Optin-List: marketing" \
    --body "x" 2>&1)
pf_wait $((n + 1)) || true
check_copies s4 "c1@example.org "
expect_not "s4 not split" "$(grep 'split=yes' "$T/milter.log" | wc -l)" "4"

# --- mail that is on no list keeps its recipients together
n=$(ls "$SINK" | wc -l)
out=$(swaks --server "127.0.0.1:$SUB_PORT" --from alice@example.com \
    --to x@example.org,y@example.org --header "Subject: s5" --body "x" 2>&1)
pf_wait $((n + 1)) || true
f=$(sink_for s5)
expect_eq "s5 one message, two recipients" "$(rcpts "$f")" "x@example.org y@example.org "
expect_eq "s5 no List-Unsubscribe" "$(grep -ci '^List-Unsubscribe' "$f")" 0

# no loop: every message left the split exactly once
expect_not "no loop" "$(cat "$T/maillog")" "loop"
stop_unsubd
stop_milter
done_testing
