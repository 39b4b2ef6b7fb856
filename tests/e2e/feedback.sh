#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# feedback.sh - the bounce loop through a real Postfix: list mail to one
# recipient leaves with the VERP return path; the next hop answers
# 550 5.1.1; Postfix's own bounce comes back through the pipe transport
# of conf/postfix-feedback.cf.snippet into optin-feedback; the address
# is suppressed and the next message to it is stripped. A bounce that
# arrives while the database cannot be written waits in the queue.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../milter/lib.sh"
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || { echo "SKIP: needs root for a private Postfix"; exit 77; }
id nobody >/dev/null 2>&1 || { echo "SKIP: no user nobody for the pipe"; exit 77; }

e2e_conf "$T/om.conf"
cat >> "$T/om.conf" <<CF
bounce-address bounces@feedback.test
CF
chmod 644 "$T/om.conf"
ctl() { "$C" -c "$T/om.conf" "$@"; }
check "init" 0 ctl init
for a in gone@gone.example gone2@gone.example alice@example.org \
    bob@example.org; do
	check "subscribe $a" 0 ctl subscribe "$a" marketing
done
# the pipe runs optin-feedback as an unprivileged user, as in production
chown -R nobody "$T/db" "$T/secret.key"

start_milter "$T/om.conf" "$T/milter.log" || done_testing
pf_start "unix:$T/milter.sock" || done_testing

# a next hop that refuses every recipient: 550 5.1.1
BAD_PORT=$(free_port)
mkdir -p "$T/badsink"
chown postfix "$T/badsink"
smtp-sink -u postfix -f RCPT \
    -B "550 5.1.1 <gone@gone.example>: Recipient address rejected: User unknown in virtual mailbox table" \
    -d "$T/badsink/%M." "127.0.0.1:$BAD_PORT" 100 &
bad_pid=$!
stop_bad() { [ -n "${bad_pid:-}" ] && kill "$bad_pid" 2>/dev/null; bad_pid=""; }
cleanup_hooks="$cleanup_hooks stop_bad"

# the shipped wiring (conf/postfix-feedback.cf.snippet), with test paths
cat > "$PF/transport" <<TR
bounces@feedback.test	optin-feedback:
gone.example	smtp:[127.0.0.1]:$BAD_PORT
TR
postmap "$PF/transport"
postconf -c "$PF" -e "recipient_delimiter = +" \
    "transport_maps = hash:$PF/transport" \
    "optin-feedback_destination_recipient_limit = 1" \
    "bounce_queue_lifetime = 1h" "maximal_queue_lifetime = 1h" \
    "minimal_backoff_time = 1s" "maximal_backoff_time = 2s" \
    "queue_run_delay = 1s"
postconf -c "$PF" -M "optin-feedback/unix=optin-feedback unix - n n - 4 pipe flags=q user=nobody argv=$top_builddir/optin-feedback -f -c $T/om.conf -r \${original_recipient}"
grep -q "^optin-feedback" "$PF/master.cf" || fail "no pipe line in master.cf"
postfix -c "$PF" reload >/dev/null 2>&1

# wait_for ADDR TEXT: until "optinctl show ADDR" says TEXT (20 s)
wait_for() {
	_i=0
	while [ $_i -lt 200 ]; do
		postqueue -c "$PF" -f >/dev/null 2>&1
		_s=$(ctl show "$1" 2>&1)
		case "$_s" in *"$2"*) return 0 ;; esac
		sleep 0.1
		_i=$((_i + 1))
	done
	fail "$1 never showed \"$2\": $_s; queue: $(postqueue -c "$PF" -p); log: $(tail -n 20 "$T/maillog")"
	return 1
}

# --- list mail to one recipient carries the VERP return path
send_smtp "r1" news@example.com alice@example.org
expect "r1 accepted" "$out" "250 2.0.0 Ok: queued"
pf_wait 1 || true
f=$(sink_for r1)
mailfrom=$(sed -n 's/^X-Mail-Args: <\([^>]*\)>.*/\1/p' "$f")
case "$mailfrom" in
bounces+*@feedback.test) ok ;;
*) fail "r1 envelope sender is not the VERP address: $mailfrom" ;;
esac
tok=${mailfrom#bounces+}
tok=${tok%@feedback.test}
[ ${#tok} -ge 80 ] && ok || fail "short token: $tok"
expect_not "r1 no feedback header with one recipient" "$(cat "$f")" "X-Optin-Feedback"

# --- several recipients keep their sender and carry a list-only token
send_smtp "r2" news@example.com "alice@example.org,bob@example.org" \
    --header "X-Optin-List: marketing"
pf_wait 2 || true
f=$(sink_for r2)
expect "r2 sender kept" "$(cat "$f")" "X-Mail-Args: <news@example.com>"
expect "r2 feedback header" "$(cat "$f")" "X-Optin-Feedback: "

# --- the bounce loop
send_smtp "r3" news@example.com gone@gone.example
expect "r3 accepted" "$out" "250 2.0.0 Ok: queued"
wait_for gone@gone.example "suppression gone@gone.example bounce " || true
check "show gone" 0 ctl show gone@gone.example
expect "r3 the report behind it" "$out" "report "
expect "r3 its status" "$out" "status=5.1.1"
expect "r3 reported by our Postfix" "$out" "mta=mx.test.example"
expect "r3 deny" "$(ctl check gone@gone.example marketing)" "deny suppressed:bounce"
grep -q "relay=optin-feedback.*status=sent" "$T/maillog" &&
    ok || fail "the bounce did not go through the pipe: $(grep optin-feedback "$T/maillog" | tail -n 5)"

# --- the next message to it is stripped: what reaches the sink
sed -i "s/^gone.example.*/gone.example	smtp:[127.0.0.1]:$SINK_PORT/" "$PF/transport"
postmap "$PF/transport"
postfix -c "$PF" reload >/dev/null 2>&1
n=$(ls "$SINK" | wc -l)
send_smtp "r4" news@example.com "gone@gone.example,alice@example.org"
pf_wait $((n + 1)) || true
f=$(sink_for r4)
expect_eq "r4 gone stripped" "$(rcpts "$f")" "alice@example.org "

# --- the database cannot be written: the bounce waits and comes again
sed -i "s/^gone.example.*/gone.example	smtp:[127.0.0.1]:$BAD_PORT/" "$PF/transport"
postmap "$PF/transport"
postfix -c "$PF" reload >/dev/null 2>&1
chown root "$T/db" "$T/db/data.mdb" "$T/db/lock.mdb"
chmod 700 "$T/db"
send_smtp "r5" news@example.com gone2@gone.example
_i=0
until grep -q "optin-feedback.*status=deferred" "$T/maillog" || [ $_i -ge 200 ]; do
	postqueue -c "$PF" -f >/dev/null 2>&1
	sleep 0.1
	_i=$((_i + 1))
done
grep -q "optin-feedback.*status=deferred" "$T/maillog" && ok ||
    fail "the report was not deferred: $(tail -n 10 "$T/maillog")"
check "gone2 not yet" 0 ctl show gone2@gone.example
expect_not "gone2 not suppressed while down" "$out" "suppression "
chown -R nobody "$T/db"
chmod 755 "$T/db"
wait_for gone2@gone.example "suppression gone2@gone.example bounce " || true

done_testing
