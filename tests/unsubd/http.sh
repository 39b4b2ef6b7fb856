#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# http.sh - optin-unsubd with curl: every route, both body encodings,
# bad tokens, wrong methods, oversized bodies, GET never changes state,
# evidence in the history, the preference page
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

unsubd_conf
# a list that unsubscribe-all does not hold back (consent none) on the page
cat >> "$T/om.conf" <<'CONF'
list notices {
    description "Account notices"
    consent     none
    unsubscribe yes
    match sender notices@example.com
}
CONF
# the preference page joins lists at once here (subscribe.sh tests the
# default, preference-optin confirm)
echo "preference-optin direct" >> "$T/om.conf"
"$C" -c "$T/om.conf" init >/dev/null
for a in amy bea cat dan eve; do
	"$C" -c "$T/om.conf" subscribe "$a@example.org" marketing >/dev/null
done
"$C" -c "$T/om.conf" subscribe @cust.example status --relationship >/dev/null
start_unsubd "$T/om.conf" "$T/unsubd.log" || done_testing

http "healthz" 200 "$BASE/healthz"
expect_eq "healthz body" "$out" "ok"

# --- GET /u/ shows a page and changes nothing (link scanners)
tok=$(token amy+news@example.org marketing)
h0=$(history_count amy@example.org)
http "GET /u/" 200 "$BASE/u/$tok"
expect "names the list" "$out" "Best practices, events and product news"
expect "masked address" "$out" "a***@example.org"
expect_not "no clear address" "$out" "amy"
expect "button posts" "$out" '<form method="post" action="">'
expect "one-click field" "$out" 'name="List-Unsubscribe" value="One-Click"'
expect "links to preferences" "$out" "../p/$tok"
expect "no cookie" "$hdrs" "Referrer-Policy: no-referrer"
expect_not "no Set-Cookie" "$hdrs" "Set-Cookie"
http "HEAD /u/" 200 -I "$BASE/u/$tok"
http "GET /p/" 200 "$BASE/p/$tok"
expect_eq "GET changed nothing" "$(history_count amy@example.org)" "$h0"
check "still subscribed" 0 "$C" -c "$T/om.conf" check amy@example.org marketing

# --- POST /u/ urlencoded: durable before 200, no redirect
http "POST /u/ urlencoded" 200 -d "List-Unsubscribe=One-Click" "$BASE/u/$tok"
expect "says done" "$out" "You are unsubscribed"
expect_not "no redirect" "$hdrs" "Location:"
check "opted out" 1 "$C" -c "$T/om.conf" check amy@example.org marketing
check "tagged opted out" 1 "$C" -c "$T/om.conf" check amy+news@example.org marketing
h1=$(history_count amy@example.org)
http "POST /u/ again" 200 -d "List-Unsubscribe=One-Click" "$BASE/u/$tok"
check "still opted out" 1 "$C" -c "$T/om.conf" check amy@example.org marketing
# in the same second nothing is written; a second later the opt-out is
# dated anew, so that a confirmation link sent between the two clicks
# cannot undo the second (test_confirm)
h2=$(history_count amy@example.org)
[ "$h2" -eq "$h1" ] || [ "$h2" -eq $((h1 + 1)) ] && ok ||
    fail "POST again: $h1 history records before, $h2 after"
sleep 1.1
http "POST /u/ a second later" 200 -d "List-Unsubscribe=One-Click" "$BASE/u/$tok"
expect_eq "dated anew: one history record" "$(history_count amy@example.org)" \
    $((h2 + 1))
check "evidence" 0 "$C" -c "$T/om.conf" show amy@example.org
expect "evidence route" "$out" 'source="one-click" evidence="route=POST /u/ ip=127.0.0.1 ua=\x22curl/'
expect "actor unsubd" "$out" "unsubd amy@example.org list=marketing opt-in -> opt-out"

