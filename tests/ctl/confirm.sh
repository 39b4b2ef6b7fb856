#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# confirm.sh - optinctl's confirmed opt-in: subscribe --confirm sends the
# confirmation (and records pending), by the same rules as /s; expire
# removes pending records older than confirm-ttl; show --json prints the
# evidence chain (request, confirmation) as valid JSON
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../unsubd/lib.sh"

subscribe_conf
"$C" -c "$T/om.conf" init >/dev/null

check "subscribe --confirm" 0 "$C" -c "$T/om.conf" subscribe Amy@Example.org marketing --confirm --source "shop checkout"
expect "says so" "$out" "amy@example.org marketing pending (confirmation sent)"
expect_eq "one message" "$(mail_count)" 1
expect "to amy" "$(head -1 "$T/mail/0")" "-- amy@example.org"
link=$(confirm_link "$T/mail/0")
[ -n "$link" ] && ok || fail "no link"
check "pending" 1 "$C" -c "$T/om.conf" check amy@example.org marketing
check "again: nothing within the interval" 0 "$C" -c "$T/om.conf" subscribe amy@example.org marketing --confirm
expect "why" "$out" "confirmation sent within confirm-interval"
expect_eq "still one message" "$(mail_count)" 1
"$C" -c "$T/om.conf" suppress bob@example.org --reason bounce >/dev/null
check "suppressed: refused" 65 "$C" -c "$T/om.conf" subscribe bob@example.org marketing --confirm
expect "why" "$out" "suppressed"
expect_eq "nothing to bob" "$(mail_count)" 1
check "--confirm with --pending" 64 "$C" -c "$T/om.conf" subscribe amy@example.org marketing --confirm --pending
check "a domain" 65 "$C" -c "$T/om.conf" subscribe @example.org marketing --confirm
# a sendmail that fails: pending stays, the exit says the message is not out
printf '#!/bin/sh\nexit 75\n' > "$T/failmail"
chmod 755 "$T/failmail"
sed "s|^sendmail-path .*|sendmail-path $T/failmail|" "$T/om.conf" > "$T/fail.conf"
check "sendmail fails" 75 "$C" -c "$T/fail.conf" subscribe cy@example.org marketing --confirm
expect "says why" "$err" "exit status 75"
# without confirm-from: a configuration error
grep -v '^confirm-\|subscribe yes' "$T/om.conf" > "$T/noconf.conf"
check "no confirm-from" 78 "$C" -c "$T/noconf.conf" subscribe dan@example.org marketing --confirm

# confirm it through optin-unsubd, then show --json
start_unsubd "$T/om.conf" "$T/unsubd.log" || done_testing
http "POST /c/" 200 -d confirm=1 "$link"
stop_unsubd
check "show --json" 0 "$C" -c "$T/om.conf" show amy@example.org --json
printf '%s\n' "$out" > "$T/show.json"
check "valid JSON with the chain" 0 python3 - "$T/show.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["address"] == "amy@example.org", d
c = [x for x in d["consent"] if x["list"] == "marketing"][0]
assert c["status"] == "opt-in", c
chain = c["chain"]
assert [e["to"] for e in chain] == ["pending", "opt-in"], chain
assert chain[0]["source"] == "shop checkout", chain[0]
assert "route=optinctl" in chain[0]["evidence"], chain[0]
assert chain[1]["source"] == "confirm", chain[1]
assert chain[1]["evidence"].startswith("route=POST /c/"), chain[1]
assert d["decisions"]["marketing"] == "deliver", d["decisions"]
assert len(d["history"]) == 2, d["history"]
PY
expect_eq "python says" "$err" ""
# hostile text stays inside its JSON string
printf 'address,list,status,source,changed,expires\nhal@example.org,marketing,opt-out,"a ""quoted""\\ source",2026-01-01,\n' > "$T/h.csv"
"$C" -c "$T/om.conf" import "$T/h.csv" >/dev/null
check "show --json hal" 0 "$C" -c "$T/om.conf" show hal@example.org --json
printf '%s\n' "$out" > "$T/hal.json"
check "quotes and backslashes escaped" 0 python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["consent"][0]["source"] == "a \"quoted\"\\ source", d' "$T/hal.json"

# expire: pending records older than confirm-ttl (7d) go, younger stay
printf 'address,list,status,source,changed,expires\nold@example.org,marketing,pending,form,2020-01-01,\nold@example.org,releases,pending,form,2020-01-02,\nkept@example.org,marketing,opt-in,form,2020-01-01,\n' > "$T/p.csv"
"$C" -c "$T/om.conf" import "$T/p.csv" >/dev/null
check "expire" 0 "$C" -c "$T/om.conf" expire
expect_eq "two expired (cy's is young)" "$out" "expired 2 pending records"
check "show old" 0 "$C" -c "$T/om.conf" show old@example.org
expect_not "no pending left" "$(printf '%s\n' "$out" | grep '^consent')" "pending"
expect "history says who" "$out" 'pending -> none source="expire"'
check "opt-in kept" 0 "$C" -c "$T/om.conf" check kept@example.org marketing
check "cy still pending" 1 "$C" -c "$T/om.conf" check cy@example.org marketing
expect_eq "cy" "$out" "deny pending"
check "expire again" 0 "$C" -c "$T/om.conf" expire
expect_eq "nothing more" "$out" "expired 0 pending records"
check "expire takes no argument" 64 "$C" -c "$T/om.conf" expire now
done_testing
