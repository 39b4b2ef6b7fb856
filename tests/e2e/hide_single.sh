#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# hide_single.sh - single stage, several recipients, some stripped: the copy
# that goes out no longer shows them in To: or Cc: (hide-stripped yes),
# whatever the header looks like (display names with commas, groups,
# comments, encoded words, folding); hide-stripped no leaves every header
# alone. Values that do not parse with certainty are left whole:
# tests/unit/test_hdraddr.c
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../milter/lib.sh"
. "$(dirname "$0")/lib.sh"

e2e_conf "$T/om.conf"
ctl() { "$C" -c "$T/om.conf" "$@" >/dev/null; }
ctl init
for a in alice dave erin; do ctl subscribe "$a@example.org" marketing; done

start_milter "$T/om.conf" "$T/milter.log" || done_testing
pf_start "unix:$T/milter.sock" || done_testing

# the raw header block of a delivered message, unfolded lines kept
hdr() {
	tr -d '\r' < "$2" | awk -v n="$1:" 'BEGIN { IGNORECASE = 1 }
	    /^$/ { exit }
	    f && /^[ \t]/ { print; next }
	    { f = 0 }
	    tolower($1) == tolower(n) { f = 1; print }'
}

# send SUBJECT FILE-OF-HEADERS: to alice, dave, erin (consent) and
# carol, bob (none)
send() {
	{
		echo "From: news@example.com"
		echo "Subject: $1"
		echo "X-Optin-List: marketing"
		cat "$2"
		echo
		echo "body"
	} > "$T/$1.eml"
	out=$(swaks --server "127.0.0.1:$SMTP_PORT" --from news@example.com \
	    --to alice@example.org,carol@example.org,dave@example.org,bob@example.org,erin@example.org \
	    --data "$T/$1.eml" 2>&1)
	expect "$1 accepted" "$out" "250 2.0.0 Ok: queued"
}

cat > "$T/h1" <<'H'
To: "Carol, Sales" <carol@example.org>, alice@example.org,
	=?utf-8?q?Bob_B=C3=BCrger?= <BOB@example.org> (old address),
	dave@example.org
Cc: Team: erin@example.org, carol@example.org;, "x\"y" <bob@example.org>
H
send h1 "$T/h1"
pf_wait 1 || true
f=$(sink_for h1)
expect_eq "h1 envelope" "$(rcpts "$f")" "alice@example.org dave@example.org erin@example.org "
to=$(hdr To "$f")
cc=$(hdr Cc "$f")
expect_not "h1 carol gone from To" "$to" "carol"
expect_not "h1 bob gone from To" "$to" "BOB"
expect_not "h1 comment went with bob" "$to" "old address"
expect "h1 alice stays" "$to" "alice@example.org"
expect "h1 dave stays" "$to" "dave@example.org"
expect_eq "h1 Cc" "$cc" "Cc: Team: erin@example.org;"
expect_eq "h1 one To" "$(grep -ci '^To:' "$f")" 1
expect_eq "h1 one Cc" "$(grep -ci '^Cc:' "$f")" 1
expect_eq "h1 no header line over 998" \
    "$(tr -d '\r' < "$f" | awk 'length($0) > 998' | wc -l)" 0

# a Cc: left with nobody; what Postfix's cleanup makes of a hostile To:
# (it rewrites header addresses of local clients first) still parses
cat > "$T/h2" <<'H'
To: Carol <carol@example.org> trailing words, alice@example.org
Cc: carol@example.org
H
send h2 "$T/h2"
pf_wait 2 || true
f=$(sink_for h2)
expect "h2 To keeps alice" "$(hdr To "$f")" "alice@example.org"
expect_not "h2 To without carol" "$(hdr To "$f")" "carol"
expect_eq "h2 Cc emptied" "$(hdr Cc "$f")" "Cc: undisclosed-recipients:;"

# hide-stripped no: the headers as they were
stop_milter
sed -i "s/^hide-stripped .*/hide-stripped no/" "$T/om.conf"
start_milter "$T/om.conf" "$T/milter.log" || done_testing
send h3 "$T/h1"
pf_wait 3 || true
f=$(sink_for h3)
expect_eq "h3 envelope" "$(rcpts "$f")" "alice@example.org dave@example.org erin@example.org "
expect "h3 carol still shown" "$(hdr To "$f")" '"Carol, Sales" <carol@example.org>'
expect "h3 Cc as sent" "$(hdr Cc "$f")" 'Team: erin@example.org, carol@example.org;, "x\"y" <bob@example.org>'
stop_milter
done_testing
