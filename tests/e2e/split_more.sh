#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# split_more.sh - the split's edges, in a site wired from the shipped
# snippets:
#   b3  list mail injected straight into the loopback second stage with
#       several recipients: enforced, and it never leaves with the list
#       header or without a personal link (the second stage takes one
#       recipient per message)
#   b4  a folded list header still classifies and splits
#   b5  sendmail -t with Bcc: single-recipient copies, Bcc gone
#   b7  the submissions service (port 465) enforces as submission does
#   b8  a message just under message_size_limit: both copies arrive
#       (the second stage takes optin_split_size_limit)
#   b9  with sender-lists own (set for the whole test), marketing's
#       sender naming transactional is refused at submission
#   b6  the milter down between the two stages: the copies wait in the
#       queue, none leaves unchecked, all leave personal after it is up
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../milter/lib.sh"
. "$(dirname "$0")/lib.sh"

e2e_conf "$T/om.conf"
sed -i "s/^split .*/split yes/" "$T/om.conf"
echo "sender-lists own" >> "$T/om.conf"
ctl() { "$C" -c "$T/om.conf" "$@" >/dev/null; }
ctl init
for a in a1 a2 a3 a4; do ctl subscribe "$a@example.org" marketing; done

start_milter "$T/om.conf" "$T/milter.log" || done_testing
pf_start_site "unix:$T/milter.sock" || done_testing

# --- b3: straight into the second stage, several recipients
n=$(ls "$SINK" | wc -l)
out=$(swaks --server "127.0.0.1:$SPLIT_PORT" --from news@example.com \
    --to a2@example.org,nocon2@example.org,a3@example.org \
    --header "Subject: b3" --header "X-Optin-List: marketing" --body x 2>&1)
