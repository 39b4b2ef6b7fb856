#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# corpus.sh - every report shape of tests/feedback/cases through
# optin-feedback against a real database: what it must suppress, score
# or leave alone; then the database down (75, nothing lost) and the
# limits of the input
. "$(dirname "$0")/../lib.sh"

F="$top_builddir/optin-feedback"
C="$top_builddir/optinctl"
D="$top_srcdir/tests/feedback"
test_conf "$T/om.conf"
cat >> "$T/om.conf" <<'EOF'
bounce-address bounces@example.com
authserv-id mx.example.com
feedback-loop arf.mail.yahoo.example isp.example
EOF
ctl() { "$C" -c "$T/om.conf" "$@"; }
check "init" 0 ctl init
check "optin-feedback -n" 0 "$F" -n -c "$T/om.conf"

# tokens ADDR: TOK (unsubscribe token) and VERP (return path) for ADDR
tokens() {
	_t=$(ctl token "$1" marketing) || { fail "token $1"; return 1; }
	TOK=$(echo "$_t" | sed -n 's/^token: //p')
	VERP=$(echo "$_t" | sed -n 's/^return-path: //p')
	[ -n "$TOK" ] && [ -n "$VERP" ] || fail "no tokens for $1: $_t"
}

# fill FILE ADDR: the corpus file with its placeholders replaced
fill() {
	_tampered=$(echo "$VERP" | sed 's/+\(.\)\(.\)/+\2\1/')
	_b64=$(printf 'From: News <news@example.com>\nTo: %s\nSubject: Our November news\nList-Unsubscribe: <https://lists.example.com/u/%s>\n\nHello.\n' \
	    "$2" "$TOK" | base64 -w 76)
	sed -e "s|@VERP@|$VERP|g" -e "s|@TAMPERED_VERP@|$_tampered|g" \
	    -e "s|@RCPT@|$2|g" -e "s|@UTOKEN@|$TOK|g" "$1" |
	    awk -v b="$_b64" '{ if ($0 == "@B64HEADERS@") print b; else print }'
}

n=0
while read -r file rcpt env want; do
	case "$file" in ''|'#'*) continue ;; esac
	n=$((n + 1))
	tokens "$rcpt" || continue
	fill "$D/$file" "$rcpt" > "$T/msg"
	case "$env" in
	verp) r=$VERP ;;
	plain) r=bounces@example.com ;;
	fbl) r=fbl@example.com ;;
	tampered) r=$(echo "$VERP" | sed 's/+\(.\)\(.\)/+\2\1/') ;;
	esac
	check "$file: exit" 0 "$F" -f -c "$T/om.conf" -r "$r" < "$T/msg"
	log=$err
	check "$file: show" 0 ctl show "$rcpt"
	case "$want" in
	bounce|complaint)
		expect "$file: suppressed $want ($log)" "$out" \
		    "suppression $rcpt $want " ;;
	score:*)
		expect_not "$file: not suppressed ($log)" "$out" "suppression "
		expect "$file: ${want#score:} ($log)" "$out" \
		    "bounce-score $rcpt ${want#score:} " ;;
	none)
		expect_not "$file: not suppressed ($log)" "$out" "suppression "
		expect_not "$file: no score ($log)" "$out" "bounce-score" ;;
	esac
done < "$D/cases"
expect_eq "every case ran" "$n" 29
# a complaint no feedback loop vouches for: out of its list, no more
check "unauthenticated complaint: out of marketing" 1 \
    ctl check unauth@yahoo.example marketing

# what was not acted on is kept for a person to read, not deleted
expect_eq "eleven messages kept" "$(ls "$T/db/kept/new" | wc -l)" 11
expect "the vacation reply kept" "$(cat "$T/db/kept/new/"*)" "away from my mail"
expect "the forged report kept" "$(cat "$T/db/kept/new/"*)" "mx.attacker.example"
[ -z "$(ls "$T/db/kept/tmp")" ] && ok || fail "files left in kept/tmp"

# the reports behind a suppression, and what was never ours left no trace
check "show a hard bounce" 0 ctl show pf-hard@example.org
expect "the report" "$out" "report "
expect "its evidence" "$out" "type=dsn status=5.1.1 mta=mx.example.com"
expect "its diagnostic" "$out" "diag=550 5.1.1 "
expect "its diagnostic text" "$out" "Recipient address rejected: User unknown in virtual"
check "show an auto-reply" 0 ctl show vacation@example.org
expect_not "auto-replies leave no history" "$out" "history"
check "show a forged report" 0 ctl show victim@example.org
expect_not "forged reports leave no history" "$out" "history"
check "show a policy refusal" 0 ctl show pf-spamhaus@example.org
expect "a policy refusal is recorded" "$out" "report:policy"

