#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# confirm.sh - confirmed opt-in through a private Postfix: subscribe by
# POST /s, the confirmation message goes out through Postfix's sendmail(1)
# (and the milter) and is read from what reached smtp-sink, its link is
# followed (GET changes nothing, POST confirms), and the next list message
# is delivered; before the confirmation it was held back. A request for
# a person who opted out leaves the opt-out until that person confirms
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
# fred subscribed a tagged address, then opted out of the list
printf 'address,list,status,changed\nfred+news@example.org,marketing,opt-in,2021-01-01\nfred@example.org,marketing,opt-out,2022-01-01\n' > "$T/fred.csv"
"$C" -c "$T/om.conf" import "$T/fred.csv" >/dev/null
# hal unsubscribed from all
"$C" -c "$T/om.conf" subscribe hal@example.org marketing >/dev/null
"$C" -c "$T/om.conf" unsubscribe hal@example.org --all >/dev/null

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

# --- anybody can ask for fred on the form: his opt-out stays until he
# confirms, and still holds back his older tagged opt-in
http "POST /s for fred" 200 -d "address=fred@example.org&list=marketing" "$BASE/s"
pf_wait 5 || true
m=$(grep -l -x "Subject: Please confirm your subscription" "$SINK"/* |
    while read -r f; do [ "$(rcpts "$f")" = "fred@example.org " ] && echo "$f"; done | head -n 1)
[ -n "$m" ] && ok || fail "no confirmation reached fred"
check "fred still opted out" 1 "$C" -c "$T/om.conf" check fred@example.org marketing
expect "opted-out, not pending" "$out" "opted-out"
send_smtp "c4" news@example.com "fred+news@example.org,fred@example.org,dave@example.org"
pf_wait 6 || true
expect_eq "c4 without fred" "$(rcpts "$(sink_for c4)")" "dave@example.org "
# --- fred himself confirms: the link was sent after his opt-out
http "fred confirms" 200 -d "confirm=1" "$(confirm_link "$m")"
expect "fred confirmed" "$out" "your subscription is confirmed"
send_smtp "c5" news@example.com "fred+news@example.org,fred@example.org,dave@example.org"
pf_wait 7 || true
expect_eq "c5 reaches fred" "$(rcpts "$(sink_for c5)")" \
    "dave@example.org fred+news@example.org fred@example.org "

# --- hal's unsubscribe-all: the preference page (any copy's token)
# does not lift it; it asks hal to confirm, and hal's confirmation does
tok=$("$C" -c "$T/om.conf" token hal@example.org marketing | sed -n 's/^token: //p')
http "hal unticks all" 200 -d "form=preferences&list=marketing" "$BASE/p/$tok"
expect "stays until confirmed" "$out" "Your unsubscribe from all stays: a list you ticked starts once you confirm it"
check "hal still suppressed" 1 "$C" -c "$T/om.conf" check hal@example.org marketing
expect "unsubscribe-all" "$out" "suppressed:unsubscribe-all"
pf_wait 8 || true
m=$(grep -l -x "Subject: Please confirm your subscription" "$SINK"/* |
    while read -r f; do [ "$(rcpts "$f")" = "hal@example.org " ] && echo "$f"; done | head -n 1)
[ -n "$m" ] && ok || fail "no confirmation reached hal"
http "hal confirms" 200 -d "confirm=1" "$(confirm_link "$m")"
expect "hal confirmed" "$out" "your subscription is confirmed"
send_smtp "c6" news@example.com "hal@example.org,dave@example.org"
pf_wait 9 || true
expect_eq "c6 reaches hal" "$(rcpts "$(sink_for c6)")" "dave@example.org hal@example.org "
# his unsubscribe-all stayed, under the list he confirmed; the page
# shows the list received and the box unticked, and saving it as it is
# keeps the list; ticking the box makes it again, holding that list back
http "hal's page" 200 "$BASE/p/$tok"
expect "marketing received" "$out" 'value="marketing" checked'
expect_not "all unticked" "$out" 'name="all" value="1" checked'
http "hal saves as it is" 200 -d "form=preferences&list=marketing" "$BASE/p/$tok"
check "marketing still received" 0 "$C" -c "$T/om.conf" check hal@example.org marketing
check "the unsubscribe-all stayed" 0 "$C" -c "$T/om.conf" show hal@example.org
expect "suppression on file" "$out" "unsubscribe-all"
sleep 1
http "hal ticks all again" 200 -d "form=preferences&all=1" "$BASE/p/$tok"
send_smtp "c7" news@example.com "hal@example.org,dave@example.org"
pf_wait 10 || true
expect_eq "c7 without hal" "$(rcpts "$(sink_for c7)")" "dave@example.org "

stop_unsubd
stop_milter
done_testing
