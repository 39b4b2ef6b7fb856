#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# verbs.sh - optinctl end to end on a temporary database: every verb,
# its output and its exit code
. "$(dirname "$0")/../lib.sh"

C="$top_builddir/optinctl"
test_conf "$T/om.conf"
ctl() { "$C" -c "$T/om.conf" "$@"; }

# --- init
check "init" 0 ctl init
expect "init says" "$out" "created database"
mode=$(stat -c %a "$T/secret.key")
expect_eq "key mode" "$mode" 600
[ -f "$T/db/data.mdb" ] && ok || fail "no data.mdb"
key_before=$(cat "$T/secret.key")
check "init twice" 73 ctl init
expect "init twice says" "$err" "exists already"
expect_eq "key untouched" "$(cat "$T/secret.key")" "$key_before"
rm "$T/db/data.mdb" "$T/db/lock.mdb"
check "init with a key but no database" 73 ctl init
expect "refuses the key" "$err" "secret-file"
[ ! -f "$T/db/data.mdb" ] && ok || fail "init created a database next to an old key"
rm "$T/secret.key"
check "init again" 0 ctl init

# --- lists: the seven categories of the policy
check "lists" 0 ctl lists
expect_eq "seven lists" "$(echo "$out" | wc -l)" 7
for l in marketing maintenance status proactive-support releases transactional support; do
	expect "list $l" "$out" "$l consent="
done
expect "transactional needs no consent" "$out" "transactional consent=none unsubscribe=no"

# --- consent of every status
check "no consent" 1 ctl check Alice@Example.ORG marketing
expect_eq "no consent says" "$out" "deny no-consent"
check "subscribe" 0 ctl subscribe Alice@Example.ORG marketing --source web-form
expect_eq "subscribe says" "$out" "alice@example.org marketing opt-in"
check "opt-in delivers" 0 ctl check alice@example.org marketing
expect_eq "deliver" "$out" "deliver"
check "tagged address" 0 ctl check 'alice+promo@EXAMPLE.org' marketing
check "pending" 0 ctl subscribe bob@example.org marketing --pending
check "pending denies" 1 ctl check bob@example.org marketing
expect_eq "pending reason" "$out" "deny pending"
check "expired" 0 ctl subscribe carol@example.org marketing --expires 2001-01-01
check "expired denies" 1 ctl check carol@example.org marketing
expect_eq "expired reason" "$out" "deny expired"
check "not yet expired" 0 ctl subscribe dan@example.org marketing --expires 2099-12-31T23:59:59Z
check "future expiry delivers" 0 ctl check dan@example.org marketing
check "relationship" 0 ctl subscribe erin@example.org maintenance --relationship
check "relationship delivers on relationship list" 0 ctl check erin@example.org maintenance
check "relationship is not express" 1 ctl check erin@example.org marketing
expect_eq "relationship on express" "$out" "deny no-consent"
check "unsubscribe list" 0 ctl unsubscribe alice@example.org marketing
expect_eq "unsubscribe says" "$out" "alice@example.org marketing opt-out"
check "opted out" 1 ctl check alice@example.org marketing
expect_eq "opted-out reason" "$out" "deny opted-out"

# --- domain-wide relationship, personal opt-out wins, domain expiry
check "domain relationship" 0 ctl subscribe @customer.example status --relationship
check "anyone at the domain" 0 ctl check ops@customer.example status
check "personal opt-out" 0 ctl unsubscribe ops@customer.example status
check "opt-out beats domain" 1 ctl check ops@customer.example status
expect_eq "opt-out beats domain reason" "$out" "deny opted-out"
check "colleague still gets it" 0 ctl check cto@customer.example status
check "domain express refused" 65 ctl subscribe @customer.example marketing
check "expired domain" 0 ctl subscribe @old.example status --relationship --expires 2020-01-01
check "expired domain denies" 1 ctl check x@old.example status
expect_eq "expired domain reason" "$out" "deny expired"

# --- suppressions of every reason
for r in unsubscribe-all bounce complaint manual legal; do
	a="s-$r@example.org"
	ctl subscribe "$a" marketing >/dev/null 2>&1
	check "suppress $r" 0 ctl suppress "$a" --reason "$r"
	check "suppressed $r" 1 ctl check "$a" marketing
	expect_eq "suppressed $r reason" "$out" "deny suppressed:$r"
