#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# firstrun.sh - what a first visitor sees: GET / says what the service
# is, the pages name the organisation and link its privacy policy, /u/
# says "already unsubscribed" after an unsubscribe (one-click or
# unsubscribe-all), the quick start's trial configuration points its
# links at this optin-unsubd, and the README links only to files of the
# repository
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

unsubd_conf
"$C" -c "$T/om.conf" init >/dev/null
for l in marketing status; do
	"$C" -c "$T/om.conf" subscribe ann@example.org "$l" >/dev/null
done
"$C" -c "$T/om.conf" subscribe ben@example.org marketing >/dev/null
start_unsubd "$T/om.conf" "$T/unsubd.log" || done_testing

http "front page" 200 "$BASE/"
expect "says what it is" "$out" "This service handles the unsubscribe and preference links"
expect "names the organisation" "$out" "Example Ltd"
expect "privacy link" "$out" '<a class="privacy" href="https://www.example.com/privacy">Privacy policy</a>'
expect_not "names nobody" "$out" "ann@"
http "HEAD /" 200 -I "$BASE/"
http "POST /" 405 -d x=1 "$BASE/"
http "other paths still 404" 404 "$BASE/index.html"

tok=$(token ann@example.org marketing)
http "unsubscribe page" 200 "$BASE/u/$tok"
expect "offers the button" "$out" "<button type=\"submit\">Unsubscribe</button>"
expect "footer org" "$out" '<span class="org">Example Ltd</span>'
expect "footer privacy" "$out" 'href="https://www.example.com/privacy"'
http "preference page" 200 "$BASE/p/$tok"
expect "prefs footer" "$out" 'href="https://www.example.com/privacy">Privacy policy</a>'
http "one-click" 200 --data "List-Unsubscribe=One-Click" "$BASE/u/$tok"
expect "done page footer" "$out" "Example Ltd"
http "unsubscribe page again" 200 "$BASE/u/$tok"
expect "already unsubscribed" "$out" "You are already unsubscribed"
expect_not "no button" "$out" "<button"
expect "still the preference link" "$out" "../p/$tok"
# the other list of the same person is not affected
http "status page" 200 "$BASE/u/$(token ann@example.org status)"
expect "status still offered" "$out" "<button type=\"submit\">Unsubscribe</button>"
# unsubscribe-all counts too; a bounce suppression does not
"$C" -c "$T/om.conf" unsubscribe ben@example.org --all >/dev/null
http "after unsubscribe-all" 200 "$BASE/u/$(token ben@example.org marketing)"
expect "all: already" "$out" "You are already unsubscribed"
"$C" -c "$T/om.conf" subscribe cat@example.org marketing >/dev/null
"$C" -c "$T/om.conf" suppress cat@example.org --reason bounce >/dev/null
http "bounced person" 200 "$BASE/u/$(token cat@example.org marketing)"
expect "bounce: button" "$out" "<button type=\"submit\">Unsubscribe</button>"
stop_unsubd

# without organisation and privacy-url: no footer at all
sed -i -e '/^organisation /d' -e '/^privacy-url /d' "$T/om.conf"
start_unsubd "$T/om.conf" "$T/unsubd2.log" || done_testing
http "plain front page" 200 "$BASE/"
expect "generic wording" "$out" "the emails this organisation sends"
expect_not "no footer" "$out" "<footer>"
stop_unsubd

# the quick start's trial configuration: links a person can click here
mkdir "$T/qs"
check "quickstart conf" 0 sh "$top_srcdir/quickstart" conf "$T/qs"
q=$(cat "$T/qs/optin-milter.conf")
expect "trial unsubscribe-url" "$q" "unsubscribe-url     http://127.0.0.1:8025/u/"
expect "trial preferences-url" "$q" "preferences-url     http://127.0.0.1:8025/p/"
expect "trial listen" "$q" "listen        127.0.0.1:8025"
expect "trial database" "$q" "database $T/qs/db"
check "trial configuration is good" 0 "$C" -c "$T/qs/optin-milter.conf" lists

# README: every link and every repository path it names exists here
bad=$(python3 - "$top_srcdir" <<'PY'
import os, re, sys
top = sys.argv[1]
text = open(os.path.join(top, "README.md")).read()
bad = []
for target in re.findall(r'\]\(([^)]+)\)', text):
    if re.match(r'[a-z]+:', target) or target.startswith("/") or \
            not os.path.exists(os.path.join(top, target.split("#")[0])):
        bad.append(target)
for path in re.findall(r'`([^` ]*/[^` ]*)`', text):
    if path.startswith("../") or "/.." in path:
        bad.append(path)
    elif re.match(r'(conf|man|tests|ctl|policy|milter|unsubd|common|debian|bench|feedback)/[^*{]*$', path) \
            and not os.path.exists(os.path.join(top, path)):
        bad.append(path)
print(" ".join(bad))
PY
)
expect_eq "README links and paths" "$bad" ""
done_testing
