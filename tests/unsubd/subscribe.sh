#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# subscribe.sh - confirmed opt-in with curl: GET and POST /s, the
# confirmation message (through sendmail-path), GET /c/ changes nothing,
# POST /c/ confirms; the answer never tells whether the address was
# subscribed; suppressed and opted-out addresses; expired and foreign
# tokens; the limits: one message per address and list per interval,
# a rate per client, a bound on pending records
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

subscribe_conf
echo "subscribe-rate 30" >> "$T/om.conf"
# a list one joins at /s and leaves by unsubscribe-all only
cat >> "$T/om.conf" <<'EOF'
list digest {
    description "Monthly digest"
    consent     express
    unsubscribe no
    subscribe   yes
}
EOF
"$C" -c "$T/om.conf" init >/dev/null
"$C" -c "$T/om.conf" subscribe cat@example.org marketing >/dev/null
"$C" -c "$T/om.conf" suppress bob@example.org --reason complaint >/dev/null
start_unsubd "$T/om.conf" "$T/unsubd.log" || done_testing

# --- GET /s: the lists with subscribe yes, and their consent text
http "GET /s" 200 "$BASE/s"
expect "marketing offered" "$out" 'name="list" value="marketing"'
expect "releases offered" "$out" 'name="list" value="releases"'
expect_not "maintenance not offered" "$out" 'value="maintenance"'
expect "consent text" "$out" "I want news about events and products"
expect "address field" "$out" 'name="address"'
http "PUT /s" 405 -X PUT -d x "$BASE/s"

# --- POST /s: pending, one confirmation message
XA="X-Forwarded-For: 203.0.113.10"
http "POST /s" 200 -H "$XA" -H "Origin: https://www.example.com" \
    -d "address=Amy@Example.ORG&list=marketing" "$BASE/s"
expect "check your email" "$out" "Check your email"
page_sent=$out
wait_mail 1
expect_eq "one message" "$(mail_count)" 1
m="$T/mail/0"
expect "sendmail arguments" "$(head -1 "$m")" "ARGS: -i -f lists@example.com -- amy@example.org"
expect "To" "$(cat "$m")" "To: <amy@example.org>"
expect "From" "$(cat "$m")" "From: <lists@example.com>"
expect "names the list" "$(cat "$m")" "Best practices, events and product news"
expect "says when it expires" "$(cat "$m")" "expires in 7 days"
link=$(confirm_link "$m")
[ -n "$link" ] && ok || fail "no link in: $(cat "$m")"
check "pending, not delivered" 1 "$C" -c "$T/om.conf" check amy@example.org marketing
expect_eq "reason" "$out" "deny pending"
check "show amy" 0 "$C" -c "$T/om.conf" show amy@example.org
expect "request evidence" "$out" 'source="subscribe" evidence="route=POST /s ip=127.0.0.1 fwd=203.0.113.10 ua=\x22curl/'
expect "form origin" "$out" 'origin=\x22https://www.example.com\x22'
expect "consent version" "$out" "consent=2026-11"

# --- asking again within the interval sends nothing more (mail bomb)
i=0
while [ $i -lt 10 ]; do
	curl -s -o /dev/null -H "$XA" -d "address=amy@example.org&list=marketing" "$BASE/s"
	i=$((i + 1))
done
sleep 0.5
expect_eq "still one message" "$(mail_count)" 1

# --- a link scanner: GET changes nothing
h0=$(history_count amy@example.org)
http "GET /c/" 200 "$link"
expect "confirm page" "$out" "Confirm your subscription"
expect "masked" "$out" "a***@example.org"
expect "button posts" "$out" 'name="confirm" value="1"'
http "HEAD /c/" 200 -I "$link"
expect_eq "GET changed nothing" "$(history_count amy@example.org)" "$h0"
check "still pending" 1 "$C" -c "$T/om.conf" check amy@example.org marketing
http "POST /c/ without confirm=1" 400 -d "x=1" "$link"
check "still pending after a bad POST" 1 "$C" -c "$T/om.conf" check amy@example.org marketing

