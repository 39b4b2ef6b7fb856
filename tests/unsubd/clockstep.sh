#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# clockstep.sh - optin-unsubd's timed waits do not follow the wall clock.
# tests/clockstep.so makes every reading of the wall clock an hour ahead
# of the kernel's, as if the clock had been stepped back an hour right
# after it (the machine's real clock is not stepped: that would disturb
# everything else on it). Waits measured on the wall clock then last an
# hour longer; here, without a request, a replaced data.mdb is still
# logged within seconds (the once-a-second watch), a burst of one-clicks
# is answered in full and a one-click after it at once (the group
# commit's wait for its group is 300 us), and a client that trickles
# its header is still cut at the 10 s request deadline.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

SHIM="$top_builddir/tests/clockstep.so"
unsubd_conf
people 200
cp "$T/db/data.mdb" "$T/copy.mdb"
cat > "$T/stepped" <<SH
#!/bin/sh
LD_PRELOAD="$SHIM" ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" exec "$U" "\$@"
SH
chmod 755 "$T/stepped"
U="$T/stepped"
start_unsubd "$T/om.conf" "$T/unsubd.log" || done_testing
grep -q clockstep.so "/proc/$unsubd_pid/maps" && ok ||
    fail "clockstep.so is not loaded into optin-unsubd"

# the watch: a file put in place by rename is logged without a request
cp "$T/copy.mdb" "$T/db/new.mdb"
mv "$T/db/new.mdb" "$T/db/data.mdb"
_i=0
until grep -q "data.mdb was replaced" "$T/unsubd.log" || [ $_i -ge 100 ]; do
	sleep 0.05
	_i=$((_i + 1))
done
expect "replaced file logged within 5 s, no request" "$(cat "$T/unsubd.log")" \
    "data.mdb was replaced"

# the group commit: 16 at a time, then fewer as the burst ends, then one
awk '$1 < 150 { printf "url = \"%s/u/%s\"\noutput = \"/dev/null\"\n", base, $2 }' \
    base="$BASE" "$T/tokens" > "$T/urls"
curl -s --no-progress-meter -Z --parallel-max 16 --max-time 10 \
    -d List-Unsubscribe=One-Click -w '%{http_code}\n' --config "$T/urls" > "$T/codes"
expect_eq "burst: 150 answers of 200 within 10 s each" \
    "$(grep -c '^200$' "$T/codes")/$(wc -l < "$T/codes")" "150/150"
tok=$(awk '$1 == 150 { print $2 }' "$T/tokens")
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 \
    -d List-Unsubscribe=One-Click "$BASE/u/$tok")
expect_eq "one-click after the burst answered within 5 s" "$code" 200
for i in 0 149 150; do
	check "p$i out" 1 "$C" -c "$T/om.conf" check "p$i@example.org" marketing
	expect_eq "p$i out: why" "$out" "deny opted-out"
done

# the request deadline: a header trickled a byte every 0.5 s is cut
rm -f "$T/ready"
python3 "$top_srcdir/tests/unsubd/slowclients.py" trickle "$PORT" 1 15 "$T/ready" > "$T/res"
res=$(cat "$T/res")
expect "trickling client cut" "$res" "cut=1"
awk -v r="$res" 'BEGIN { split(r, a, "maxcut="); exit !(a[2] + 0 < 14) }' && ok ||
    fail "trickling client not cut within 14 s: $res"

# the stop: within 10 s (a wait that follows the wall clock would hold
# it for the hour)
kill -TERM "$unsubd_pid"
_i=0
while kill -0 "$unsubd_pid" 2>/dev/null && [ $_i -lt 200 ]; do
	sleep 0.05
	_i=$((_i + 1))
done
if kill -0 "$unsubd_pid" 2>/dev/null; then
	fail "optin-unsubd still running 10 s after SIGTERM"
	kill -KILL "$unsubd_pid"
fi
wait "$unsubd_pid"
expect_eq "exit 0 on SIGTERM" "$?" 0
unsubd_pid=""
done_testing