# --- POST /u/ multipart/form-data
tok=$(token bea@example.org marketing)
http "POST /u/ multipart" 200 -F "List-Unsubscribe=One-Click" "$BASE/u/$tok"
check "bea opted out" 1 "$C" -c "$T/om.conf" check bea@example.org marketing
# a POST without the one-click field is not an unsubscribe
tok=$(token cat@example.org marketing)
http "POST /u/ without the field" 400 -d "foo=bar" "$BASE/u/$tok"
http "POST /u/ wrong value" 400 -d "List-Unsubscribe=Yes" "$BASE/u/$tok"
http "POST /u/ text/plain" 400 -H "Content-Type: text/plain" --data-binary "List-Unsubscribe=One-Click" "$BASE/u/$tok"
check "cat untouched" 0 "$C" -c "$T/om.conf" check cat@example.org marketing

# --- bad tokens: 400, a page that reveals nothing
good=$(token cat@example.org marketing)
trunc=$(printf '%s' "$good" | cut -c1-40)
c21=$(printf '%s' "$good" | cut -c21)
[ "$c21" = A ] && r=B || r=A
tamper="$(printf '%s' "$good" | cut -c1-20)$r$(printf '%s' "$good" | cut -c22-)"
for t in "$trunc" "$tamper" "AAAA" "not-a-token" "%00%0d%0a" "$(head -c 600 /dev/zero | tr '\0' A)"; do
	http "bad token GET" 400 "$BASE/u/$t"
	expect "generic page" "$out" "This link is not valid"
	expect_not "reveals nothing" "$out" "authentication"
	http "bad token POST" 400 -d "List-Unsubscribe=One-Click" "$BASE/u/$t"
done
other=$(mktemp -d)
printf 'database %s/db\nsecret-file %s/k\nunsubscribe-mailto u@example.com\nlist marketing {\n}\n' "$other" "$other" > "$other/o.conf"
"$C" -c "$other/o.conf" init >/dev/null 2>&1 || true
ftok=$("$C" -c "$other/o.conf" token cat@example.org marketing 2>/dev/null | sed -n 's/^token: //p')
rm -rf "$other"
[ -n "$ftok" ] && ok || fail "no foreign token"
http "token of another key" 400 -d "List-Unsubscribe=One-Click" "$BASE/u/$ftok"
check "cat still subscribed" 0 "$C" -c "$T/om.conf" check cat@example.org marketing
# a list-only token (the mailto form) names nobody: not for the web
ltok=$(mktoken marketing)
[ -n "$ltok" ] && ok || fail "no list-only token"
http "list-only token GET /u/" 400 "$BASE/u/$ltok"
http "list-only token POST /u/" 400 -d "List-Unsubscribe=One-Click" "$BASE/u/$ltok"
http "list-only token GET /p/" 400 "$BASE/p/$ltok"
http "list-only token POST /p/" 400 -d "form=preferences&all=1" "$BASE/p/$ltok"
expect "logged as list-only" "$(cat "$T/unsubd.log")" "list-only token for marketing on the web"
# a token for a list that is not configured (an old list): 400, nothing
# recorded that an export could not import back
otok=$(mktoken oldlist cat@example.org)
http "unconfigured list POST /u/" 400 -d "List-Unsubscribe=One-Click" "$BASE/u/$otok"
http "unconfigured list GET /p/" 400 "$BASE/p/$otok"
http "unconfigured list POST /p/" 400 -d "form=preferences&all=1" "$BASE/p/$otok"
check "show cat" 0 "$C" -c "$T/om.conf" show cat@example.org
expect_not "no oldlist record" "$out" "oldlist"
check "no suppression" 0 "$C" -c "$T/om.conf" check cat@example.org marketing
http "empty token" 400 "$BASE/u/"
http "token with a slash" 400 "$BASE/u/$good/x"

# --- routes and methods
http "unknown route" 404 "$BASE/nothing"
http "root: what the service is" 200 "$BASE/"
http "unknown path" 404 "$BASE/x"
http "PUT /u/" 405 -X PUT -d x "$BASE/u/$good"
expect "Allow" "$hdrs" "Allow: GET, HEAD, POST"
http "DELETE /p/" 405 -X DELETE "$BASE/p/$good"
http "POST /healthz" 405 -d x "$BASE/healthz"

