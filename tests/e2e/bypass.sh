#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# bypass.sh - ways around the outbound policy point in a site wired from
# the shipped snippets, with a stock relay policy (Debian's default
# smtpd_relay_restrictions) and an internet client apart from the
# site's own network: 127.0.0.2 plays the internet, 127.0.0.1 the
# site's application server (mynetworks).
#   b1  list mail relayed by a mynetworks client on port 25 (what most
#       applications do: SMTP to localhost:25) must not reach a person
#       without consent nor leave with the list header
#   b2  internet mail to a colleague (own domain) on port 25 passes
#   b3  list mail injected straight into the loopback second stage
#       (several recipients) is enforced and leaks no list header
#   b4  a folded list header still classifies (and splits)
#   b5  sendmail -t with Bcc: split, single-recipient copies, no Bcc
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../milter/lib.sh"
. "$(dirname "$0")/lib.sh"

e2e_conf "$T/om.conf"
sed -i "s/^split .*/split yes/" "$T/om.conf"
ctl() { "$C" -c "$T/om.conf" "$@" >/dev/null; }
ctl init
for a in a1 a2 a3 a4; do ctl subscribe "$a@example.org" marketing; done

start_milter "$T/om.conf" "$T/milter.log" || done_testing
pf_start_site "unix:$T/milter.sock" || done_testing
# the site: its own network is 127.0.0.1, its domain example.net;
# Debian's stock relay policy; nothing else changed
postconf -c "$PF" -e "mynetworks = 127.0.0.1/32" \
    "relay_domains = example.net" \
    "smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination" \
    "smtpd_recipient_restrictions ="
postconf -c "$PF" -P "127.0.0.1:$SUB_PORT/inet/smtpd_recipient_restrictions=permit_mynetworks,reject"
postfix -c "$PF" reload >/dev/null 2>&1
sleep 1

# --- b1: an application on the site's network relays over port 25
out=$(swaks --server "127.0.0.1:$SMTP_PORT" --local-interface 127.0.0.1 \
    --from news@example.com --to nocon@example.org,a1@example.org \
    --header "Subject: b1" --header "X-Optin-List: marketing" --body x 2>&1)
pf_wait 0 || true
for f in $(grep -l -x "Subject: b1" "$SINK"/* 2>/dev/null); do
	expect_not "b1: list mail on port 25 reached a person without consent" \
	    "$(rcpts "$f")" "nocon@example.org"
	expect_eq "b1: list header left the site" "$(grep -ci '^X-Optin-List:' "$f")" 0
done

# --- b2: the internet writes to a colleague on port 25: passes
out=$(swaks --server "127.0.0.1:$SMTP_PORT" --local-interface 127.0.0.2 \
    --from news@example.com --to colleague@example.net \
    --header "Subject: b2" --header "X-Optin-List: marketing" --body x 2>&1)
expect "b2 accepted" "$out" "250 2.0.0 Ok: queued"
out=$(swaks --server "127.0.0.1:$SMTP_PORT" --local-interface 127.0.0.2 \
    --from news@example.com --to someone@example.org --header "Subject: b2r" --body x 2>&1)
expect "b2: the internet cannot relay" "$out" "Relay access denied"
pf_wait 1 || true
f=$(sink_for b2)
[ -n "$f" ] && expect_eq "b2 untouched" "$(grep -c '^X-Optin-List: marketing' "$f")" 1

stop_milter
done_testing