# --- POST /c/ confirms
http "POST /c/" 200 -H "X-Forwarded-For: 198.51.100.20" -d "confirm=1" "$link"
expect "confirmed" "$out" "your subscription is confirmed"
check "delivered now" 0 "$C" -c "$T/om.conf" check amy@example.org marketing
check "show amy" 0 "$C" -c "$T/om.conf" show amy@example.org
expect "request in history" "$out" "none -> pending"
expect "confirmation in history" "$out" "pending -> opt-in"
expect "confirmation evidence" "$out" 'source="confirm" evidence="route=POST /c/ ip=127.0.0.1 fwd=198.51.100.20'
http "POST /c/ again" 200 -d "confirm=1" "$link"
expect "already" "$out" "confirmed already"

# --- the answer is the same whatever the state; nothing to suppressed
# or subscribed addresses
n0=$(mail_count)
http "POST /s suppressed" 200 -H "$XA" -d "address=bob@example.org&list=marketing" "$BASE/s"
expect_eq "same page (suppressed)" "$out" "$page_sent"
http "POST /s subscribed" 200 -H "$XA" -d "address=cat@example.org&list=marketing" "$BASE/s"
expect_eq "same page (subscribed)" "$out" "$page_sent"
sleep 0.5
expect_eq "no message to them" "$(mail_count)" "$n0"
check "show bob" 0 "$C" -c "$T/om.conf" show bob@example.org
expect_not "no pending for bob" "$out" "pending"

# --- opted out since the link was sent: nothing changes, politely
http "POST /s dan" 200 -H "$XA" -d "address=dan@example.org&list=marketing&list=releases" "$BASE/s"
m=$(mail_for dan@example.org)
expect "two lists, one message" "$(grep -c '/c/' "$m")" 2
dlink=$(confirm_link "$m")
"$C" -c "$T/om.conf" unsubscribe dan@example.org marketing >/dev/null
http "POST /c/ after opt-out" 200 -d "confirm=1" "$dlink"
expect "says so" "$out" "asked us to stop sending"
check "dan stays out" 1 "$C" -c "$T/om.conf" check dan@example.org marketing
expect_eq "reason" "$out" "deny opted-out"

