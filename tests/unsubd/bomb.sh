#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# bomb.sh - confirmed opt-in against a mail bomb (curl; unsubd):
#   c1  a mail bomb against one mailbox: +tags, case, routed spellings
#       (percent hack, quoted), each from another client address behind
#       the trusted proxy: one confirmation message per interval
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

subscribe_conf
echo "subscribe-rate 1000" >> "$T/om.conf"
"$C" -c "$T/om.conf" init >/dev/null
"$C" -c "$T/om.conf" subscribe kim@example.org marketing >/dev/null
start_unsubd "$T/om.conf" "$T/unsubd.log" || done_testing

# --- c1: the bomb
n=0
for a in victim@example.org Victim@Example.ORG VICTIM@example.org \
    victim+1@example.org victim+2@example.org victim+news@example.org \
    'victim%example.org@example.org' '"victim"@example.org' \
    '"victim+3"@example.org' victim+1+2@example.org; do
	n=$((n + 1))
	curl -s -o /dev/null -H "X-Forwarded-For: 198.51.100.$n" \
	    --data-urlencode "address=$a" -d list=marketing "$BASE/s"
done
# the first may come late on a slow machine; then any more would too
wait_mail 1
sleep 1
got=$(mail_count)
expect_eq "c1: confirmations to victim's mailbox after $n requests" "$got" 1
for f in "$T/mail/"[0-9]*; do echo "# c1 sent: $(head -1 "$f")"; done
first=$(confirm_link "$T/mail/0")

stop_unsubd
done_testing