# --- oversized bodies and headers
head -c 20000 /dev/zero | tr '\0' a > "$T/big"
http "oversized body" 413 --data-binary "@$T/big" "$BASE/u/$good"
http "oversized chunked body" 413 -H "Transfer-Encoding: chunked" --data-binary "@$T/big" "$BASE/u/$good"
big=$(head -c 40000 /dev/zero | tr '\0' a)
code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Big: $big" "$BASE/healthz")
case "$code" in 4*) ok ;; *) fail "oversized header got $code" ;; esac
check "cat survived it all" 0 "$C" -c "$T/om.conf" check cat@example.org marketing

# --- the preference page
tok=$(token dan@example.org marketing)
http "prefs" 200 "$BASE/p/$tok"
expect "lists with unsubscribe yes" "$out" 'value="releases"'
expect_not "no transactional" "$out" 'value="transactional"'
expect "marketing checked" "$out" 'value="marketing" checked'
expect "masked" "$out" "d***@example.org"
expect_not "no clear address" "$out" "dan@"
# keep marketing, add releases
http "prefs POST" 200 -d "form=preferences&list=marketing&list=releases&save=1" "$BASE/p/$tok"
expect "saved" "$out" "Your preferences are saved"
check "dan marketing" 0 "$C" -c "$T/om.conf" check dan@example.org marketing
check "dan releases" 0 "$C" -c "$T/om.conf" check dan@example.org releases
# drop marketing (multipart this time)
http "prefs POST multipart" 200 -F form=preferences -F list=releases "$BASE/p/$tok"
check "dan left marketing" 1 "$C" -c "$T/om.conf" check dan@example.org marketing
check "dan keeps releases" 0 "$C" -c "$T/om.conf" check dan@example.org releases
# unsubscribe from all, then lift it
http "prefs all" 200 -d "form=preferences&all=1" "$BASE/p/$tok"
check "all" 1 "$C" -c "$T/om.conf" check dan@example.org releases
expect_eq "all reason" "$out" "deny suppressed:unsubscribe-all"
check "transactional still" 0 "$C" -c "$T/om.conf" check dan@example.org transactional
http "prefs page shows all" 200 "$BASE/p/$tok"
expect "all checked" "$out" 'name="all" value="1" checked'
# a token travels with every copy of its message: unticking "all" does
# not lift it, whoever holds the token, nor does a later message's
# token; the page says it stays until the person confirms (e2e/confirm.sh)
http "a token cannot lift all" 200 -d "form=preferences&list=releases" "$BASE/p/$tok"
expect "the page says so" "$out" "Your unsubscribe from all stays: it cannot be lifted from this page"
check "not lifted" 1 "$C" -c "$T/om.conf" check dan@example.org releases
sleep 1
tok=$(token dan@example.org marketing)
http "nor a later one" 200 -d "form=preferences&list=releases" "$BASE/p/$tok"
check "still not lifted" 1 "$C" -c "$T/om.conf" check dan@example.org releases
"$C" -c "$T/om.conf" unsuppress dan@example.org >/dev/null
check "lifted by the operator" 0 "$C" -c "$T/om.conf" check dan@example.org releases
http "prefs without form marker" 400 -d "list=marketing" "$BASE/p/$tok"
# a list the unsubscribe-all does not hold back (notices) still arrives:
# the box shows what is on file all the same
"$C" -c "$T/om.conf" subscribe ned@example.org marketing >/dev/null
tok=$(token ned@example.org marketing)
http "ned: all" 200 -d "form=preferences&all=1" "$BASE/p/$tok"
http "ned's page" 200 "$BASE/p/$tok"
expect "notices still received" "$out" 'value="notices" checked'
expect "ned: all checked" "$out" 'name="all" value="1" checked'
# a bounce is not the person's to lift
"$C" -c "$T/om.conf" suppress eve@example.org --reason bounce >/dev/null
tok=$(token eve@example.org marketing)
http "prefs bounce" 200 -d "form=preferences&list=marketing" "$BASE/p/$tok"
check "bounce stays" 1 "$C" -c "$T/om.conf" check eve@example.org marketing
expect "paused note" "$(curl -s "$BASE/p/$tok")" "Paused"
# a forwarded copy: its holder cannot subscribe again a person who
# unsubscribed after the message was sent, not even to the token's list
"$C" -c "$T/om.conf" subscribe gil@example.org marketing >/dev/null
tok=$(token gil@example.org marketing)
http "gil's one-click" 200 -d "List-Unsubscribe=One-Click" "$BASE/u/$tok"
http "the copy's holder checks marketing" 200 -d "form=preferences&list=marketing" "$BASE/p/$tok"
check "gil still out" 1 "$C" -c "$T/om.conf" check gil@example.org marketing
expect_eq "gil opted out" "$out" "deny opted-out"