# --- tokens: expired, tampered, of the wrong kind
old=$(mktoken -c $(( $(date +%s) - 8 * 86400 )) marketing eve@example.org)
http "expired link" 410 "$BASE/c/$old"
expect "expired page" "$out" "has expired"
http "expired POST" 410 -d "confirm=1" "$BASE/c/$old"
tok=${link##*/}
c21=$(printf '%s' "$tok" | cut -c21)
[ "$c21" = A ] && r=B || r=A
bad="$(printf '%s' "$tok" | cut -c1-20)$r$(printf '%s' "$tok" | cut -c22-)"
http "tampered" 400 "$BASE/c/$bad"
http "an unsubscribe token on /c/" 400 -d confirm=1 "$BASE/c/$(token amy@example.org marketing)"
http "a confirmation token on /u/" 400 -d List-Unsubscribe=One-Click "$BASE/u/$tok"
http "a confirmation token on /p/" 400 "$BASE/p/$tok"
http "unconfigured list" 400 "$BASE/c/$(mktoken -c $(date +%s) oldlist amy@example.org)"
http "PUT /c/" 405 -X PUT -d x "$link"

# --- bad forms
http "not an address" 400 -H "$XA" -d "address=not-an-address&list=marketing" "$BASE/s"
http "a domain" 400 -H "$XA" -d "address=@example.org&list=marketing" "$BASE/s"
# the server's own accounts and hosts inside the network are not mailed
n0=$(mail_count)
for a in root@localhost postmaster@%5B127.0.0.1%5D "admin@%5B10.0.0.5%5D" \
    "ops@%5BIPv6:::1%5D" root@intranet root@localhost. root@host.localhost \
    root@printer.local root@db.internal root@x.LocalDomain \
    root%25localhost@example.com "localhost!root@example.com" \
    "%22root@localhost%22@example.com" ops%25intranet@example.com \
    "db!ops@example.com" "ops%25db.internal@example.com" \
    "ops%25example.org%25db.internal@example.com" \
    "db!example.org!ops@example.com"; do
	http "no mail to $a" 400 -H "$XA" -d "address=$a&list=marketing" "$BASE/s"
done
sleep 0.3
expect_eq "no confirmation to local targets" "$(mail_count)" "$n0"
# Gmail reads dotted spellings and googlemail.com as one mailbox: one
# confirmation, whatever the spelling and the client
i=0
for a in johnsmith@gmail.com john.smith@gmail.com j.o.h.n.s.m.i.t.h@gmail.com \
    John.Smith@googlemail.com; do
	i=$((i + 1))
	http "spelling $a" 200 -H "X-Forwarded-For: 198.51.100.$i" \
	    -d "address=$a&list=marketing" "$BASE/s"
done
# the first may come late on a slow machine; then any more would too
wait_mail $((n0 + 1))
sleep 0.5
expect_eq "one confirmation for one Gmail mailbox" "$(mail_count)" $((n0 + 1))
http "no list" 400 -H "$XA" -d "address=fay@example.org" "$BASE/s"
http "unknown list" 400 -H "$XA" -d "address=fay@example.org&list=nope" "$BASE/s"
http "list without subscribe yes" 400 -H "$XA" -d "address=fay@example.org&list=maintenance" "$BASE/s"
http "two addresses" 400 -H "$XA" -d "address=fay@example.org&address=gus@example.org&list=marketing" "$BASE/s"
http "multipart" 200 -H "$XA" -F address=fay@example.org -F list=releases "$BASE/s"
check "fay pending" 1 "$C" -c "$T/om.conf" check fay@example.org releases
[ -n "$(mail_for fay@example.org)" ] && ok || fail "no confirmation for fay"

# --- the preference page (preference-optin confirm, the default): every
# list ticked that does not get through waits for a confirmation sent to
# the token's address, the token's own too (its consent lapsed or was
# never given, and whoever holds a copy may be somebody else);
# unsubscribing stays one step
"$C" -c "$T/om.conf" subscribe kim@example.org releases >/dev/null
ktok=$(token kim@example.org marketing)
n0=$(mail_count)
http "prefs: join own list and another" 200 -d "form=preferences&list=marketing&list=releases&list=maintenance" "$BASE/p/$ktok"
expect "says a confirmation went out" "$out" "We have sent you a message to confirm"
check "own list waits" 1 "$C" -c "$T/om.conf" check kim@example.org marketing
expect_eq "own list pending" "$out" "deny pending"
check "the other waits" 1 "$C" -c "$T/om.conf" check kim@example.org maintenance
expect_eq "pending" "$out" "deny pending"
check "releases kept (relationship)" 0 "$C" -c "$T/om.conf" check kim@example.org releases
m=$(mail_for kim@example.org)
[ -n "$m" ] && ok || fail "no confirmation for kim"
expect_eq "one message more" "$(mail_count)" $((n0 + 1))
expect "a link for each" "$(grep -c '/c/' "$m")" 2
expect "the other list" "$(cat "$m")" "Scheduled maintenance"
http "prefs page shows it waiting" 200 "$BASE/p/$ktok"
expect "waiting" "$out" "Waiting for your confirmation"
http "prefs: again, nothing more sent" 200 -d "form=preferences&list=marketing&list=releases&list=maintenance" "$BASE/p/$ktok"
expect "says the earlier one counts" "$out" "went to you recently: they start once you confirm with it"
# the limit per mailbox is asked before anything is written: a token of
# another spelling of kim's mailbox records nothing and sends nothing
xtok=$(token kim+x@example.org marketing)
http "prefs: another spelling, within the interval" 200 -d "form=preferences&list=marketing&list=releases&list=maintenance" "$BASE/p/$xtok"
expect "says the earlier one counts" "$out" "went to you recently"
check "show kim+x" 0 "$C" -c "$T/om.conf" show kim+x@example.org
case $out in
*"consent kim+x@example.org maintenance"*)
	fail "kim+x@ recorded for maintenance: $out" ;;
*) ok ;;
esac
sleep 0.5
expect_eq "one confirmation" "$(mail_count)" $((n0 + 1))
for l in $(grep -o 'http://[^ ]*/c/[A-Za-z0-9_-]*' "$m"); do
	http "a confirmation" 200 -d "confirm=1" "$l"
done
check "marketing after confirmation" 0 "$C" -c "$T/om.conf" check kim@example.org marketing
check "maintenance after confirmation" 0 "$C" -c "$T/om.conf" check kim@example.org maintenance
http "prefs: leave everything, one step" 200 -d "form=preferences" "$BASE/p/$ktok"
check "marketing left" 1 "$C" -c "$T/om.conf" check kim@example.org marketing
check "maintenance left" 1 "$C" -c "$T/om.conf" check kim@example.org maintenance

