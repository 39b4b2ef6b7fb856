#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# routes.sh - a local part that is itself an address (u%h@d, h!u@d,
# "u@h"@d) reaches u@h at the server of d (the percent hack, bang paths,
# Postfix's resolve), and a quoted "u+tag x"@d reaches u@d: a person who
# opted out, or whose address is suppressed, is not reached that way
# under a domain-wide relationship, and the domain record does not speak
# for another domain behind it.
# The sink is the judge.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../milter/lib.sh"
. "$(dirname "$0")/lib.sh"

e2e_conf "$T/om.conf"
ctl() { "$C" -c "$T/om.conf" "$@" >/dev/null; }
ctl init
ctl subscribe @customer.example status --relationship
ctl unsubscribe cto@customer.example status
ctl suppress ceo@customer.example --reason complaint

start_milter "$T/om.conf" "$T/milter.log" || done_testing
pf_start "unix:$T/milter.sock" || done_testing

n=0
for form in 'cto%customer.example@customer.example' \
    'customer.example!cto@customer.example' \
    '"cto@customer.example"@customer.example' \
    'cto+news%customer.example@customer.example' \
    'ceo%customer.example@customer.example' \
    'someone%other.example@customer.example' \
    '"cto+news letter"@customer.example'; do
	n=$((n + 1))
	send_smtp "r$n" status@example.com "ops@customer.example,$form" \
	    --header "X-Optin-List: status"
	expect "r$n queued ($form)" "$out" "250 2.0.0 Ok: queued"
done
# sendmail(1): a routed form to somebody who opted out makes the list
# message go back whole (a bounce to the sender), not out
printf 'X-Optin-List: status\n' | send_local "l1" status@example.com \
    ops@customer.example 'cto%customer.example@customer.example'
pf_wait $((n + 1)) || true
f=$(sink_for l1)
[ -n "$f" ] || f=$(grep -l "Subject: l1" "$SINK"/* 2>/dev/null | head -n 1)
expect_eq "l1 only the bounce to the sender" "$(rcpts "$f")" "status@example.com "
i=0
while [ $i -lt "$n" ]; do
	i=$((i + 1))
	expect_eq "r$i reached ops only" "$(rcpts "$(sink_for "r$i")")" \
	    "ops@customer.example "
done
# check says the same
out=$("$C" -c "$T/om.conf" check 'cto%customer.example@customer.example' status)
expect_eq "check: percent hack" "$out" "deny opted-out"
stop_milter
done_testing
