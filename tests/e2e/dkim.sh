#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# dkim.sh - OpenDKIM after optin-milter in the same Postfix: the
# List-Unsubscribe headers are signed, and the signature verifies
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../milter/lib.sh"
. "$(dirname "$0")/lib.sh"

e2e_conf "$T/om.conf"
"$C" -c "$T/om.conf" init >/dev/null
"$C" -c "$T/om.conf" subscribe alice@example.org marketing >/dev/null

# a signing key of our own; the OpenDKIM lines shipped in conf/.
# OpenDKIM refuses files below a directory others can write (/tmp), so
# its files live under /run.
mkdir -p /run/optin-tests
chmod 755 /run/optin-tests
DK=$(mktemp -d /run/optin-tests/dkim.XXXXXX)
chmod 755 "$DK"
rm_dk() { rm -rf "$DK"; }
cleanup_hooks="$cleanup_hooks rm_dk"
opendkim-genkey -D "$DK" -d example.com -s test -b 1024 || fail "opendkim-genkey"
cat > "$DK/opendkim.conf" <<CF
Syslog                  no
Mode                    s
Domain                  example.com
Selector                test
KeyFile                 $DK/test.private
Socket                  local:$DK/dkim.sock
UMask                   000
Canonicalization        relaxed/relaxed
InternalHosts           127.0.0.1
PidFile                 $DK/opendkim.pid
CF
sed -n 's/^\([A-Za-z]*Headers\) .*/&/p' "$top_srcdir/conf/opendkim.conf.snippet" >> "$DK/opendkim.conf"
grep -q '^SignHeaders.*list-unsubscribe-post' "$DK/opendkim.conf" && ok ||
    fail "conf/opendkim.conf.snippet does not sign list-unsubscribe-post"
opendkim -x "$DK/opendkim.conf" -f 2>"$DK.log" &
dkim_pid=$!
stop_dkim() { kill "$dkim_pid" 2>/dev/null; wait "$dkim_pid" 2>/dev/null; }
cleanup_hooks="$cleanup_hooks stop_dkim"
_i=0
while [ ! -S "$DK/dkim.sock" ] && [ $_i -lt 100 ]; do sleep 0.05; _i=$((_i+1)); done

start_milter "$T/om.conf" "$T/milter.log" || done_testing
# optin-milter first, then the signer: the order conf/ prescribes
pf_start "unix:$T/milter.sock, unix:$DK/dkim.sock" || done_testing
send_smtp "k1" news@example.com "alice@example.org,carol@example.org" \
    --header "From: News <news@example.com>"
pf_wait 1 || true
f=$(sink_for k1)
expect "signed" "$(cat "$f")" "DKIM-Signature:"
h=$(sed -n '/^DKIM-Signature:/,/^[^ \t]/p' "$f" | tr -d ' \t\n' | sed 's/.*;h=\([^;]*\);.*/\1/' | tr 'A-Z' 'a-z')
expect "h= covers List-Unsubscribe" ":$h:" ":list-unsubscribe:"
expect "h= covers List-Unsubscribe-Post" ":$h:" ":list-unsubscribe-post:"
expect "h= covers List-Id" ":$h:" ":list-id:"

# verify with the public key, no DNS: drop what smtp-sink added
p=$(sed -n 's/.*"\(.*\)".*/\1/p' "$DK/test.txt" | tr -d '\n' | sed 's/.*p=//')
echo "test._domainkey.example.com v=DKIM1; k=rsa; p=$p" > "$DK/keys"
printf 'Mode v\nSyslog no\nTestPublicKeys %s\n' "$DK/keys" > "$DK/verify.conf"
sed -e '/^X-Client-Addr:/d' -e '/^X-Client-Proto:/d' -e '/^X-Helo-Args:/d' \
    -e '/^X-Mail-Args:/d' -e '/^X-Rcpt-Args:/d' "$f" > "$T/signed.eml"
check "opendkim verifies" 0 opendkim -x "$DK/verify.conf" -vv -t "$T/signed.eml"
expect "verified" "$out$err" "1024-bit key) succeeded"
expect "dkim=pass" "$out$err" "dkim=pass"
# and a changed List-Unsubscribe breaks it: the signature covers it
sed 's|lists.example.com/u/|lists.example.net/u/|' "$T/signed.eml" > "$T/forged.eml"
check "forged run" 0 opendkim -x "$DK/verify.conf" -vv -t "$T/forged.eml"
expect_not "forged fails" "$out$err" "key) succeeded"
expect "forged: dkim=fail" "$out$err" "dkim=fail"

# the split's second pass, as the signed message sent again: optin-milter
# gives it a List-Unsubscribe of its own, so the first signature, which
# signs that header, no longer verifies and goes; the signer after
# optin-milter signs the copy anew (one signature, and it verifies)
sed 's/^Subject: k1$/Subject: k2/' "$T/signed.eml" > "$T/again.eml"
out=$(swaks --server "127.0.0.1:$SMTP_PORT" --from news@example.com \
    --to alice@example.org --data "$T/again.eml" 2>&1)
pf_wait 2 || true
f2=$(sink_for k2)
[ -n "$f2" ] && ok || fail "k2 did not reach the sink: $out"
expect_eq "one signature" "$(grep -c '^DKIM-Signature:' "$f2")" 1
expect_not "a List-Unsubscribe of its own" "$(grep '^List-Unsubscribe:' "$f2")" \
    "$(grep '^List-Unsubscribe:' "$f")"
sed -e '/^X-Client-Addr:/d' -e '/^X-Client-Proto:/d' -e '/^X-Helo-Args:/d' \
    -e '/^X-Mail-Args:/d' -e '/^X-Rcpt-Args:/d' "$f2" > "$T/again-signed.eml"
check "the copy verifies" 0 opendkim -x "$DK/verify.conf" -vv -t "$T/again-signed.eml"
expect "copy: dkim=pass" "$out$err" "dkim=pass"
expect_not "copy: no failing signature" "$out$err" "dkim=fail"
stop_milter
done_testing
