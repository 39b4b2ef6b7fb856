#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# abuse.sh - requests anybody holding a list message's token, or the
# subscription form, can repeat at will, against a real optin-unsubd:
#   a1  500 POSTs of "unsubscribe from all" with one token on one
#       connection: a history record a second at most (each used to add
#       one, about 1100 a second, until the disk was full)
#   a2  a used confirmation link replayed by somebody else after the
#       person's unsubscribe-all: "confirmed already", nothing written
#       (it used to re-date the opt-in and put the replayer's evidence,
#       and the consent-version of the day, on it)
#   a3  an address beginning with '-', which sendmail(1) is never given:
#       400, nothing recorded (it used to be recorded pending, unsent)
#   a4  a bare number for a domain (root@127.0.0.1): 400
#   a5  the preference form with a list ticked and "unsubscribe from
#       all" left ticked: the page says the list was not added; not so
#       for the lists the page showed ticked because they are received
#   a7  the preference form for a token whose address begins with '-'
#       (valid in SMTP): a list ticked cannot be added (no confirmation
#       can be sent), and nothing is recorded pending
#   a6  sendmail(1) is started with no descriptor of the daemon's: no
#       database file (LMDB's data.mdb, read-write, used to be
#       inherited), no socket
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

subscribe_conf
# the stub sendmail also notes the descriptors it was given
sed -i '2a ls -l /proc/$$/fd > "$(dirname "$0")/fds.$$"' "$T/sendmail"
check "init" 0 "$C" -c "$T/om.conf" init
start_unsubd "$T/om.conf" "$T/unsubd.log" || { done_testing; exit; }
ctl() { "$C" -c "$T/om.conf" "$@"; }

# --- a1: "unsubscribe from all", again and again
UT=$(token gina@example.org marketing)
h0=$(history_count gina@example.org)
t0=$(date +%s)
python3 - "$PORT" "/p/$UT" 'form=preferences&all=1' 500 <<'PY' > "$T/a1"
import socket, sys
port, path, body, n = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
s = socket.create_connection(("127.0.0.1", port))
req = ("POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: "
       "application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s"
       % (path, len(body), body)).encode()
f = s.makefile("rb")
ok = 0
for _ in range(n):
    s.sendall(req)
    status = f.readline().split()[1]
    length = 0
    while True:
        line = f.readline()
        if line in (b"\r\n", b""):
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    f.read(length)
    ok += status == b"200"
print(ok)
PY
t1=$(date +%s)
expect_eq "a1: every request answered 200" "$(cat "$T/a1")" 500
h1=$(history_count gina@example.org)
echo "# a1: $((h1 - h0)) history records in $((t1 - t0 + 1)) s"
[ $((h1 - h0)) -ge 1 ] && [ $((h1 - h0)) -le $((t1 - t0 + 1)) ] && ok ||
    fail "a1: $((h1 - h0)) history records for 500 requests in $((t1 - t0 + 1)) s"
check "a1 check" 1 ctl check gina@example.org marketing
expect "a1: unsubscribed from all" "$out" "deny suppressed:unsubscribe-all"

# --- a2: a confirmation link replayed after the person's unsubscribe-all
UT=$(token frank@example.org marketing)
http "a2 all" 200 -d 'form=preferences&all=1' "$BASE/p/$UT"
sleep 1.2
http "a2 subscribe" 200 -H 'X-Forwarded-For: 192.0.2.20' \
    -d 'address=frank@example.org&list=marketing' "$BASE/s"
m=$(mail_for frank@example.org)
[ -n "$m" ] && ok || fail "a2: no confirmation mail"
TM=$(confirm_link "$m")
sleep 1.1
http "a2 confirm" 200 -A RealPerson/1.0 -d confirm=1 "$TM"
expect "a2: confirmed" "$out" "your subscription is confirmed"
check "a2 check" 0 ctl check frank@example.org marketing
expect "a2: delivered" "$out" "deliver"
check "a2 show" 0 ctl show frank@example.org
before=$(echo "$out" | grep '^consent frank@example.org marketing ')
h0=$(history_count frank@example.org)
sleep 1.1
http "a2 replay" 200 -A Replayer/3 -H 'X-Forwarded-For: 203.0.113.3' \
    -d confirm=1 "$TM"
