#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# precheck.sh - -n catches what a start would catch: a socket directory
# that does not exist and cannot be made, an unknown user, a secret file
# or database the user cannot open, Postfix's inet:HOST:PORT spelling;
# each as FILE:LINE: where a line is to blame
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

U="$top_builddir/optin-unsubd"
chmod 755 "$T"
test_conf "$T/om.conf"
"$C" -c "$T/om.conf" init >/dev/null
sline=$(grep -n '^socket ' "$T/om.conf" | cut -d: -f1)
uline=$(grep -n '^#user ' "$T/om.conf" | cut -d: -f1)
kline=$(grep -n '^secret-file ' "$T/om.conf" | cut -d: -f1)
dline=$(grep -n '^database ' "$T/om.conf" | cut -d: -f1)

check "good" 0 "$M" -c "$T/om.conf" -n
check "good (unsubd)" 0 "$U" -c "$T/om.conf" -n

# a socket directory one level down is made at start: fine
sed "s|^socket .*|socket unix:$T/run/m.sock|" "$T/om.conf" > "$T/mk.conf"
check "socket dir to be made" 0 "$M" -c "$T/mk.conf" -n
[ ! -e "$T/run" ] && ok || fail "-n made the socket directory"
# two levels down: start would fail
sed "s|^socket .*|socket unix:$T/no/such/m.sock|" "$T/om.conf" > "$T/deep.conf"
check "socket dir cannot be made" 78 "$M" -c "$T/deep.conf" -n
expect "socket says FILE:LINE" "$err" "$T/deep.conf:$sline: socket unix:$T/no/such/m.sock: directory $T/no/such does not exist, and cannot be made"
# a file where the directory should be
: > "$T/file"
sed "s|^socket .*|socket unix:$T/file/m.sock|" "$T/om.conf" > "$T/nodir.conf"
check "socket dir is a file" 78 "$M" -c "$T/nodir.conf" -n
expect "says not a directory" "$err" "$T/nodir.conf:$sline: socket unix:$T/file/m.sock: $T/file is not a directory"

# Postfix's spelling of an inet socket
sed "s|^socket .*|socket inet:127.0.0.1:8898|" "$T/om.conf" > "$T/pf.conf"
check "inet:host:port" 78 "$M" -c "$T/pf.conf" -n
expect "hint port@host" "$err" "$T/pf.conf:$sline: socket: \"inet:127.0.0.1:8898\" is Postfix's host:port form; write inet:8898@127.0.0.1 (port@host)"
check "inet:host:port (optinctl)" 78 "$C" -c "$T/pf.conf" lists
expect "optinctl hint" "$err" "write inet:8898@127.0.0.1"

# an unknown user
sed "s|^#user .*|user no-such-user-x|" "$T/om.conf" > "$T/nouser.conf"
check "unknown user" 78 "$M" -c "$T/nouser.conf" -n
expect "user says FILE:LINE" "$err" "$T/nouser.conf:$uline: user no-such-user-x: no such user"
check "unknown user (unsubd)" 78 "$U" -c "$T/nouser.conf" -n
expect "unsubd user says FILE:LINE" "$err" "$T/nouser.conf:$uline: user no-such-user-x: no such user"

# a missing database is a warning: the daemons start without it
sed "s|^database .*|database $T/nodb|" "$T/om.conf" > "$T/nodb.conf"
check "no database" 0 "$M" -c "$T/nodb.conf" -n
expect "warns" "$err" "$T/nodb.conf:$dline: warning: database $T/nodb: No such file or directory (run optinctl init)"

# files the user cannot open, seen as that user (root only)
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	sed "s|^#user .*|user nobody|" "$T/om.conf" > "$T/nobody.conf"
	check "root-owned key and database" 78 "$M" -c "$T/nobody.conf" -n
	expect "database unreadable" "$err" "$T/nobody.conf:$dline: database $T/db: data.mdb: Permission denied for user nobody"
	expect "key: a warning" "$err" "$T/nobody.conf:$kline: warning: secret-file $T/secret.key: Permission denied for user nobody: a reload reads it through the descriptor kept from start"
	check "unsubd too" 78 "$U" -c "$T/nobody.conf" -n
	expect "unsubd database unreadable" "$err" "data.mdb: Permission denied for user nobody"
	chown -R nobody "$T/db"
	check "a root-only key is fine" 0 "$M" -c "$T/nobody.conf" -n
	expect "still warns" "$err" "warning: secret-file"
	chown nobody "$T/secret.key"
	check "all theirs" 0 "$M" -c "$T/nobody.conf" -n
	expect_not "no warning" "$err" "secret-file"
	# the lock file of another user, in a directory the user cannot write
	chown root "$T/db/lock.mdb" "$T/db"
	chmod 755 "$T/db"
	chmod 600 "$T/db/lock.mdb"
	check "lock.mdb root's" 78 "$M" -c "$T/nobody.conf" -n
	expect "lock says" "$err" "$T/nobody.conf:$dline: database $T/db: lock.mdb: Permission denied for user nobody"
	chown -R nobody "$T/db"
	# the socket directory exists but its user cannot write it: -n as
	# that user (a systemd unit with User=) is refused
	mkdir "$T/sock"
	chmod 755 "$T/sock"
	sed "s|^socket .*|socket unix:$T/sock/m.sock|" "$T/nobody.conf" > "$T/ro.conf"
	chmod 644 "$T/ro.conf"
	check "socket dir not writable" 78 setpriv --reuid=nobody --regid=nogroup \
	    --clear-groups -- "$M" -c "$T/ro.conf" -n
	expect "says so" "$err" "$T/ro.conf:$sline: socket unix:$T/sock/m.sock: directory $T/sock: Permission denied (the socket is made as nobody)"
else
	echo "# not root: the per-user checks are not exercised"
fi
done_testing
