#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# browser.sh - optin-unsubd's pages in a real headless Chromium driven by
# playwright-core: the preference page (leave a list, add another, which
# waits for its confirmation), the confirmation link (opening it changes
# nothing, its button confirms), and subscribing on /s
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

if ! command -v chromium >/dev/null || ! command -v npm >/dev/null; then
	echo "# skipped: no chromium or npm (./quickstart check installs them)"
	exit 77
fi
# playwright-core from the npm registry, kept in the build tree
PW="$top_builddir/tests/node"
# Node.js trusts its own CA list; let it also trust the system's (a
# machine may reach the registry through a proxy with a local CA)
if [ -z "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f /etc/ssl/certs/ca-certificates.crt ]; then
	NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
	export NODE_EXTRA_CA_CERTS
fi
if [ ! -d "$PW/node_modules/playwright-core" ]; then
	mkdir -p "$PW"
	HOME=${HOME:-$T} npm install --prefix "$PW" --cache "$PW/.npm-cache" --no-audit \
	    --no-fund --loglevel=error playwright-core@1 >"$T/npm.log" 2>&1 ||
	    { fail "npm install playwright-core: $(tail -n 5 "$T/npm.log")"; done_testing; }
fi

subscribe_conf
"$C" -c "$T/om.conf" init >/dev/null
"$C" -c "$T/om.conf" subscribe zoe@example.org marketing >/dev/null
"$C" -c "$T/om.conf" subscribe zoe@example.org status --relationship >/dev/null
start_unsubd "$T/om.conf" "$T/unsubd.log" || done_testing
tok=$(token zoe@example.org marketing)
B="env HOME=${HOME:-$T} NODE_PATH=$PW/node_modules node $top_srcdir/tests/unsubd/browser.js"

# --- the preference page: leave marketing, add releases
check "browser" 0 $B "$BASE/p/$tok" "$T/prefs.png"
expect "marketing was checked" "$out" "before marketing=1"
expect "releases was not" "$out" "releases=0"
expect "marketing now unchecked" "$out" "after marketing=0"
expect "releases waits" "$out" "releases=0"
expect "status untouched" "$out" "status=1"
expect "saved note" "$out" "We have sent you a message to confirm the lists you added"
expect "releases shown waiting" "$out" "New software release notificationsWaiting for your confirmation"
expect "no script" "$out" "scripts 0"
expect "fits a phone" "$out" "scrollwidth 390"
[ -s "$T/prefs.png" ] && ok || fail "no screenshot"
check "db: marketing out" 1 "$C" -c "$T/om.conf" check zoe@example.org marketing
expect_eq "reason" "$out" "deny opted-out"
check "db: releases pending" 1 "$C" -c "$T/om.conf" check zoe@example.org releases
expect_eq "reason" "$out" "deny pending"
check "db: status kept" 0 "$C" -c "$T/om.conf" check zoe@example.org status
check "history" 0 "$C" -c "$T/om.conf" show zoe@example.org
expect "browser evidence" "$out" 'source="preferences" evidence="route=POST /p/ ip=127.0.0.1 ua=\x22Mozilla/5.0'

# --- the confirmation: opening the link changes nothing, the button does
wait_mail 1
link=$(confirm_link "$T/mail/0")
[ -n "$link" ] && ok || fail "no confirmation link"
check "open the link" 0 $B show "$link"
expect "confirm page" "$out" "page Confirm your subscription"
check "db: still pending" 1 "$C" -c "$T/om.conf" check zoe@example.org releases
check "confirm" 0 $B confirm "$link"
expect "confirmed" "$out" "after Subscribed: Thank you: your subscription is confirmed."
check "db: releases in" 0 "$C" -c "$T/om.conf" check zoe@example.org releases

# --- subscribing on /s as a person would
check "subscribe page" 0 $B subscribe "$BASE/s" yan@example.org marketing
expect "the page" "$out" "page Subscribe"
expect "check your email" "$out" "after Check your email"
expect "fits a phone" "$out" "scrollwidth 390"
check "db: yan pending" 1 "$C" -c "$T/om.conf" check yan@example.org marketing
wait_mail 2
check "confirm yan" 0 $B confirm "$(confirm_link "$T/mail/1")"
expect "yan confirmed" "$out" "your subscription is confirmed"
check "db: yan in" 0 "$C" -c "$T/om.conf" check yan@example.org marketing
stop_unsubd
done_testing