pf_wait $((n + 1)) || true
for f in $(grep -l -x "Subject: b3" "$SINK"/* 2>/dev/null); do
	expect_not "b3: second stage delivered to a person without consent" \
	    "$(rcpts "$f")" "nocon2@example.org"
	expect_eq "b3: list header left the site" "$(grep -ci '^X-Optin-List:' "$f")" 0
	expect_eq "b3: List-Unsubscribe" "$(grep -ci '^List-Unsubscribe:' "$f")" 1
	expect_eq "b3: one recipient per copy" "$(grep -c '^X-Rcpt-Args:' "$f")" 1
	expect_eq "b3: one-click" "$(grep -ci '^List-Unsubscribe-Post:' "$f")" 1
done

# --- b4: a folded list header
n=$(ls "$SINK" | wc -l)
out=$(swaks --server "127.0.0.1:$SUB_PORT" --from news@example.com \
    --to a1@example.org,nocon3@example.org,a2@example.org \
    --header "Subject: b4" --header "X-Optin-List:
	marketing" --body x 2>&1)
pf_wait $((n + 2)) || true
for f in $(grep -l -x "Subject: b4" "$SINK"/* 2>/dev/null); do
	expect_not "b4: folded header: person without consent" "$(rcpts "$f")" "nocon3@example.org"
	expect_eq "b4: one recipient per copy" "$(grep -c '^X-Rcpt-Args:' "$f")" 1
	expect_eq "b4: list header left the site" "$(grep -ci '^X-Optin-List:' "$f")" 0
done

# --- b5: sendmail -t, recipients from the headers, one of them Bcc
n=$(ls "$SINK" | wc -l)
printf 'From: news@example.com\nTo: a3@example.org\nBcc: a4@example.org\nSubject: b5\nX-Optin-List: marketing\n\nx\n' |
    sendmail -C "$PF" -t -f news@example.com
pf_wait $((n + 2)) || true
got=""
for f in $(grep -l -x "Subject: b5" "$SINK"/* 2>/dev/null); do
	got="$got$(rcpts "$f")"
	expect_eq "b5: one recipient per copy" "$(grep -c '^X-Rcpt-Args:' "$f")" 1
	expect_eq "b5: Bcc gone" "$(grep -ci '^Bcc:' "$f")" 0
	expect_eq "b5: List-Unsubscribe-Post" "$(grep -ci '^List-Unsubscribe-Post:' "$f")" 1
done
expect_eq "b5: who got a copy" "$(printf '%s' "$got" | tr ' ' '\n' | sed '/^$/d' | sort | tr '\n' ' ')" \
    "a3@example.org a4@example.org "
# --- b7: submissions (port 465's service in the snippet) is policed as
# submission is
n=$(ls "$SINK" | wc -l)
out=$(swaks --server "127.0.0.1:$SUBS_PORT" --from news@example.com \
    --to a1@example.org,nocon7@example.org --header "Subject: b7" \
    --header "X-Optin-List: marketing" --body x 2>&1)
expect "b7 accepted" "$out" "250 2.0.0 Ok: queued"
pf_wait $((n + 1)) || true
got=""
for f in $(grep -l -x "Subject: b7" "$SINK"/* 2>/dev/null); do
	got="$got$(rcpts "$f")"
	expect_eq "b7: one-click" "$(grep -ci '^List-Unsubscribe-Post:' "$f")" 1
done
expect_eq "b7: who got it" "$got" "a1@example.org "

# --- b8: a message just under message_size_limit: the copies, grown by
# the second stage's Received: line and personal headers, still fit
postconf -c "$PF" -e "message_size_limit = 1000000"
postfix -c "$PF" reload >/dev/null 2>&1
sleep 1
python3 - "$T/b8.eml" <<'PY'
import sys
m = "From: News <news@example.com>\r\nTo: a1@example.org, a2@example.org\r\nSubject: b8\r\nX-Optin-List: marketing\r\n\r\n"
while len(m) < 1000000 - 1600:
    m += "x" * 76 + "\r\n"
open(sys.argv[1], "w", newline="").write(m)
PY
n=$(ls "$SINK" | wc -l)
out=$(swaks --server "127.0.0.1:$SUB_PORT" --from news@example.com \
    --to a1@example.org,a2@example.org --data "@$T/b8.eml" 2>&1)
expect "b8 accepted" "$out" "250 2.0.0 Ok: queued"
pf_wait $((n + 2)) || true
expect_eq "b8: both copies arrived" \
    "$(grep -l -x 'Subject: b8' "$SINK"/* 2>/dev/null | wc -l)" 2
expect_not "b8: nothing bounced" "$(cat "$T/maillog")" "status=bounced"
postconf -c "$PF" -X message_size_limit
postfix -c "$PF" reload >/dev/null 2>&1
sleep 1

# --- b9: sender-lists own: marketing's sender naming transactional
# (consent none) is refused at submission; its own list still goes out
# through both stages (b4 to b8 above)
n=$(ls "$SINK" | wc -l)
out=$(swaks --server "127.0.0.1:$SUB_PORT" --from news@example.com \
    --to a1@example.org,nocon9@example.org --header "Subject: b9" \
    --header "X-Optin-List: transactional" --body x 2>&1)
expect "b9 refused" "$out" "550 5.7.1 list \"transactional\" is not one of this sender's lists"
sleep 1
# ... and so is the same sender without its domain, which Postfix
# completes (news@$myorigin) after the milter has decided
out=$(swaks --server "127.0.0.1:$SUB_PORT" --from news \
    --to nocon9@example.org --header "Subject: b9" \
    --header "X-Optin-List: transactional" --body x 2>&1)
expect "b9 without a domain refused" "$out" "550 5.7.1 list \"transactional\" is not one of this sender's lists"
sleep 1
expect_eq "b9: nothing at the sink" \
    "$(grep -l -x 'Subject: b9' "$SINK"/* 2>/dev/null | wc -l)" 0

# --- b6: the first stage passed, then the milter stops
postconf -c "$PF" -e "defer_transports = optin-split"
postfix -c "$PF" reload >/dev/null 2>&1
sleep 1
n=$(ls "$SINK" | wc -l)
out=$(swaks --server "127.0.0.1:$SUB_PORT" --from news@example.com \
    --to a1@example.org,a2@example.org --header "Subject: b6" \
    --header "X-Optin-List: marketing" --body x 2>&1)
expect "b6 accepted" "$out" "250 2.0.0 Ok: queued"
stop_milter
postconf -c "$PF" -e "defer_transports ="
postfix -c "$PF" reload >/dev/null 2>&1
sleep 1
postqueue -c "$PF" -f >/dev/null 2>&1
sleep 3
expect_eq "b6: nothing left while the milter was down" \
    "$(grep -l -x 'Subject: b6' "$SINK"/* 2>/dev/null | wc -l)" 0
expect "b6: the copies wait" "$(postqueue -c "$PF" -p)" "a1@example.org"
start_milter "$T/om.conf" "$T/milter.log" || done_testing
pf_wait $((n + 2)) || true
for f in $(grep -l -x "Subject: b6" "$SINK"/* 2>/dev/null); do
	expect_eq "b6: one recipient per copy" "$(grep -c '^X-Rcpt-Args:' "$f")" 1
	expect_eq "b6: one-click" "$(grep -ci '^List-Unsubscribe-Post:' "$f")" 1
	expect_eq "b6: list header gone" "$(grep -ci '^X-Optin-List:' "$f")" 0
done
expect_eq "b6: two copies" "$(grep -l -x 'Subject: b6' "$SINK"/* | wc -l)" 2
stop_milter
done_testing
