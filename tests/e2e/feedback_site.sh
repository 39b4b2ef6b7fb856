#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# feedback_site.sh - a site wired from all three shipped snippets
# (postfix-main.cf, postfix-master.cf, postfix-feedback.cf), appended as
# a postmaster would, split yes: a list submission to a person with
# consent and to one whose next hop answers 550 5.1.1 goes through the
# split, Postfix's own bounce to the copy's VERP address comes back
# through the pipe and suppresses exactly that person; an unsubscribe
# request by mail from the internet still reaches the milter.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../milter/lib.sh"
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || { echo "SKIP: needs root for a private Postfix"; exit 77; }
id nobody >/dev/null 2>&1 || { echo "SKIP: no user nobody for the pipe"; exit 77; }

e2e_conf "$T/om.conf"
sed -i "s/^split .*/split yes/" "$T/om.conf"
echo "bounce-address bounces@example.com" >> "$T/om.conf"
chmod 644 "$T/om.conf"
ctl() { "$C" -c "$T/om.conf" "$@"; }
check "init" 0 ctl init
for a in gone@gone.example alice@example.org dave@example.org; do
	check "subscribe $a" 0 ctl subscribe "$a" marketing
done
chown -R nobody "$T/db" "$T/secret.key"

start_milter "$T/om.conf" "$T/milter.log" || done_testing
pf_start_site "unix:$T/milter.sock" || done_testing

BAD_PORT=$(free_port)
mkdir -p "$T/badsink"
chown postfix "$T/badsink"
smtp-sink -u postfix -f RCPT -B "550 5.1.1 <gone@gone.example>: User unknown" \
    -d "$T/badsink/%M." "127.0.0.1:$BAD_PORT" 100 &
bad_pid=$!
stop_bad() { [ -n "${bad_pid:-}" ] && kill "$bad_pid" 2>/dev/null; bad_pid=""; }
cleanup_hooks="$cleanup_hooks stop_bad"

# the feedback snippet as shipped: its main.cf part appended, its
# transport table with the site's own next hop for gone.example added,
# its master.cf line with the test's paths and user
S="$top_srcdir/conf/postfix-feedback.cf.snippet"
sed -n '/^# --- main.cf/,/^# --- \/etc\/postfix\/transport/p' "$S" |
    sed -e "s|/etc/postfix/transport|$PF/transport|" -e "s/10027/$SPLIT_PORT/g" \
    >> "$PF/main.cf"
{
	sed -n '/^# --- \/etc\/postfix\/transport/,/^# --- master.cf/p' "$S" | grep -v '^#'
	printf 'gone.example\tsmtp:[127.0.0.1]:%s\n' "$BAD_PORT"
} > "$PF/transport"
postmap "$PF/transport"
postconf -c "$PF" -e "bounce_queue_lifetime = 1h" "maximal_queue_lifetime = 1h" \
    "minimal_backoff_time = 1s" "maximal_backoff_time = 2s" "queue_run_delay = 1s"
postconf -c "$PF" -M "optin-feedback/unix=optin-feedback unix - n n - 4 pipe flags=q user=nobody argv=$top_builddir/optin-feedback -f -c $T/om.conf -r \${original_recipient}"
postfix -c "$PF" reload >/dev/null 2>&1
sleep 1

wait_for() {
	_i=0
	while [ $_i -lt 200 ]; do
		postqueue -c "$PF" -f >/dev/null 2>&1
		_s=$(ctl show "$1" 2>&1)
		case "$_s" in *"$2"*) return 0 ;; esac
		sleep 0.1
		_i=$((_i + 1))
	done
	fail "$1 never showed \"$2\": queue: $(postqueue -c "$PF" -p | head -n 20); log: $(grep -E 'status=|warning' "$T/maillog" | tail -n 8)"
	return 1
}

out=$(swaks --server "127.0.0.1:$SUB_PORT" --from news@example.com \
    --to alice@example.org,gone@gone.example --header "Subject: fb1" \
    --header "X-Optin-List: marketing" --body x 2>&1)
expect "fb1 accepted" "$out" "250 2.0.0 Ok: queued"
wait_for gone@gone.example "suppression gone@gone.example bounce " || true
check "alice untouched" 0 ctl check alice@example.org marketing
f=$(sink_for fb1)
[ -n "$f" ] && expect "fb1 alice's copy under VERP" "$(cat "$f")" "X-Mail-Args: <bounces+"

tok=$(ctl token dave@example.org marketing | sed -n 's/^token: //p')
out=$(swaks --server "127.0.0.1:$SMTP_PORT" --from dave@example.org \
    --to unsubscribe@example.com --header "Subject: unsubscribe $tok" --body stop 2>&1)
expect "request accepted on the inbound port" "$out" "250 2.0.0 Ok: queued"
_i=0
until ! ctl check dave@example.org marketing >/dev/null 2>&1 || [ $_i -ge 100 ]; do
	postqueue -c "$PF" -f >/dev/null 2>&1
	sleep 0.2
	_i=$((_i + 1))
done
check "dave is out" 1 ctl check dave@example.org marketing
[ -z "$(grep -l '^stop' "$SINK"/* 2>/dev/null)" ] && ok ||
    fail "the unsubscribe request was relayed, not handled: transport_maps lost its entry"
stop_milter
done_testing
