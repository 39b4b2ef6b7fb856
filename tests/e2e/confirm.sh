#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# confirm.sh - confirmed opt-in through a private Postfix: subscribe by
# POST /s, the confirmation message goes out through Postfix's sendmail(1)
# (and the milter) and is read from what reached smtp-sink, its link is
# followed (GET changes nothing, POST confirms), and the next list message
# is delivered; before the confirmation it was held back
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../milter/lib.sh"
. "$(dirname "$0")/../unsubd/lib.sh"
. "$(dirname "$0")/lib.sh"

subscribe_conf
e2e_conf "$T/om.conf" \
    -e "s|^unsubscribe-url .*|unsubscribe-url http://127.0.0.1:$PORT/u/|" \
    -e "s|^preferences-url .*|preferences-url http://127.0.0.1:$PORT/p/|"
# the confirmation goes to the private instance's sendmail(1)
cat > "$T/sendmail" <<SH
#!/bin/sh
exec /usr/sbin/sendmail -C "$PF" "\$@"
SH
chmod 755 "$T/sendmail"
"$C" -c "$T/om.conf" init >/dev/null
"$C" -c "$T/om.conf" subscribe dave@example.org marketing >/dev/null

start_milter "$T/om.conf" "$T/milter.log" || done_testing
start_unsubd "$T/om.conf" "$T/unsubd.log" || done_testing
pf_start "unix:$T/milter.sock" || done_testing

# --- before: erin is not subscribed, the list message holds her back
send_smtp "c1" news@example.com "erin@example.org,dave@example.org"
pf_wait 1 || true
expect_eq "c1 without erin" "$(rcpts "$(sink_for c1)")" "dave@example.org "

# --- she subscribes on the web site's form
http "POST /s" 200 -H "Origin: https://www.example.com" \
    -d "address=erin@example.org&list=marketing" "$BASE/s"
expect "check your email" "$out" "Check your email"
pf_wait 2 || true
m=$(sink_for "Please confirm your subscription")
[ -n "$m" ] && ok || fail "no confirmation reached the sink: $(ls "$SINK")"
expect_eq "sent to erin" "$(rcpts "$m")" "erin@example.org "
expect "from confirm-from" "$(grep -m1 '^X-Mail-Args:' "$m")" "lists@example.com"
expect_not "not list mail: no unsubscribe headers" "$(cat "$m")" "List-Unsubscribe"
link=$(confirm_link "$m")
expect "a link to /c/" "$link" "http://127.0.0.1:$PORT/c/"
send_smtp "c2" news@example.com "erin@example.org,dave@example.org"
pf_wait 3 || true
expect_eq "pending: c2 still without erin" "$(rcpts "$(sink_for c2)")" "dave@example.org "
expect "reason pending" "$(cat "$T/milter.log")" "rcpt=<erin@example.org> verdict=strip reason=pending"

# --- a link scanner fetches it: nothing changes
http "scanner GET" 200 "$link"
http "scanner HEAD" 200 -I "$link"
check "still pending" 1 "$C" -c "$T/om.conf" check erin@example.org marketing

# --- she presses the button
http "POST /c/" 200 -d "confirm=1" "$link"
expect "confirmed" "$out" "your subscription is confirmed"
send_smtp "c3" news@example.com "erin@example.org,dave@example.org"
pf_wait 4 || true
expect_eq "c3 reaches erin" "$(rcpts "$(sink_for c3)")" "dave@example.org erin@example.org "
check "show --json" 0 "$C" -c "$T/om.conf" show erin@example.org --json
expect "request evidence" "$out" 'origin=\"https://www.example.com\"'
expect "confirmation evidence" "$out" '"evidence": "route=POST /c/'

stop_unsubd
stop_milter
done_testing
