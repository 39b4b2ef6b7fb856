#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# modes.sh - monitor mode changes nothing; a database that cannot be
# read makes list mail wait (451 4.3.0) and lets other mail through;
# on-error accept lets it go and says so
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../milter/lib.sh"
. "$(dirname "$0")/lib.sh"

e2e_conf "$T/om.conf" -e 's/^mode .*/mode monitor/'
"$C" -c "$T/om.conf" init >/dev/null
"$C" -c "$T/om.conf" subscribe alice@example.org marketing >/dev/null

start_milter "$T/om.conf" "$T/milter.log" || done_testing
pf_start "unix:$T/milter.sock" || done_testing
send_smtp "n1" news@example.com "alice@example.org,carol@example.org" --header "X-Optin-List: marketing"
pf_wait 1 || true
f=$(sink_for n1)
expect_eq "monitor: everyone" "$(rcpts "$f")" "alice@example.org carol@example.org "
expect_not "monitor: no header added" "$(cat "$f")" "List-Unsubscribe"
expect_not "monitor: list header removed" "$(cat "$f")" "X-Optin-List"
expect "monitor: logged" "$(cat "$T/milter.log")" "rcpt=<carol@example.org> verdict=strip reason=no-consent"
expect "monitor: summary" "$(cat "$T/milter.log")" "rcpts=2 delivered=1 stripped=1 rejected=0 mode=monitor"
stop_milter

# the database is unreadable: enforce + tempfail
sed -i -e 's/^mode .*/mode enforce/' "$T/om.conf"
mv "$T/db" "$T/db.away"
start_milter "$T/om.conf" "$T/nodb.log" || done_testing
send_smtp "n2" news@example.com "alice@example.org"
expect "nodb: list mail waits" "$out" "451 4.3.0 consent database unavailable, try again later"
send_smtp "n3" friend@example.net "alice@example.org"
expect "nodb: other mail goes" "$out" "250 2.0.0 Ok: queued"
# the database comes back: the next message is checked again
mv "$T/db.away" "$T/db"
sleep 1.1
send_smtp "n4" news@example.com "alice@example.org,carol@example.org"
expect "db back: accepted" "$out" "250 2.0.0 Ok: queued"
pf_wait 3 || true
expect_eq "n3 delivered" "$(rcpts "$(sink_for n3)")" "alice@example.org "
expect_eq "n4 checked again" "$(rcpts "$(sink_for n4)")" "alice@example.org "
[ -z "$(sink_for n2)" ] && ok || fail "n2 went out unchecked"
# the reason is the database's own, and it is said once when it changes
expect "nodb log" "$(cat "$T/nodb.log")" 'db: no data.mdb (run optinctl init)" action=tempfail'
expect "nodb state logged" "$(cat "$T/nodb.log")" "no data.mdb (run optinctl init); list mail gets on-error (tempfail)"
stop_milter

# a damaged database file: still fail closed
cp "$T/db/data.mdb" "$T/data.good"
head -c 16384 /dev/urandom > "$T/db/data.mdb"
rm -f "$T/db/lock.mdb"
start_milter "$T/om.conf" "$T/bad.log" || done_testing
send_smtp "n5" news@example.com "alice@example.org"
expect "damaged: list mail waits" "$out" "451 4.3.0"
stop_milter
cp "$T/data.good" "$T/db/data.mdb"

# on-error accept: the operator chose delivery over waiting
sed -i -e 's/^on-error .*/on-error accept/' -e "s|^database .*|database $T/nowhere|" "$T/om.conf"
start_milter "$T/om.conf" "$T/accept.log" || done_testing
send_smtp "n6" news@example.com "carol@example.org"
expect "accept: queued" "$out" "250 2.0.0 Ok: queued"
pf_wait 4 || true
expect_eq "n6 delivered unchecked" "$(rcpts "$(sink_for n6)")" "carol@example.org "
expect "accept: logged" "$(cat "$T/accept.log")" "action=accept"
expect "accept: reason" "$(cat "$T/accept.log")" "rcpt=<carol@example.org> verdict=deliver reason=db-error"
stop_milter
done_testing