done
# consent none lists: only honoured reasons (transactional: bounce complaint legal)
check "tx ignores unsubscribe-all" 0 ctl check s-unsubscribe-all@example.org transactional
check "tx ignores manual" 0 ctl check s-manual@example.org transactional
check "tx honours bounce" 1 ctl check s-bounce@example.org transactional
check "support honours legal only" 0 ctl check s-bounce@example.org support
check "support honours legal" 1 ctl check s-legal@example.org support
check "unsubscribe --all" 0 ctl unsubscribe frank@example.org --all
check "all holds back" 1 ctl check frank@example.org releases
expect_eq "all reason" "$out" "deny suppressed:unsubscribe-all"
check "domain suppression" 0 ctl suppress @spamtrap.example --reason complaint
check "domain suppression holds" 1 ctl check a@spamtrap.example transactional
check "subscribe warns about suppression" 0 ctl subscribe frank@example.org marketing
expect "warning" "$err" "is suppressed (unsubscribe-all)"
check "unsuppress" 0 ctl unsuppress frank@example.org
expect_eq "unsuppress says" "$out" "frank@example.org unsuppressed"
check "delivers after unsuppress" 0 ctl check frank@example.org marketing
check "unsuppress again" 0 ctl unsuppress frank@example.org
expect "not suppressed" "$out" "was not suppressed"
check "bad reason" 65 ctl suppress x@example.org --reason spite
check "missing reason" 64 ctl suppress x@example.org

# --- show
check "show" 0 ctl show 'Alice+X@example.org'
expect "show consent" "$out" "consent alice@example.org marketing opt-out"
expect "show decision" "$out" "decision marketing deny opted-out"
expect "show history" "$out" "history "
expect "show history source" "$out" 'source="web-form"'
expect "show history transition" "$out" "opt-in -> opt-out"

# --- export
check "export" 0 ctl export
expect "export header" "$out" "address,list,status,source,changed,expires"
expect "export row" "$out" "alice@example.org,marketing,opt-out,optinctl,"
expect "export domain" "$out" "@customer.example,status,relationship"
check "export one list" 0 ctl export --list maintenance
expect_eq "export list rows" "$(echo "$out" | wc -l)" 2
expect "export list row" "$out" "erin@example.org,maintenance,relationship"

# --- export-suppression
check "export-suppression" 0 ctl export-suppression
expect "clear" "$out" "s-bounce@example.org"
want=$(printf '%s' s-bounce@example.org | sha256sum | cut -d' ' -f1)
check "hashed" 0 ctl export-suppression --hash sha256
expect "warns without a salt" "$err" "without --salt, anybody can tell which addresses are in it"
expect "hash" "$out" "$want"
expect_not "no clear address" "$out" "@"
want=$(printf '%s' pepper s-bounce@example.org | sha256sum | cut -d' ' -f1)
check "salted" 0 ctl export-suppression --hash sha256 --salt pepper
expect_eq "no warning with a salt" "$err" ""
expect "salted hash" "$out" "$want"
check "bad hash" 64 ctl export-suppression --hash md5

# --- token
check "token" 0 ctl token bob@example.org marketing
expect "token url" "$out" "unsubscribe-url: https://lists.example.com/u/"
expect "token prefs" "$out" "preferences-url: https://lists.example.com/p/"
expect "token mailto" "$out" "mailto: mailto:unsubscribe@example.com?subject=unsubscribe%20"
expect "token header" "$out" "List-Unsubscribe-Post: List-Unsubscribe=One-Click"
expect "token list-id" "$out" 'List-Id: "Best practices, events and product news" <marketing.lists.example.com>'
expect_not "token hides the address" "$out" "bob@"
chmod 0644 "$T/secret.key"
check "token refuses a readable key" 78 ctl token bob@example.org marketing
expect "says why" "$err" "chmod 0600"
chmod 0600 "$T/secret.key"

# --- stats
check "stats" 0 ctl stats
expect "stats marketing" "$out" "list marketing opt-in="
expect "stats opt-out" "$out" "opt-out=1"
expect "stats suppression" "$out" "suppression unsubscribe-all="
expect "stats legal" "$out" "legal=1"