# --- a list confirmed after an unsubscribe-all and not shown on the page
# (unsubscribe no) stands over it, so the "all" box is not shown ticked:
# the page saved as it is does not make the unsubscribe-all again
vtok=$(token vic@example.org marketing)
http "vic: all" 200 -d "form=preferences&all=1" "$BASE/p/$vtok"
check "vic: digest held" 1 "$C" -c "$T/om.conf" check vic@example.org digest
sleep 1		# records are dated in seconds: the opt-in comes after it
n0=$(mail_count)
http "vic asks for digest" 200 -H "X-Forwarded-For: 203.0.113.20" -d "address=vic@example.org&list=digest" "$BASE/s"
wait_mail $((n0 + 1))
m=$(mail_for vic@example.org)
http "vic confirms" 200 -d "confirm=1" "$(confirm_link "$m")"
check "vic: digest after confirmation" 0 "$C" -c "$T/om.conf" check vic@example.org digest
http "vic: the page" 200 "$BASE/p/$vtok"
expect_not "digest not shown" "$out" 'value="digest"'
expect "the all box" "$out" 'name="all" value="1"'
expect_not "not ticked" "$out" 'name="all" value="1" checked'
case $out in
*'name="all" value="1" checked'*) asis="form=preferences&all=1" ;;
*) asis="form=preferences" ;;
esac
http "vic: the page saved as it is" 200 -d "$asis" "$BASE/p/$vtok"
check "vic: digest still" 0 "$C" -c "$T/om.conf" check vic@example.org digest
check "vic: marketing still held" 1 "$C" -c "$T/om.conf" check vic@example.org marketing

# --- the rate per client address (30 an hour here): another client is
# still served
XB="X-Forwarded-For: 203.0.113.99"
i=0 codes=""
while [ $i -lt 31 ]; do
	codes="$codes $(curl -s -o /dev/null -w '%{http_code}' -H "$XB" -d "address=r$i@example.org&list=releases" "$BASE/s")"
	i=$((i + 1))
done
expect "30 served" "$codes" "$(printf ' 200%.0s' $(seq 30))"
expect "then 429" "$codes" " 429"
http "the 32nd" 429 -H "$XB" -d "address=r99@example.org&list=releases" "$BASE/s"
http "another client" 200 -H "X-Forwarded-For: 203.0.113.100" -d "address=hal@example.org&list=releases" "$BASE/s"
# an IPv6 /64 is one client: a new address of it for each request gains
# nothing
i=0 codes=""
while [ $i -lt 31 ]; do
	codes="$codes $(curl -s -o /dev/null -w '%{http_code}' -H "X-Forwarded-For: 2001:db8:7:7::$((i + 1))" -d "address=s$i@example.org&list=releases" "$BASE/s")"
	i=$((i + 1))
done
expect "/64: 30 served" "$codes" "$(printf ' 200%.0s' $(seq 30))"
expect "/64: then 429" "$codes" " 429"
http "another /64" 200 -H "X-Forwarded-For: 2001:db8:7:8::1" -d "address=s99@example.org&list=releases" "$BASE/s"
stop_unsubd

# --- a confirmation that did not go out before a stop (sendmail failed,
# or the process stopped with it still queued) can be asked for again
# after the restart: the pending request made before it is not taken
# for one sent recently
sed "s|^sendmail-path .*|sendmail-path $T/sendmail-fails|" "$T/om.conf" > "$T/fails.conf"
printf '#!/bin/sh\nexit 75\n' > "$T/sendmail-fails"
chmod 755 "$T/sendmail-fails"
start_unsubd "$T/fails.conf" "$T/unsubd-fails.log" || done_testing
http "lea asks, nothing goes out" 200 -H "X-Forwarded-For: 203.0.113.30" -d "address=lea@example.org&list=releases" "$BASE/s"
wait_for_log() {
	_i=0
	until grep -q "$2" "$1" 2>/dev/null || [ $_i -ge 100 ]; do sleep 0.05; _i=$((_i + 1)); done
}
wait_for_log "$T/unsubd-fails.log" "confirmation to <lea@example.org> not sent"
expect "the failure logged" "$(cat "$T/unsubd-fails.log")" "confirmation to <lea@example.org> not sent"
check "lea pending" 1 "$C" -c "$T/om.conf" check lea@example.org releases
stop_unsubd
start_unsubd "$T/om.conf" "$T/unsubd-again.log" || done_testing
n0=$(mail_count)
http "lea asks again" 200 -H "X-Forwarded-For: 203.0.113.31" -d "address=lea@example.org&list=releases" "$BASE/s"
m=$(mail_for lea@example.org)
[ -n "$m" ] && ok || fail "no confirmation for lea after the restart"
expect "logged as sent" "$(cat "$T/unsubd-again.log")" "releases=send"
# and within the same run the interval holds again
http "lea a third time" 200 -H "X-Forwarded-For: 203.0.113.32" -d "address=lea@example.org&list=releases" "$BASE/s"
sleep 0.5
expect_eq "one message" "$(mail_count)" $((n0 + 1))
stop_unsubd