expect "a2: replay: confirmed already" "$out" "confirmed already"
for i in 1 2 3 4 5 6 7 8 9 10; do
	curl -s -o /dev/null -A Replayer/3 -d confirm=1 "$TM"
done
check "a2 show after" 0 ctl show frank@example.org
after=$(echo "$out" | grep '^consent frank@example.org marketing ')
expect_eq "a2: the record as the person confirmed it" "$after" "$before"
expect "a2: the person's evidence" "$after" "RealPerson/1.0"
expect_eq "a2: no history written" "$(history_count frank@example.org)" "$h0"

# --- a3, a4: addresses that are not sent to
n0=$(mail_count)
http "a3 '-' address" 400 --data-urlencode 'address="-oQ/tmp"@example.org' \
    -d list=releases "$BASE/s"
check "a3 show" 0 ctl show -oq/tmp@example.org
expect_not "a3: nothing recorded" "$out" "consent "
http "a4 numeric domain" 400 -H 'X-Forwarded-For: 192.0.2.30' \
    -d 'address=root@127.0.0.1&list=releases' "$BASE/s"
http "a4 numeric, dotted" 400 -H 'X-Forwarded-For: 192.0.2.31' \
    -d 'address=root@10.0.0.5&list=releases' "$BASE/s"
sleep 0.5
expect_eq "a3, a4: no mail" "$(mail_count)" "$n0"
check "a4 show" 0 ctl show root@127.0.0.1
expect_not "a4: nothing recorded" "$out" "consent "

# --- a5: a list ticked with "unsubscribe from all" still ticked
UT=$(token hugo@example.org marketing)
http "a5 all" 200 -d 'form=preferences&all=1' "$BASE/p/$UT"
http "a5 list and all" 200 -H 'X-Forwarded-For: 192.0.2.99' \
    -d 'form=preferences&list=releases&all=1&save=1' "$BASE/p/$UT"
expect "a5: told" "$out" "the lists you ticked were not added"
check "a5 check" 1 ctl check hugo@example.org releases
# the usual way: the lists received are ticked, and "all" with them
check "a5 subscribe" 0 ctl subscribe ivy@example.org releases
UT=$(token ivy@example.org releases)
http "a5 all over the received" 200 -H 'X-Forwarded-For: 192.0.2.98' \
    -d 'form=preferences&list=releases&all=1&save=1' "$BASE/p/$UT"
expect "a5: saved" "$out" "Your preferences are saved"
expect_not "a5: nothing to tell" "$out" "were not added"
check "a5 check ivy" 1 ctl check ivy@example.org releases
expect "a5: ivy unsubscribed from all" "$out" "unsubscribe-all"

# --- a7: a token address beginning with '-'
n0=$(mail_count)
UT=$("$C" -c "$T/om.conf" token -- -oq@example.org marketing |
    sed -n 's/^token: //p')
http "a7 prefs" 200 -H 'X-Forwarded-For: 192.0.2.97' \
    -d 'form=preferences&list=releases&save=1' "$BASE/p/$UT"
expect "a7: told" "$out" "cannot be added from this page"
check "a7 show" 0 ctl show -- -oq@example.org
expect_not "a7: nothing pending" "$out" "pending"
sleep 0.5
expect_eq "a7: no mail" "$(mail_count)" "$n0"

# --- a6: the descriptors sendmail(1) was given (from a2's message)
f=$(ls "$T"/fds.* 2>/dev/null | head -1)
[ -n "$f" ] && ok || fail "a6: the stub sendmail noted no descriptors"
echo "# a6: $(grep -- '->' "$f" | awk '{ print $9, $10, $11 }' | tr '\n' ';')"
expect_not "a6: no database descriptor" "$(cat "$f")" ".mdb"
expect_not "a6: no socket" "$(cat "$f")" "socket:"

stop_unsubd
done_testing
