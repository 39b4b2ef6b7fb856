#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# formpage.sh - subscribing as a person does: a web site (another origin)
# embeds the shipped conf/subscribe-form.html, headless Chromium types
# the address, ticks the list and sends; the confirmation goes out
# through the private Postfix's sendmail(1) and is read from smtp-sink;
# a link scanner opens its link (nothing changes), the person opens it
# and presses the button; the next list message reaches her. The
# request's evidence names the embedding page's origin.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../milter/lib.sh"
. "$(dirname "$0")/../unsubd/lib.sh"
. "$(dirname "$0")/lib.sh"

if ! command -v chromium >/dev/null || ! command -v npm >/dev/null; then
	echo "# skipped: no chromium or npm (./quickstart check installs them)"
	exit 77
fi
PW="$top_builddir/tests/node"
if [ -z "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f /etc/ssl/certs/ca-certificates.crt ]; then
	NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
	export NODE_EXTRA_CA_CERTS
fi
if [ ! -d "$PW/node_modules/playwright-core" ]; then
	mkdir -p "$PW"
	HOME=${HOME:-$T} npm install --prefix "$PW" --cache "$PW/.npm-cache" --no-audit \
	    --no-fund --loglevel=error playwright-core@1 >"$T/npm.log" 2>&1 ||
	    { fail "npm install playwright-core: $(tail -n 5 "$T/npm.log")"; done_testing; }
fi
B="env HOME=${HOME:-$T} NODE_PATH=$PW/node_modules node $top_srcdir/tests/unsubd/browser.js"

subscribe_conf
e2e_conf "$T/om.conf" \
    -e "s|^unsubscribe-url .*|unsubscribe-url http://127.0.0.1:$PORT/u/|" \
    -e "s|^preferences-url .*|preferences-url http://127.0.0.1:$PORT/p/|"
cat > "$T/sendmail" <<SH
#!/bin/sh
exec /usr/sbin/sendmail -C "$PF" "\$@"
SH
chmod 755 "$T/sendmail"
"$C" -c "$T/om.conf" init >/dev/null
"$C" -c "$T/om.conf" subscribe dave@example.org marketing >/dev/null

start_milter "$T/om.conf" "$T/milter.log" || done_testing
start_unsubd "$T/om.conf" "$T/unsubd.log" || done_testing
pf_start "unix:$T/milter.sock" || done_testing

# the web site: the shipped form in a page of its own, on another origin
WEB_PORT=$(free_port)
mkdir -p "$T/www"
{
	echo '<!doctype html><html><head><meta charset="utf-8"><title>News</title></head><body><h1>Our newsletter</h1>'
	sed "s|https://lists.example.com/s|http://127.0.0.1:$PORT/s|" "$top_srcdir/conf/subscribe-form.html"
	echo '</body></html>'
} > "$T/www/index.html"
python3 -m http.server --bind 127.0.0.1 --directory "$T/www" "$WEB_PORT" >/dev/null 2>&1 &
web_pid=$!
stop_web() { [ -n "${web_pid:-}" ] && kill "$web_pid" 2>/dev/null; web_pid=""; }
cleanup_hooks="$cleanup_hooks stop_web"
_i=0
until curl -s -o /dev/null "http://127.0.0.1:$WEB_PORT/" || [ $_i -ge 100 ]; do
	sleep 0.1
	_i=$((_i + 1))
done

check "the person sends the form" 0 $B subscribe "http://127.0.0.1:$WEB_PORT/" erin@example.org marketing
echo "$out" | sed 's/^/# /'
expect "the answer" "$out" "after "
pf_wait 1 || true
m=$(sink_for "Please confirm your subscription")
[ -n "$m" ] && ok || fail "no confirmation reached the sink: $(ls "$SINK"); $(tail -n 5 "$T/unsubd.log")"
expect_eq "sent to erin" "$(rcpts "$m")" "erin@example.org "
link=$(confirm_link "$m")
expect "a link to /c/" "$link" "http://127.0.0.1:$PORT/c/"
check "show erin" 0 "$C" -c "$T/om.conf" show erin@example.org
expect "the page's origin in the evidence" "$out" "origin=\\x22http://127.0.0.1:$WEB_PORT\\x22"
expect "the consent version" "$out" "consent=2026-11"

# a scanner in a real browser opens the link
check "scanner opens the link" 0 $B show "$link"
check "still pending" 1 "$C" -c "$T/om.conf" check erin@example.org marketing
# the person opens it and presses the button
check "the person confirms" 0 $B confirm "$link"
echo "$out" | sed 's/^/# /'
check "erin in" 0 "$C" -c "$T/om.conf" check erin@example.org marketing
send_smtp "f1" news@example.com "erin@example.org,dave@example.org"
pf_wait 2 || true
expect_eq "f1 reaches erin" "$(rcpts "$(sink_for f1)")" "dave@example.org erin@example.org "
stop_web
stop_unsubd
stop_milter
done_testing