# --- more than 16 lists ticked on the page: every list recorded pending
# (the token's own and 20 more) gets its link, 16 to a message
cp "$T/om.conf" "$T/many.conf"
i=0
while [ $i -lt 20 ]; do
	printf 'list x%d {\n    description "Extra %d"\n    consent express\n}\n' $i $i >> "$T/many.conf"
	i=$((i + 1))
done
start_unsubd "$T/many.conf" "$T/unsubd-many.log" || done_testing
n0=$(mail_count)
mtok=$(token mia@example.org marketing)
form="form=preferences&list=marketing"
i=0
while [ $i -lt 20 ]; do form="$form&list=x$i"; i=$((i + 1)); done
http "mia ticks 20 lists" 200 -d "$form" "$BASE/p/$mtok"
wait_mail $((n0 + 2))
sleep 0.5
expect_eq "two messages" "$(mail_count)" $((n0 + 2))
links=$(for f in $(grep -l -x -e "ARGS: .* -- mia@example.org" "$T"/mail/[0-9]*); do
	grep -o '/c/[A-Za-z0-9_-]*' "$f"; done | sort -u | wc -l)
expect_eq "a link for each of the 21" "$links" 21
pending=$("$C" -c "$T/many.conf" show mia@example.org | grep -c '^consent mia@example.org x[0-9]* pending')
expect_eq "20 pending" "$pending" 20
stop_unsubd

# --- the bound on pending records: beyond it the database takes no more,
# but the form stays open: the confirmation goes out unrecorded, and its
# link alone proves the request (a flood of requests used to get every
# request after it 503 until the pending records expired)
echo "pending-max 5" >> "$T/om.conf"
start_unsubd "$T/om.conf" "$T/unsubd2.log" || done_testing
n0=$(mail_count)
http "pending-max reached" 200 -H "X-Forwarded-For: 203.0.113.77" -d "address=ivy@example.org&list=releases" "$BASE/s"
check "nothing recorded for ivy" 1 "$C" -c "$T/om.conf" check ivy@example.org releases
expect_eq "no record" "$out" "deny no-consent"
expect "logged" "$(cat "$T/unsubd2.log")" "pending-max (5) reached: confirmations go out unrecorded"
wait_mail $((n0 + 1))
m=$(mail_for ivy@example.org)
[ -n "$m" ] && ok || fail "no confirmation for ivy"
http "ivy confirms" 200 -d "confirm=1" "$(confirm_link "$m")"
check "ivy subscribed" 0 "$C" -c "$T/om.conf" check ivy@example.org releases
check "ivy's proof" 0 "$C" -c "$T/om.conf" show ivy@example.org
expect "the confirmation names the consent text shown" "$out" "consent="
stop_unsubd
expect_not "no sanitizer report" "$(cat "$T/unsubd.log" "$T/unsubd2.log")" "Sanitizer"

# --- -n warns when sendmail-path cannot be run (the start would go on)
sed "s|^sendmail-path .*|sendmail-path $T/no-such-sendmail|" "$T/om.conf" > "$T/nosm.conf"
check "-n with a missing sendmail" 0 "$U" -c "$T/nosm.conf" -n
line=$(grep -n '^sendmail-path' "$T/nosm.conf" | cut -d: -f1)
expect "-n says FILE:LINE" "$err" "$T/nosm.conf:$line: warning: sendmail-path $T/no-such-sendmail: No such file or directory"
check "-n with it" 0 "$U" -c "$T/om.conf" -n
expect_not "no warning" "$err" "sendmail-path"
done_testing
