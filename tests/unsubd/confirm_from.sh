#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# confirm_from.sh - confirm-from must not be a sender a list that needs
# consent matches: optin-milter would classify every confirmation as
# that list's mail and hold it from the person, who has not consented
# yet (through Postfix the message silently vanished while /s said
# "Check your email"). The configuration is refused, saying why, for
# the address itself, a +tagged form and a list matching @domain; a
# list of its own with consent none (optin-milter.conf(5)) is fine.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

U="$top_builddir/optin-unsubd"
subscribe_conf
"$C" -c "$T/om.conf" init >/dev/null
check "lists@ is fine" 0 "$U" -n -c "$T/om.conf"

for from in news@example.com NEWS@example.com news+confirm@example.com; do
	sed "s/^confirm-from .*/confirm-from  $from/" "$T/om.conf" > "$T/bad.conf"
	check "confirm-from $from refused" 78 "$U" -n -c "$T/bad.conf"
	expect "$from: says why" "$err$out" "would hold every confirmation"
	check "optinctl too ($from)" 78 "$C" -c "$T/bad.conf" stats
done

# a list that matches the whole domain
sed -e "s/^confirm-from .*/confirm-from  hello@example.net/" \
    -e 's/^\( *\)match sender news@example.com/\1match sender news@example.com\
\1match sender @example.net/' "$T/om.conf" > "$T/dom.conf"
check "a @domain match refused" 78 "$U" -n -c "$T/dom.conf"

# the documented way: the sender has a list of its own, consent none
sed "s/^confirm-from .*/confirm-from  confirm@example.org/" "$T/om.conf" > "$T/own.conf"
cat >> "$T/own.conf" <<'CF'
list confirmations {
    description "Confirmation messages"
    consent none
    match sender confirm@example.org
}
CF
check "a list of its own with consent none" 0 "$U" -n -c "$T/own.conf"
echo "# $err"
done_testing