# --- erase
check "erase" 0 ctl erase alice@example.org
expect "erase says what went" "$out" "alice@example.org erased: "
expect_not "erase not taken for nothing" "$out" "nothing was held"
check "erase again" 0 ctl erase alice@example.org
expect "erase again says so" "$out" \
    "alice@example.org was already erased; kept suppressed (legal)"
check "erase a stranger" 0 ctl erase nobody-here@example.org
expect "erase of nothing says so" "$out" \
    "nobody-here@example.org: nothing was held; kept suppressed (legal)"
check "stranger kept suppressed" 1 ctl check nobody-here@example.org transactional
check "erased show" 0 ctl show alice@example.org
expect_not "no consent left" "$out" "consent alice"
expect_not "no history left" "$out" "history "
expect "kept suppressed" "$out" "suppression alice@example.org legal"
expect "source erasure" "$out" 'source="erasure"'
check "erased is held back" 1 ctl check alice@example.org transactional
check "export has no alice" 0 ctl export
expect_not "export erased" "$out" "alice@"

# --- errors and exit codes
check "no verb" 64 ctl
check "unknown verb" 64 ctl frobnicate
check "too many args" 64 ctl check a@example.org marketing extra
check "unknown option" 64 ctl subscribe a@example.org marketing --forever
check "bad address" 65 ctl check 'not an address' marketing
expect "bad address says" "$err" "bad address"
check "CRLF address" 65 ctl subscribe "$(printf 'a@example.org\r\nBcc: x@y')" marketing
check "unknown list" 65 ctl check a@example.org nosuchlist
expect "unknown list says" "$err" 'unknown list "nosuchlist"'
check "bad date" 65 ctl subscribe a@example.org marketing --expires 2020-02-30
check "both flags" 64 ctl subscribe a@example.org marketing --pending --relationship
printf 'mode fast\n' > "$T/bad.conf"
check "bad configuration" 78 "$C" -c "$T/bad.conf" lists
expect_eq "bad configuration says" "$err" "optinctl: $T/bad.conf:1: mode: \"fast\" is not one of enforce | monitor"
check "missing configuration" 78 "$C" -c "$T/none.conf" lists
sed -e "s|^database .*|database $T/nodb|" "$T/om.conf" > "$T/nodb.conf"
check "missing database" 69 "$C" -c "$T/nodb.conf" check a@example.org marketing
expect "missing database says" "$err" "optinctl init"
check "version" 0 "$C" -V
expect "version says" "$out" "optinctl "

# the mark of the person's own confirmation is not the administrator's
check "--source confirm refused" 64 ctl subscribe sam@example.org marketing --source confirm
expect "says why" "$err" "is for the person's own confirmation"

# unsubscribe-all (which an opt-in confirmed since may pass) replaces no
# stronger suppression
check "a bounce" 0 ctl suppress bea@example.org --reason bounce
check "then unsubscribe --all" 0 ctl unsubscribe bea@example.org --all
expect "kept" "$out" "bea@example.org suppressed bounce already: kept"
check "suppress --reason unsubscribe-all" 0 ctl suppress bea@example.org --reason unsubscribe-all
expect "kept again" "$out" "suppressed bounce already: kept"
check "still a bounce" 1 ctl check bea@example.org marketing
expect_eq "bounce reason" "$out" "deny suppressed:bounce"
# ... but the person's request is kept under it, and lifting the bounce
# (the mailbox works again) puts it back in its place
check "show bea" 0 ctl show bea@example.org
expect "request under the bounce" "$out" "suppression-under bea@example.org unsubscribe-all "
check "unsuppress bea" 0 ctl unsuppress bea@example.org
expect "says it is back" "$out" "bea@example.org unsuppressed bounce; the person's unsubscribe-all of "
check "bea still out" 1 ctl check bea@example.org marketing
expect_eq "bea unsubscribe-all" "$out" "deny suppressed:unsubscribe-all"
# nsupp REASON: the number of suppressions of REASON in "ctl stats"
nsupp() { ctl stats | sed -n "s/^suppression .*$1=\([0-9]*\).*/\1/p"; }
all0=$(nsupp unsubscribe-all) bounce0=$(nsupp bounce)
check "bounce again" 0 ctl suppress bea@example.org --reason bounce
check "show --json" 0 ctl show bea@example.org --json
printf '%s\n' "$out" > "$T/bea.json"
check "both in the JSON" 0 python3 - "$T/bea.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["suppressions"]
r = sorted((x["reason"], x.get("under", "")) for x in s)
assert r == [("bounce", ""), ("unsubscribe-all", "bounce")], r
PY
expect_eq "stats: one bounce more" "$(nsupp bounce)" $((bounce0 + 1))
expect_eq "stats: the person's still counted" "$(nsupp unsubscribe-all)" "$all0"
check "lift the bounce" 0 ctl unsuppress bea@example.org
check "unsuppress bea again" 0 ctl unsuppress bea@example.org
expect_eq "then it goes" "$out" "bea@example.org unsuppressed"
check "bea gets mail" 0 ctl check bea@example.org transactional

