#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# manuals.sh - the manual pages are complete and clean: every
# keyword the parser accepts is in optin-milter.conf(5) with its default,
# every optinctl verb in optinctl(8), each page has FILES, LOGGING,
# SIGNALS and EXIT STATUS, and mandoc -T lint has nothing to say
. "$(dirname "$0")/../lib.sh"

if ! command -v mandoc >/dev/null 2>&1; then
	echo "SKIP: manuals.sh: mandoc is missing (./quickstart check installs it)"
	exit 77
fi
man="$top_srcdir/man"
pages="optin-milter.8 optin-unsubd.8 optinctl.8 optin-feedback.8 optin-milter.conf.5"

for p in $pages; do
	check "mandoc -T lint $p" 0 mandoc -T lint "$man/$p"
	[ -z "$out$err" ] && ok || fail "mandoc -T lint $p: $out $err"
	for s in FILES LOGGING SIGNALS "EXIT STATUS"; do
		grep -q "^\.SH $s\$" "$man/$p" && ok || fail "$p has no $s section"
	done
done

# the keywords: the parser's table, the list block's keywords and the
# kinds of match, read from the source so that a new one must be written
# up; each is a defined term (.TP) of the page, a top-level one with the
# word "default" in its paragraph
out=$(python3 - "$top_srcdir" "$man/optin-milter.conf.5" <<'PY'
import re, sys
top, page = sys.argv[1], sys.argv[2]
src = open(top + "/policy/conf.c").read()
top_kw = re.findall(r'\{ "([a-z-]+)", K_[A-Z]+', src)
lst = open(top + "/policy/conf_list.c").read()
list_kw = re.findall(r'strcmp\(kw, "([a-z-]+)"\)', lst)
match_kw = re.findall(r'strcmp\(st->arg\[1\], "([a-z]+)"\) == 0\) \{', lst)
if len(top_kw) < 10 or len(list_kw) < 5:
    print("FAIL: could not read the keywords from the source")
lines = open(page).read().split("\n")
# the .TP entries: tags (with .TQ) and their paragraphs
entries, i = [], 0
while i < len(lines):
    if lines[i] == ".TP" and i + 1 < len(lines):
        tags, body = [lines[i + 1]], []
        i += 2
        while i < len(lines) and lines[i] == ".TQ":
            tags.append(lines[i + 1]); i += 2
        while i < len(lines) and lines[i] not in (".TP", ".PP") and \
                not lines[i].startswith(".SH"):
            body.append(lines[i]); i += 1
        entries.append((tags, " ".join(body)))
    else:
        i += 1
def first_word(tag):
    t = re.sub(r'^\.[A-Z]+ ', '', tag).replace('"', ' ').replace('\\fB', '')
    return t.split()[0] if t.split() else ""
defined = {}
for tags, body in entries:
    for t in tags:
        defined[first_word(t)] = body
text = open(page).read()
for k in top_kw:
    if k not in defined:
        print("FAIL: keyword %s is not a defined term of optin-milter.conf(5)" % k)
    elif "default" not in defined[k].lower():
        print("FAIL: keyword %s: no default in optin-milter.conf(5)" % k)
    else:
        print("ok %s" % k)
for k in list_kw:
    if k in defined or ("\\fB%s\\fR" % k) in text:
        print("ok %s" % k)
    else:
        print("FAIL: list keyword %s is not in optin-milter.conf(5)" % k)
for k in match_kw:
    if re.search(r'match (header|sender|auth)?.*\b%s\b' % k, text):
        print("ok match %s" % k)
    else:
        print("FAIL: match %s is not in optin-milter.conf(5)" % k)
PY
)
n=0
while IFS= read -r l; do
	case "$l" in
	ok*) ok; n=$((n + 1)) ;;
	FAIL:*) fail "${l#FAIL: }" ;;
	esac
done <<EOF2
$out
EOF2
[ "$n" -ge 20 ] && ok || fail "only $n keywords checked"

# the verbs of optinctl, from its table
verbs=$(sed -n 's/.*{ "\([a-z-]*\)", verb_.*/\1/p' "$top_srcdir"/ctl/*.c)
[ "$(echo "$verbs" | wc -w)" -ge 10 ] && ok || fail "could not read the verbs"
for v in $verbs; do
	grep -qE "^\.BI? \"?$v( |\"|\$)" "$man/optinctl.8" && ok ||
	    fail "verb $v is not in optinctl(8)"
done
done_testing
