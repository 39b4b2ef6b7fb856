#!/bin/sh
# browser.sh - the preference page in a real headless Chromium driven by
# playwright-core: change lists, submit, and the database shows it
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

unsubd_conf
"$C" -c "$T/om.conf" init >/dev/null
"$C" -c "$T/om.conf" subscribe zoe@example.org marketing >/dev/null
"$C" -c "$T/om.conf" subscribe zoe@example.org status --relationship >/dev/null
start_unsubd "$T/om.conf" "$T/unsubd.log" || done_testing
tok=$(token zoe@example.org marketing)

check "browser" 0 env HOME="${HOME:-$T}" NODE_PATH="$PW/node_modules" node "$top_srcdir/tests/unsubd/browser.js" \
    "$BASE/p/$tok" "$T/prefs.png"
expect "marketing was checked" "$out" "before marketing=1"
expect "releases was not" "$out" "releases=0"
expect "marketing now unchecked" "$out" "after marketing=0"
expect "releases now checked" "$out" "releases=1"
expect "status untouched" "$out" "status=1"
expect "saved note" "$out" "Your preferences are saved"
expect "no script" "$out" "scripts 0"
expect "fits a phone" "$out" "scrollwidth 390"
[ -s "$T/prefs.png" ] && ok || fail "no screenshot"
check "db: marketing out" 1 "$C" -c "$T/om.conf" check zoe@example.org marketing
expect_eq "reason" "$out" "deny opted-out"
check "db: releases in" 0 "$C" -c "$T/om.conf" check zoe@example.org releases
check "db: status kept" 0 "$C" -c "$T/om.conf" check zoe@example.org status
check "history" 0 "$C" -c "$T/om.conf" show zoe@example.org
expect "browser evidence" "$out" 'source="preferences" evidence="route=POST /p/ ip=127.0.0.1 ua="Mozilla/5.0'
stop_unsubd
done_testing