# a manual suppression over a person's unsubscribe-all, lifted: the
# unsubscribe-all stays, with its own date and source
check "kim unsubscribes from all" 0 ctl unsubscribe kim@example.org --all --source "kim's letter"
check "manual over it" 0 ctl suppress kim@example.org --reason manual
check "manual holds" 1 ctl check kim@example.org marketing
expect_eq "kim manual" "$out" "deny suppressed:manual"
check "unsuppress kim" 0 ctl unsuppress kim@example.org
check "kim still out" 1 ctl check kim@example.org marketing
expect_eq "kim unsubscribe-all" "$out" "deny suppressed:unsubscribe-all"
check "show kim" 0 ctl show kim@example.org
expect "kim's source" "$out" "suppression kim@example.org unsubscribe-all changed="
expect "kim's own source" "$out" "source=\"kim's letter\""

# the administrator carries out a person's request as optin-unsubd does:
# an opt-out or unsubscribe-all through user+tag@d is also user@d's
check "zed+news in" 0 ctl subscribe zed+news@example.org marketing
check "zed+other in" 0 ctl subscribe zed+other@example.org marketing
check "unsubscribe zed+news" 0 ctl unsubscribe zed+news@example.org marketing
check "zed+other out too" 1 ctl check zed+other@example.org marketing
check "zed out" 1 ctl check zed@example.org marketing
# asked again after a tagged opt-in since: dated now, it holds that back
sleep 1
check "zed+later subscribes" 0 ctl subscribe zed+later@example.org marketing
check "zed+later in" 0 ctl check zed+later@example.org marketing
sleep 1
check "zed unsubscribes again" 0 ctl unsubscribe zed@example.org marketing
check "zed+later out" 1 ctl check zed+later@example.org marketing
check "unsubscribe --all zoe+x" 0 ctl unsubscribe zoe+x@example.org --all
check "zoe out of all" 1 ctl check zoe@example.org marketing
expect_eq "zoe unsubscribe-all" "$out" "deny suppressed:unsubscribe-all"

# a pending or relationship record is no request of the person's: it
# does not take the place of their opt-out
check "zed pending" 0 ctl subscribe zed@example.org marketing --pending
expect "kept" "$out" "zed@example.org marketing opt-out kept"
check "zed relationship" 0 ctl subscribe zed@example.org maintenance --relationship
check "unsubscribe zed maintenance" 0 ctl unsubscribe zed@example.org maintenance
check "zed relationship again" 0 ctl subscribe zed@example.org maintenance --relationship
expect "kept" "$out" "zed@example.org maintenance opt-out kept"
check "zed+other still out" 1 ctl check zed+other@example.org marketing
check "zed still out of maintenance" 1 ctl check zed@example.org maintenance
# ... nor of user@d's opt-out, as an undated import line is not
check "zed+shop relationship" 0 ctl subscribe zed+shop@example.org maintenance --relationship
expect "kept by zed's" "$out" "zed+shop@example.org maintenance opt-out kept: a relationship record does not take the place of the person's opt-out of zed@example.org"
check "zed+shop out of maintenance" 1 ctl check zed+shop@example.org maintenance

# a --source no record can hold is bad data, not a passing failure
long=$(printf '%0200d' 0)
for v in "subscribe long@example.org marketing" \
    "unsubscribe long@example.org marketing" "unsubscribe long@example.org --all" \
    "suppress long@example.org --reason manual" "unsuppress long@example.org"; do
	# shellcheck disable=SC2086
	check "long source: $v" 65 ctl $v --source "$long"
	expect "says so ($v)" "$err" "--source: longer than 127 octets"
done

done_testing