# stats: per list and per day
check "stats" 0 ctl stats
today=$(date -u +%Y-%m-%d)
expect "bounces and complaints today" "$out" \
    "feedback marketing $today bounces=10 complaints=3 policy=4"

# a soft bounce counts once a day; a hard one after it suppresses
tokens pf-expired@example.org
fill "$D/postfix-expired.eml" pf-expired@example.org > "$T/msg"
check "second soft bounce today" 0 "$F" -f -c "$T/om.conf" -r "$VERP" < "$T/msg"
expect "counted once a day" "$err" "result=scored-today"

# unsuppress clears the bounce score too: a fresh start
check "score before" 0 ctl show full@gmail.example
expect "has a score" "$out" "bounce-score full@gmail.example 0.50 "
check "unsuppress" 0 ctl unsuppress full@gmail.example
check "score after" 0 ctl show full@gmail.example
expect_not "score gone" "$out" "bounce-score full@gmail.example"
expect "its removal in history" "$out" "bounce-score:0.50 -> none"

# the database down: 75 so that Postfix keeps the report; nothing lost
tokens down@example.org
fill "$D/postfix-hard.eml" down@example.org > "$T/msg"
mv "$T/db" "$T/db.away"
check "database away: tempfail" 75 "$F" -f -c "$T/om.conf" -r "$VERP" < "$T/msg"
expect "says why" "$err" "report kept for later"
mv "$T/db.away" "$T/db"
check "database back" 0 "$F" -f -c "$T/om.conf" -r "$VERP" < "$T/msg"
check "show after retry" 0 ctl show down@example.org
expect "suppressed on the retry" "$out" "suppression down@example.org bounce "

# a configuration that cannot be read: 75 as well; -n says 78
check "bad configuration: tempfail" 75 "$F" -f -c "$T/nonexistent.conf" < "$T/msg"
check "-n with a bad file" 78 "$F" -n -c "$T/nonexistent.conf"
check "usage" 64 "$F" -x
check "-V" 0 "$F" -V
expect "version" "$out" "optin-feedback "

# no input, garbage, and input over the limit are read and ignored; a
# message over the limit is read for a report in its first 16 MiB only,
# and kept whole, through a pipe as pipe(8) gives it
check "empty input" 0 "$F" -f -c "$T/om.conf" < /dev/null
head -c 17000000 /dev/zero > "$T/big"
check "17 MB of zeros" 0 "$F" -f -c "$T/om.conf" < "$T/big"
expect "says it was cut" "$err" "a report is looked for in those only"
expect "and kept the rest" "$err" "kept=$T/db/kept/new/"
kept=$(printf '%s\n' "$err" | sed -n 's/.* kept=\([^ ]*\).*/\1/p')
cmp -s "$kept" "$T/big" && ok || fail "17 MB: the kept copy is not whole"
rm -f "$T/db/kept/new/"*
{ printf 'From: someone@example.net\nTo: bounces@example.com\n'
  printf 'Subject: big\n\n'
  head -c 17000000 /dev/zero | tr '\0' 'x'
  printf '\nTHE-END\n'; } > "$T/big"
cat "$T/big" | "$F" -f -c "$T/om.conf" -r bounces@example.com 2> "$T/log"
expect_eq "17 MB from a pipe: exit 0" "$?" 0
kept=$(sed -n 's/.* kept=\([^ ]*\).*/\1/p' "$T/log")
cmp -s "$kept" "$T/big" && ok ||
    fail "17 MB from a pipe: the kept copy ($kept) is not whole"
rm -f "$T/big" "$T/db/kept/new/"*

# a person writing to the bounce address: kept; a kept folder that
# cannot be written makes the message wait (75) instead of vanishing
printf 'From: Carol <carol@example.org>\nTo: bounces@example.com\nSubject: hello\n\nAre you there?\n' > "$T/msg"
check "a person's mail" 0 "$F" -f -c "$T/om.conf" -r bounces@example.com < "$T/msg"
expect "kept" "$err" 'reason=not-a-report from="Carol <carol@example.org>" kept='

expect "its text kept" "$(cat "$T/db/kept/new/"*)" "Are you there?"
rm -rf "$T/db/kept"
: > "$T/db/kept"
check "kept folder broken: tempfail" 75 "$F" -f -c "$T/om.conf" < "$T/msg"
expect "says why" "$err" "cannot keep it"
rm -f "$T/db/kept"

done_testing
