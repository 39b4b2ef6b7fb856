#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# subscribe_routes.sh - POST /s sends nothing to a suppressed person
# reached through an address that routes on to them (u%h@d, h!u@d,
# "u@h"@d: the server of d sends it to u@h), as it sends nothing to the
# address itself or its tagged forms; the answer is the same 200.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

subscribe_conf
"$C" -c "$T/om.conf" init >/dev/null
"$C" -c "$T/om.conf" suppress sup@example.org --reason complaint >/dev/null
start_unsubd "$T/om.conf" "$T/unsubd.log" || done_testing

for a in sup@example.org sup+x@example.org 'sup%example.org@example.org' \
    'example.org!sup@example.org' '"sup@example.org"@example.org' \
    'sup+x%example.org@example.org' 'sup%example.org%example.org@example.org'; do
	http "/s for $a" 200 --data-urlencode "address=$a" -d list=marketing "$BASE/s"
done
# the control: someone else through the same kind of address gets one
http "/s for a routed address of somebody else" 200 \
    --data-urlencode 'address=ok%example.org@example.org' -d list=marketing "$BASE/s"
wait_mail 1
sleep 0.5
expect_eq "one confirmation message, to the control only" "$(mail_count)" 1
expect "it went to the control" "$(head -n 1 "$T/mail/0")" "-- ok%example.org@example.org"
stop_unsubd
done_testing
