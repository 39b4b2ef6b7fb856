#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# prefs.sh - the preference page with more lists than any fixed table
# (every list shown is one the form can change), and the client address
# from an X-Forwarded-For longer than any fixed buffer
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

unsubd_conf
i=0
while [ $i -lt 300 ]; do
	printf 'list extra-%03d {\n    description "Extra list %03d"\n    consent express\n    unsubscribe yes\n}\n' $i $i
	i=$((i + 1))
done >> "$T/om.conf"
echo "preference-optin direct" >> "$T/om.conf"
"$C" -c "$T/om.conf" init >/dev/null
"$C" -c "$T/om.conf" subscribe amy@example.org extra-299 >/dev/null
start_unsubd "$T/om.conf" "$T/unsubd.log" || done_testing

tok=$(token amy@example.org marketing)
http "page with 300 more lists" 200 "$BASE/p/$tok"
expect "the last list is shown" "$out" 'value="extra-299" checked'
expect "and the first" "$out" 'value="extra-000">'
# keep the last, add the one before it: both are recorded
http "save" 200 -d "form=preferences&list=extra-298&list=extra-299" "$BASE/p/$tok"
check "extra-298 recorded" 0 "$C" -c "$T/om.conf" check amy@example.org extra-298
check "extra-299 kept" 0 "$C" -c "$T/om.conf" check amy@example.org extra-299
http "leave the last" 200 -d "form=preferences&list=extra-298" "$BASE/p/$tok"
check "extra-299 left" 1 "$C" -c "$T/om.conf" check amy@example.org extra-299
http "page after" 200 "$BASE/p/$tok"
expect "shown as left" "$out" 'value="extra-299">'

# X-Forwarded-For of 200 spoofed hops (over 2 KB), then the client the
# proxy saw, then the proxy itself
xff=$(i=0; while [ $i -lt 200 ]; do printf '10.66.%d.%d, ' $((i / 100)) $((i % 100)); i=$((i + 1)); done)
xff="${xff}192.0.2.44, 127.0.0.1"
[ "${#xff}" -gt 2000 ] && ok || fail "header too short: ${#xff}"
tok=$(token bob@example.org marketing)
"$C" -c "$T/om.conf" subscribe bob@example.org marketing >/dev/null
http "one-click via a long chain" 200 -H "X-Forwarded-For: $xff" -d "List-Unsubscribe=One-Click" "$BASE/u/$tok"
check "show bob" 0 "$C" -c "$T/om.conf" show bob@example.org
expect "the client, from the whole header" "$out" "ip=127.0.0.1 fwd=192.0.2.44 "
# two header lines are one list: the right-most untrusted hop is on the second
"$C" -c "$T/om.conf" subscribe cy@example.org marketing >/dev/null
tok=$(token cy@example.org marketing)
http "two X-Forwarded-For lines" 200 -H "X-Forwarded-For: 198.51.100.1" \
    -H "X-Forwarded-For: 203.0.113.5, 127.0.0.1" -d "List-Unsubscribe=One-Click" "$BASE/u/$tok"
check "show cy" 0 "$C" -c "$T/om.conf" show cy@example.org
expect "the second line's client" "$out" "fwd=203.0.113.5 "
stop_unsubd
done_testing
