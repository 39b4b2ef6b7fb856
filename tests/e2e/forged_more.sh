#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# forged_more.sh - through a site wired from the shipped snippets (split
# yes, bounce-address set, hide-stripped yes, recipient_delimiter +),
# judged by what reached the sink:
#   f1  every list header a client can forge at once (the list header,
#       X-Optin-Feedback, List-Id, List-Unsubscribe, List-Unsubscribe-Post)
#       to one recipient and to two (split): the copies carry only the
#       milter's own (the fifth deletion used to be dropped: a forged
#       List-Unsubscribe-Post went out next to the milter's)
#   f2  nine To: headers, the ninth showing a recipient without consent:
#       refused (550), nothing delivered (it went out showing him)
#   f3  mail from the internet to unsubscribe+x@, which Postfix delivers
#       to the unsubscribe address: taken as such, no loop (it went round
#       the split 49 times, then bounced "too many hops")
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../milter/lib.sh"
. "$(dirname "$0")/lib.sh"

e2e_conf "$T/om.conf"
sed -i -e "s/^split .*/split yes/" \
    -e "s/^# bounce-address .*/bounce-address bounces@example.com/" \
    "$T/om.conf"
grep -q '^hide-stripped' "$T/om.conf" &&
    sed -i 's/^hide-stripped .*/hide-stripped yes/' "$T/om.conf" ||
    echo "hide-stripped yes" >> "$T/om.conf"
grep -q '^bounce-address bounces@example.com' "$T/om.conf" ||
    echo "bounce-address bounces@example.com" >> "$T/om.conf"
ctl() { "$C" -c "$T/om.conf" "$@"; }
ctl init >/dev/null
for a in a1 a2 a3; do
	ctl subscribe "$a@example.org" marketing >/dev/null
done
start_milter "$T/om.conf" "$T/milter.log" || { done_testing; exit; }
pf_start_site "unix:$T/milter.sock" || { done_testing; exit; }
postconf -c "$PF" -e "recipient_delimiter = +"
postfix -c "$PF" reload >/dev/null 2>&1
sleep 1
n=0

# --- f1: five forged list headers
forge() {	# SUBJECT RCPTS
	swaks --server "127.0.0.1:$SUB_PORT" --from news@example.com --to "$2" \
	    --header "Subject: $1" --header "X-Optin-List: marketing" \
	    --add-header "X-Optin-Feedback: forged-fb" \
	    --add-header "List-Id: <forged.list.example>" \
	    --add-header "List-Unsubscribe: <https://evil.example/u>" \
	    --add-header "List-Unsubscribe-Post: forged-post" \
	    --body x > "$T/$1.out" 2>&1
}
forge f1a a1@example.org
forge f1b a2@example.org,a3@example.org
n=$((n + 3))
pf_wait "$n" || true
for f in $(grep -l -x -e "Subject: f1a" -e "Subject: f1b" "$SINK"/*); do
	expect_not "f1 $(basename "$f"): nothing forged" "$(cat "$f")" "forged"
	expect_not "f1 $(basename "$f"): nothing forged" "$(cat "$f")" "evil.example"
	expect_eq "f1 $(basename "$f"): one List-Unsubscribe-Post" \
	    "$(grep -c -i '^List-Unsubscribe-Post:' "$f")" 1
	expect_eq "f1 $(basename "$f"): one List-Unsubscribe" \
	    "$(grep -c -i '^List-Unsubscribe:' "$f")" 1
done
expect_eq "f1: three copies" \
    "$(grep -l -x -e "Subject: f1a" -e "Subject: f1b" "$SINK"/* | wc -l)" 3

# --- f2: nine To: headers
{
	printf 'From: news@example.com\r\nSubject: f2\r\nX-Optin-List: marketing\r\n'
	for i in 1 2 3 4; do
		printf 'To: a1@example.org\r\nTo: a2@example.org\r\n'
	done
	printf 'To: Nobody <nocon@example.org>, a1@example.org\r\n\r\nbody\r\n'
} > "$T/f2.eml"
swaks --server "127.0.0.1:$SUB_PORT" --from news@example.com \
    --to a1@example.org,a2@example.org,nocon@example.org \
    --data "@$T/f2.eml" > "$T/f2.out" 2>&1
expect "f2: refused" "$(cat "$T/f2.out")" "550 5.6.0"
sleep 1
pf_wait "$n" || true
expect_eq "f2: nothing delivered" "$(grep -l -x "Subject: f2" "$SINK"/* |
    wc -l)" 0
expect_not "f2: nocon never shown" "$(cat "$SINK"/*)" "nocon@example.org"

# --- f3: unsubscribe+x@ from the internet
swaks --server "127.0.0.1:$SMTP_PORT" --from someone@remote.example \
    --to unsubscribe+x@example.com --header "Subject: f3" --body x \
    > "$T/f3.out" 2>&1
expect "f3: accepted" "$(cat "$T/f3.out")" "250 2.0.0 Ok"
sleep 2
pf_wait "$n" || true
expect_not "f3: no loop" "$(cat "$T/maillog" 2>/dev/null)" "too many hops"
expect_eq "f3: handed once to the unsubscribe service" \
    "$(grep -c 'to=<unsubscribe+x@example.com>.*status=sent' "$T/maillog")" 1
expect "f3: taken there as an unsubscribe request" \
    "$(grep 'to=<unsubscribe+x@example.com>' "$T/maillog")" "milter-discard"
expect "f3: without a token" "$(cat "$T/milter.log")" \
    "unsubscribe from=<someone@remote.example> result=invalid reason=no-token"

pf_stop_quiet
done_testing
