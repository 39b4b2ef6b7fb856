#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# scanner.sh - confirmed opt-in against an attacker (curl):
#   c2  a link scanner fetching every link of the confirmation and of
#       the pages (GET, HEAD, GET /s and /c/ with the form's fields in
#       the query): nothing changes, no more mail
#   c3  a forwarded message's preference page used by someone else:
#       turning on another list only sends a confirmation to the
#       token's person, never to an address in the form
#   c4  a confirmation link POSTed again after the person confirmed
#       and then opted out, or was suppressed: nothing changes
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

subscribe_conf
echo "subscribe-rate 1000" >> "$T/om.conf"
"$C" -c "$T/om.conf" init >/dev/null
"$C" -c "$T/om.conf" subscribe kim@example.org marketing >/dev/null
start_unsubd "$T/om.conf" "$T/unsubd.log" || done_testing

# a person asks once
curl -s -o /dev/null -d "address=victim@example.org&list=marketing" "$BASE/s"
wait_mail 1
expect_eq "one confirmation" "$(mail_count)" 1
first=$(confirm_link "$T/mail/0")

# --- c2: a scanner
before=$(mail_count)
hc=$(history_count victim@example.org)
for u in $(grep -ho 'https\{0,1\}://[^ <>"]*' "$T/mail/"[0-9]* | sort -u); do
	echo "# c2 fetches $u"
	curl -s -o "$T/page" "$u"
	curl -s -I -o /dev/null "$u"
	curl -s -o /dev/null "$u?confirm=1"
	for v in $(grep -o 'https\{0,1\}://127.0.0.1[^ <>"]*' "$T/page" | sort -u); do
		curl -s -o /dev/null "$v"
	done
done
curl -s -o /dev/null "$BASE/s?address=victim2@example.org&list=marketing"
curl -s -o /dev/null "$BASE/s/?address=victim2@example.org&list=marketing"
sleep 0.5
expect_eq "c2: no mail from GETs" "$(mail_count)" "$before"
expect_eq "c2: no history from GETs" "$(history_count victim@example.org)" "$hc"
check "c2: still pending" 1 "$C" -c "$T/om.conf" check victim@example.org marketing

# --- c3: kim's preference page, forwarded to mallory
ktok=$(token kim@example.org marketing)
before=$(mail_count)
http "c3: prefs with a foreign address" 200 \
    -d "form=preferences&list=marketing&list=releases&address=mallory@evil.example&email=mallory@evil.example" \
    "$BASE/p/$ktok"
wait_mail $((before + 1))
for f in $(ls "$T/mail" | grep '^[0-9]' | sort -n | tail -n +$((before + 1))); do
	expect "c3: confirmation to kim only" "$(head -1 "$T/mail/$f")" "-- kim@example.org"
	expect_not "c3: mallory" "$(cat "$T/mail/$f")" "mallory"
done
check "c3: releases not joined" 1 "$C" -c "$T/om.conf" check kim@example.org releases
i=0
while [ $i -lt 5 ]; do
	curl -s -o /dev/null -d "form=preferences&list=marketing&list=releases" "$BASE/p/$ktok"
	i=$((i + 1))
done
sleep 0.5
expect_eq "c3: no more mail from repeats" "$(mail_count)" $((before + 1))

# --- c4: confirm, opt out, the same link again
http "c4: confirm" 200 -d confirm=1 "$first"
check "c4: victim in" 0 "$C" -c "$T/om.conf" check victim@example.org marketing
vtok=$(token victim@example.org marketing)
http "c4: one-click out" 200 -d List-Unsubscribe=One-Click "$BASE/u/$vtok"
check "c4: victim out" 1 "$C" -c "$T/om.conf" check victim@example.org marketing
http "c4: the old link again" 200 -d confirm=1 "$first"
check "c4: an old confirmation did not undo the opt-out" 1 \
    "$C" -c "$T/om.conf" check victim@example.org marketing
"$C" -c "$T/om.conf" suppress victim@example.org --reason complaint >/dev/null
http "c4: and once suppressed" 200 -d confirm=1 "$first"
check "c4: suppressed stays out" 1 "$C" -c "$T/om.conf" check victim@example.org marketing
stop_unsubd
done_testing
