#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# hide_more.sh - hide-stripped yes (split yes, the shipped snippets)
# against headers a sender's software really writes, one message each,
# a1 (consent) and nocon@ (none) the recipients: an obsolete route, the
# address in capitals, two To: headers, a To: left with nobody, an encoded word holding a comma, an
# unbalanced quote, text after the address, and a To: of 600 mailboxes
# (nocon@ the 301st; the kept ones must all stay). The copy a1 gets never
# shows nocon@ and every To:/Cc: still parses. A value that does not
# parse (the unbalanced quote) must not be left whole when it holds a
# stripped address: undisclosed-recipients:; or the kept ones only.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../milter/lib.sh"
. "$(dirname "$0")/lib.sh"

e2e_conf "$T/om.conf"
sed -i "s/^split .*/split yes/" "$T/om.conf"
grep -q '^hide-stripped' "$T/om.conf" &&
    sed -i 's/^hide-stripped .*/hide-stripped yes/' "$T/om.conf" ||
    echo "hide-stripped yes" >> "$T/om.conf"
ctl() { "$C" -c "$T/om.conf" "$@" >/dev/null; }
ctl init
ctl subscribe a1@example.org marketing

start_milter "$T/om.conf" "$T/milter.log" || done_testing
pf_start_site "unix:$T/milter.sock" || done_testing

# many: keep0@ .. keep599@ but nocon@ in place of keep300@, folded
awk 'BEGIN { printf "many|To: "
	for (i = 0; i < 600; i++) {
		if (i) printf (i % 5 ? ", " : ",\\r\\n ")
		printf (i == 300 ? "nocon@example.org" : "keep%d@example.org"), i
	}
	print "" }' > "$T/many.case"
n=0
while IFS='|' read -r name hdrs; do
	[ -z "$name" ] && continue
	n=$((n + 1))
	{
		printf 'From: news@example.com\r\nSubject: %s\r\nX-Optin-List: marketing\r\n' "$name"
		printf '%b\r\n\r\nbody\r\n' "$hdrs"
	} > "$T/$name.eml"
	out=$(swaks --server "127.0.0.1:$SUB_PORT" --from news@example.com \
	    --to a1@example.org,nocon@example.org --data "$T/$name.eml" 2>&1)
	pf_wait "$n" || true
	f=$(sink_for "$name")
	[ -n "$f" ] || { fail "$name: not delivered"; continue; }
	python3 - "$f" > "$T/check.out" 2>&1 <<'PY'
import sys, re, email, email.policy
from email.utils import getaddresses
raw = open(sys.argv[1], 'rb').read().replace(b'\r\n', b'\n')
head = raw.split(b'\n\n', 1)[0].decode('latin-1')
bad = []
for line in head.split('\n'):
    if len(line) > 998:
        bad.append('line over 998')
msg = email.message_from_string(head + '\n\n', policy=email.policy.compat32)
for h in ('To', 'Cc'):
    for v in msg.get_all(h, []):
        flat = re.sub(r'\s*\n\s*', ' ', v)
        if 'nocon' in flat.lower():
            bad.append(h + ': stripped address visible: ' + flat.strip())
        if flat.strip() == '':
            bad.append(h + ': empty')
kept = set()
for v in msg.get_all('To', []):
    kept.update(a for _, a in getaddresses([v]) if a.startswith('keep'))
if kept:
    bad.append('kept %d' % len(kept))
print('\n'.join(bad) if bad else 'clean')
PY
	want=clean
	[ "$name" = many ] && want="kept 599"
	expect_eq "$name" "$(cat "$T/check.out")" "$want"
done <<CASES
route|To: a1@example.org, <@relay.example.net:nocon@example.org>
capitals|To: a1@example.org, NOCON@EXAMPLE.ORG
twoto|To: a1@example.org\r\nTo: nocon@example.org
nobody|To: nocon@example.org\r\nCc: a1@example.org
encodedcomma|To: =?UTF-8?Q?M=C3=BCller,_Hans?= <nocon@example.org>, a1@example.org
unbalanced|To: "Hans <nocon@example.org>, a1@example.org
after|To: nocon@example.org (Hans) x, a1@example.org
$(cat "$T/many.case")
CASES
grep 'hide\|left whole\|header' "$T/milter.log" | sed 's/^/# /' | head -n 12
stop_milter
done_testing
