#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# scope.sh - miltertest from an internet client: inbound mail passes
# untouched (at MAIL FROM, or at DATA when an own address could have
# been among the recipients); AUTH, ORIGINATING and local
# submissions are enforced
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

test_conf "$T/om.conf"
sed -i 's/^denied .*/denied reject/' "$T/om.conf"
ctl() { "$C" -c "$T/om.conf" "$@" >/dev/null; }
ctl init
ctl subscribe alice@example.org marketing
sock="unix:$T/milter.sock"
log="$T/milter.log"

start_milter "$T/om.conf" "$log" || done_testing
lua scope.lua -D mailto=yes
stop_milter
L=$(cat "$log")
expect_not "inbound: no list line" "$L" "I1: list="
expect_not "inbound: no unknown-list line" "$L" "nosuch"
expect_not "inbound sender: no list line" "$L" "I3: list="
expect "inbound request handled" "$L" "I4: unsubscribe from=<carol@example.org> result=invalid"
expect "auth enforced" "$L" "O1: list=marketing rcpt=<carol@example.org> verdict="
expect "daemon enforced" "$L" "O2: list=marketing rcpt=<carol@example.org> verdict="
expect "local enforced" "$L" "O3: list=marketing rcpt=<carol@example.org> verdict="

# without unsubscribe-mailto nothing inbound is of interest
sed -i -e '/^unsubscribe-mailto/d' -e "s|^socket .*|socket unix:$T/m2.sock|" "$T/om.conf"
sock="unix:$T/m2.sock"
start_milter "$T/om.conf" "$T/m2.log" || done_testing
lua scope.lua -D mailto=no
stop_milter
done_testing