# --- a trusted proxy's X-Forwarded-For goes into the evidence
tok=$(token cat@example.org marketing)
http "via proxy" 200 -H "X-Forwarded-For: 198.51.100.7, 127.0.0.1" -A "Mozilla/5.0 test" \
    -d "List-Unsubscribe=One-Click" "$BASE/u/$tok"
check "show cat" 0 "$C" -c "$T/om.conf" show cat@example.org
expect "forwarded address" "$out" 'evidence="route=POST /u/ ip=127.0.0.1 fwd=198.51.100.7 ua=\x22Mozilla/5.0 test\x22"'

# --- the database goes away: 503, nothing acknowledged; health says so
stop_unsubd
mv "$T/db" "$T/db.away"
start_unsubd "$T/om.conf" "$T/unsubd2.log" || done_testing
http "healthz without database" 503 "$BASE/healthz"
tok=$(token cat@example.org marketing)
http "POST without database" 503 -d "List-Unsubscribe=One-Click" "$BASE/u/$tok"
expect_not "not acknowledged" "$out" "You are unsubscribed"
expect "503: when to try again (RFC 8058 senders retry by themselves)" "$hdrs" "Retry-After: 60"
expect_not "its log speaks of its own work, not of list mail" \
    "$(cat "$T/unsubd2.log")" "list mail"
mv "$T/db.away" "$T/db"
sleep 1.1
http "healthz back" 200 "$BASE/healthz"
stop_unsubd
expect_not "no sanitizer report" "$(cat "$T/unsubd.log" "$T/unsubd2.log")" "Sanitizer"

# --- the daemon: -n, -V, a pid file, user
check "-n good" 0 "$U" -c "$T/om.conf" -n
printf 'listen 127.0.0.1:0\n' > "$T/bad.conf"
check "-n bad" 78 "$U" -c "$T/bad.conf" -n
expect "-n bad says FILE:LINE" "$err" "$T/bad.conf:1: listen:"
check "-V" 0 "$U" -V
expect "-V says" "$out" "optin-unsubd 0.1.0"
if id nobody >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
	chmod 755 "$T"
	sed -i 's/^#user .*/user nobody/' "$T/om.conf"
	# the pid file's directory belongs to the user, as /run/optin-unsubd would
	mkdir -p "$T/run"
	chown -R nobody "$T/db" "$T/secret.key" "$T/run"
	"$U" -c "$T/om.conf" -f -p "$T/run/u.pid" 2>"$T/unsubd3.log" &
	unsubd_pid=$!
	_i=0
	until curl -s -o /dev/null "$BASE/healthz" || [ $_i -ge 100 ]; do sleep 0.05; _i=$((_i+1)); done
	expect_eq "pid file" "$(cat "$T/run/u.pid" 2>/dev/null)" "$unsubd_pid"
	uid=$(awk '/^Uid:/ { print $2, $3 }' "/proc/$unsubd_pid/status")
	expect_eq "running as nobody" "$uid" "$(id -u nobody) $(id -u nobody)"
	tok=$(token cat@example.org marketing)
	http "works as nobody" 200 -d "List-Unsubscribe=One-Click" "$BASE/u/$tok"
	# SIGHUP reloads and keeps serving
	kill -HUP "$unsubd_pid"
	_i=0
	until grep -q reloaded "$T/unsubd3.log" || [ $_i -ge 100 ]; do sleep 0.05; _i=$((_i+1)); done
	expect "reloaded" "$(cat "$T/unsubd3.log")" "configuration $T/om.conf reloaded"
	http "serving after reload" 200 "$BASE/healthz"
	stop_unsubd
	[ ! -e "$T/run/u.pid" ] && ok || fail "pid file left behind"
fi
done_testing
