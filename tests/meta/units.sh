#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# units.sh - the shipped systemd units agree with the example
# configuration and the built-in paths, log to facility mail, run as the
# unprivileged user, and stay hardened (systemd-analyze security)
. "$(dirname "$0")/../lib.sh"

ex="$top_srcdir/conf/optin-milter.conf.example"
um="$top_srcdir/conf/optin-milter.service"
uu="$top_srcdir/conf/optin-unsubd.service"
tf="$top_srcdir/conf/optin-milter.tmpfiles"
conf=/etc/optin-milter/optin-milter.conf

key() { sed -n "s/^$1=//p" "$2"; }
cfg() { sed -n "s/^$1  *\([^ #]*\).*/\1/p" "$ex"; }

db=$(cfg database)
sock=$(cfg socket)
user=$(cfg user)
expect_eq "example runs as optin" "$user" "optin"
expect_eq "example database" "$db" "/var/lib/optin-milter"
expect_eq "example socket" "$sock" "unix:/run/optin-milter/optin-milter.sock"
expect_eq "example secret-file" "$(cfg secret-file)" "/etc/optin-milter/secret.key"
expect_eq "example socket-mode" "$(cfg socket-mode)" "0660"

for u in "$um" "$uu"; do
	n=$(basename "$u")
	expect_eq "$n User" "$(key User "$u")" "$user"
	expect_eq "$n Type" "$(key Type "$u")" "forking"
	expect_eq "$n SyslogFacility" "$(key SyslogFacility "$u")" "mail"
	expect "$n ReadWritePaths" "$(key ReadWritePaths "$u")" "$db"
	expect "$n ExecReload" "$(key ExecReload "$u")" 'kill -USR1 $MAINPID'
	expect "$n ExecStart -c" "$(key ExecStart "$u")" "-c $conf"
	expect_not "$n ExecStart -f" "$(key ExecStart "$u") " " -f "
	expect "$n ExecStartPre -n" "$(key ExecStartPre "$u")" " -n -c $conf"
done
expect_eq "milter Group" "$(key Group "$um")" "postfix"
expect_eq "milter RuntimeDirectory" "/run/$(key RuntimeDirectory "$um")/optin-milter.sock" "${sock#unix:}"
expect_eq "milter RuntimeDirectoryMode" "$(key RuntimeDirectoryMode "$um")" "0750"
expect_eq "milter PIDFile" "$(key PIDFile "$um")" "/run/optin-milter/optin-milter.pid"
expect_eq "unsubd PIDFile" "$(key PIDFile "$uu")" "/run/optin-unsubd/optin-unsubd.pid"
expect "tmpfiles socket dir" "$(cat "$tf")" "d /run/optin-milter 0750 optin postfix"
expect "tmpfiles database" "$(cat "$tf")" "d $db 0750 optin optin"

# the metrics timer: the configuration, node_exporter's directory
us="$top_srcdir/conf/optin-milter-stats.service"
expect "stats ExecStart" "$(key ExecStart "$us")" "/usr/sbin/optinctl -c $conf stats --prometheus --output /var/lib/prometheus/node-exporter/optin-milter.prom"
expect "stats ReadWritePaths" "$(key ReadWritePaths "$us")" "/var/lib/prometheus/node-exporter"
expect "stats ReadWritePaths db" "$(key ReadWritePaths "$us")" "$db"
expect_eq "stats timer" "$(key OnUnitActiveSec "$top_srcdir/conf/optin-milter-stats.timer")" "1min"

# the built-in paths of this build (configure's default sysconfdir /etc)
if grep -q "^sysconfdir = /etc$" "$top_builddir/Makefile" 2>/dev/null; then
	strings "$top_builddir/optin-milter" | grep -qxF "$conf" && ok ||
	    fail "optin-milter's default configuration is not $conf"
	strings "$top_builddir/optin-milter" |
	    grep -qxF /run/optin-milter/optin-milter.pid && ok ||
	    fail "optin-milter's default pid file is not the unit's"
	strings "$top_builddir/optin-unsubd" |
	    grep -qxF /run/optin-unsubd/optin-unsubd.pid && ok ||
	    fail "optin-unsubd's default pid file is not the unit's"
fi

# the manuals name the same files
for m in optin-milter.8 optin-unsubd.8 optin-milter.conf.5 optinctl.8; do
	expect "$m names $conf" "$(cat "$top_srcdir/man/$m")" "$conf"
done

# the expiry of unconfirmed subscriptions: a daily timer
ue="$top_srcdir/conf/optin-expire.service"
ut="$top_srcdir/conf/optin-expire.timer"
expect_eq "optin-expire.service User" "$(key User "$ue")" "$user"
expect_eq "optin-expire.service Type" "$(key Type "$ue")" "oneshot"
expect_eq "optin-expire.service ExecStart" "$(key ExecStart "$ue")" "/usr/sbin/optinctl -c $conf expire"
expect "optin-expire.service ReadWritePaths" "$(key ReadWritePaths "$ue")" "$db"
expect_eq "optin-expire.timer daily" "$(key OnCalendar "$ut")" "daily"
expect_eq "optin-expire.timer Persistent" "$(key Persistent "$ut")" "true"

# exposure: 8.9 before the units were hardened; hold today's level
if command -v systemd-analyze >/dev/null 2>&1 &&
    systemd-analyze security --offline=true "$um" >/dev/null 2>&1; then
	for u in "$um" "$uu" "$us" "$ue"; do
		check "$(basename "$u") exposure" 0 systemd-analyze security \
		    --offline=true --threshold=20 "$u"
		check "$(basename "$u") verifies" 0 sh -c \
		    "systemd-analyze verify --man=no '$u' 2>&1 | grep -v 'is not executable' | grep . && exit 1 || exit 0"
	done
else
	echo "# systemd-analyze security --offline is not available: exposure not checked"
fi
done_testing
