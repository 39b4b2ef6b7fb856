#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# hide.sh - hide-stripped yes against hostile To:/Cc: headers, through a
# site wired from the shipped snippets (split yes): a group, a display
# name holding a comma and another address, an encoded-word name, a
# folded header, and a Cc: of 1000 addresses of which 200 are envelope
# recipients without consent. The copy that reaches the one person with
# consent shows none of the stripped addresses, keeps every other one,
# and every header still parses (RFC 5322 line limit, address lists).
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
ctl subscribe keep@example.org marketing

start_milter "$T/om.conf" "$T/milter.log" || done_testing
pf_start_site "unix:$T/milter.sock" || done_testing

{
	printf 'From: news@example.com\r\nSubject: h1\r\nX-Optin-List: marketing\r\n'
	printf 'To: Friends: nocon1@example.org, a1@example.org;,\r\n'
	printf ' "Doe, nocon2@example.org" <nocon2@example.org>,\r\n'
	printf '\t=?UTF-8?B?bm9jb24zQGV4YW1wbGUub3Jn?= <nocon3@example.org>, keep@example.org\r\n'
	printf 'Cc: '
	i=0
	while [ $i -lt 1000 ]; do
		[ $i -gt 0 ] && printf ',\r\n '
		printf 'c%d@example.org' $i
		i=$((i + 1))
	done
	printf '\r\n\r\nbody of h1\r\n'
} > "$T/h1.eml"
rc="a1@example.org,keep@example.org,nocon1@example.org,nocon2@example.org,nocon3@example.org"
i=0
while [ $i -lt 200 ]; do rc="$rc,c$i@example.org"; i=$((i + 1)); done
out=$(swaks --server "127.0.0.1:$SUB_PORT" --from news@example.com --to "$rc" \
    --data "$T/h1.eml" 2>&1)
expect "h1 accepted" "$out" "250 2.0.0 Ok: queued"
pf_wait 2 || true
for f in $(grep -l -x "Subject: h1" "$SINK"/* 2>/dev/null); do
	who=$(rcpts "$f")
	python3 - "$f" > "$T/check.out" 2>&1 <<'PY'
import sys, re, email, email.policy
from email.utils import getaddresses
raw = open(sys.argv[1], 'rb').read().replace(b'\r\n', b'\n')
head = raw.split(b'\n\n', 1)[0]
bad = []
for line in head.split(b'\n'):
    if len(line) > 998:
        bad.append('line over 998 octets')
msg = email.message_from_bytes(raw, policy=email.policy.compat32)
for h in ('To', 'Cc'):
    for v in msg.get_all(h, []):
        flat = re.sub(r'\s*\n\s*', ' ', v)
        if re.search(r'(^|,)\s*(,|$)', flat):
            bad.append(h + ': empty element: ' + flat[:80])
        if flat.count('"') % 2:
            bad.append(h + ': unbalanced quote')
        for n in range(1, 4):
            if 'nocon%d' % n in flat or 'bm9jb24z' in flat:
                bad.append(h + ': stripped nocon%d visible' % n)
        addrs = [a for _, a in getaddresses([flat])]
        for n in range(200):
            if 'c%d@example.org' % n in addrs:
                bad.append(h + ': stripped c%d visible' % n)
                break
        if h == 'Cc' and 'c999@example.org' not in addrs:
            bad.append('Cc: c999 (never a recipient) lost')
        if h == 'To' and 'keep@example.org' not in addrs:
            bad.append('To: keep lost')
print('\n'.join(bad) if bad else 'clean')
PY
	expect_eq "h1 copy for $who" "$(cat "$T/check.out")" "clean"
done
expect_eq "h1: copies" "$(grep -l -x 'Subject: h1' "$SINK"/* | wc -l)" 2
stop_milter
done_testing
