#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# package.sh - the Debian package as a postmaster gets it: built from the
# tree with dpkg-buildpackage, lintian-clean (no errors), installed with
# apt-get on this machine, both services started as their units start
# them (systemd when it runs, else the units' own User=, Group=,
# ExecStartPre= and ExecStart= lines), and mail sent through a private
# Postfix wired from the installed files only.
#
# Installing changes the machine: the package, the user optin, /etc/
# optin-milter, /var/lib/optin-milter, /run/optin-*. The trap stops the
# services, purges the package and removes the user when this test made
# it. A machine where optin-milter is installed or configured already is
# left alone (SKIP).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../milter/lib.sh"

skip() { echo "SKIP: package.sh: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (apt-get install)"
for c in dpkg-buildpackage dh lintian apt-get setpriv postfix swaks curl; do
	command -v "$c" >/dev/null 2>&1 || skip "$c is missing (./quickstart check installs it)"
done
[ "${SANITIZERS:-no}" = yes ] &&
    skip "the package does not depend on the build; tested in the other run"
dpkg-query -W -f='${Status}' optin-milter 2>/dev/null | grep -q installed &&
    skip "optin-milter is installed on this machine; not touched"
[ -e /etc/optin-milter ] || [ -e /var/lib/optin-milter ] &&
    skip "/etc/optin-milter or /var/lib/optin-milter exists; not touched"
curl -s -o /dev/null --max-time 2 http://127.0.0.1:8025/ &&
    skip "127.0.0.1:8025 (the example's listen) is in use"

. "$(dirname "$0")/../e2e/lib.sh"

# --- build from a copy of the tree, so that the tree stays unconfigured
mkdir "$T/src"
if git -C "$top_srcdir" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$top_srcdir" && git ls-files -co --exclude-standard) |
	    grep -v -e '^build/' -e '^tests/node/' |
	    (cd "$top_srcdir" && tar -cf - -T -) | tar -xf - -C "$T/src"
else
	(cd "$top_srcdir" && tar -cf - --exclude=./build --exclude=./tests/node .) |
	    tar -xf - -C "$T/src"
fi
(cd "$T/src" && dpkg-buildpackage -us -uc -b) >"$T/build.log" 2>&1 ||
    { fail "dpkg-buildpackage: $(tail -n 30 "$T/build.log")"; done_testing; }
deb=$(ls "$T"/optin-milter_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] && ok || { fail "no optin-milter_*.deb"; done_testing; }

lint=$(lintian "$deb" 2>&1)
expect_not "lintian errors" "$lint" "E: "
echo "$lint" | sed 's/^/# lintian: /'

# --- install; the trap undoes it
made_user=0
getent passwd optin >/dev/null || made_user=1
milter_pid=""
unsubd_pid=""
undo_install() {
	[ -n "$milter_pid" ] && kill "$milter_pid" 2>/dev/null
	[ -n "$unsubd_pid" ] && kill "$unsubd_pid" 2>/dev/null
	if [ "$pid1" = systemd ]; then
		systemctl stop optin-milter optin-unsubd 2>/dev/null
	fi
	sleep 0.5
	dpkg-query -W -f='${Status}' optin-milter 2>/dev/null |
	    grep -q -e installed -e config-files &&
	    { DEBIAN_FRONTEND=noninteractive apt-get purge -y -q \
	    -o DPkg::Lock::Timeout=300 optin-milter >"$T/purge.log" 2>&1 ||
	    cat "$T/purge.log"; }
	# purge keeps them (below); this test made them
	rm -rf /var/lib/optin-milter /etc/optin-milter
	# a daemon that has exited may linger as a zombie where PID 1 does
	# not reap (containers): userdel -f does not wait for it
	if [ "$made_user" = 1 ]; then
		userdel -f optin >/dev/null 2>&1
		groupdel optin >/dev/null 2>&1
		getent passwd optin >/dev/null && echo "# user optin left behind"
	fi
	rm -rf /run/optin-milter /run/optin-unsubd
	[ "${made_prom:-0}" = 1 ] && rm -f /var/lib/prometheus/node-exporter/optin-milter.prom
	return 0
}
pid1=$(ps -p 1 -o comm= 2>/dev/null)
cleanup_hooks="undo_install $cleanup_hooks"
DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
    -o DPkg::Lock::Timeout=300 "$deb" >"$T/install.log" 2>&1 ||
    { fail "apt-get install: $(tail -n 30 "$T/install.log")"; done_testing; }
ok

files=$(dpkg -L optin-milter)
for f in /usr/sbin/optin-milter /usr/sbin/optin-unsubd /usr/sbin/optinctl \
    /usr/share/man/man8/optin-milter.8.gz /usr/share/man/man8/optinctl.8.gz \
    /usr/share/man/man8/optin-unsubd.8.gz \
    /usr/share/man/man5/optin-milter.conf.5.gz \
    /etc/optin-milter/optin-milter.conf \
    /lib/systemd/system/optin-milter.service \
    /lib/systemd/system/optin-unsubd.service \
    /lib/systemd/system/optin-milter-stats.service \
    /lib/systemd/system/optin-milter-stats.timer \
    /lib/systemd/system/optin-expire.timer \
    /usr/sbin/optin-feedback \
    /usr/lib/tmpfiles.d/optin-milter.conf; do
	expect "installs $f" "$files" "$f"
done
expect "conffile" "$(dpkg-query -W -f='${Conffiles}' optin-milter)" \
    "/etc/optin-milter/optin-milter.conf"
cmp -s /etc/optin-milter/optin-milter.conf \
    "$top_srcdir/conf/optin-milter.conf.example" && ok ||
    fail "/etc/optin-milter/optin-milter.conf is not the example"
check "system user optin" 0 id optin
expect_eq "database directory" "$(stat -c '%U %a' /var/lib/optin-milter)" "optin 750"
expect_eq "database made by init" "$(stat -c '%U' /var/lib/optin-milter/data.mdb 2>&1)" "optin"
expect_eq "secret key" "$(stat -c '%U %a' /etc/optin-milter/secret.key 2>&1)" "optin 600"

# a second install runs no init: the key and the data stay
/usr/sbin/optinctl subscribe alice@example.org marketing >/dev/null ||
    fail "subscribe alice"
key=$(sha256sum /etc/optin-milter/secret.key)
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --reinstall \
    -o DPkg::Lock::Timeout=300 "$deb" >"$T/reinstall.log" 2>&1 ||
    fail "reinstall: $(tail -n 20 "$T/reinstall.log")"
expect_eq "key kept" "$(sha256sum /etc/optin-milter/secret.key)" "$key"
check "consent kept" 0 /usr/sbin/optinctl check alice@example.org marketing

# --- start both services as their units say
unit_key() { sed -n "s/^$1=//p" "/lib/systemd/system/$2.service"; }
start_unit() {
	_u=$1
	_user=$(unit_key User "$_u")
	_group=$(unit_key Group "$_u")
	_as="setpriv --reuid=$_user --regid=$_group --clear-groups --"
	# shellcheck disable=SC2086
	$_as sh -c "$(unit_key ExecStartPre "$_u")" >"$T/$_u.pre" 2>&1 ||
	    fail "$_u ExecStartPre: $(cat "$T/$_u.pre")"
	# shellcheck disable=SC2086
	$_as sh -c "$(unit_key ExecStart "$_u")" >"$T/$_u.out" 2>&1 ||
	    fail "$_u ExecStart: $(cat "$T/$_u.out")"
}
if [ "$pid1" = systemd ] && [ -d /run/systemd/system ]; then
	echo "# systemd runs: systemctl start"
	check "systemctl start" 0 systemctl start optin-milter optin-unsubd
else
	echo "# no systemd: the units' command lines as User= and Group="
	systemd-tmpfiles --create optin-milter.conf >/dev/null 2>&1
	start_unit optin-milter
	start_unit optin-unsubd
fi
sock=$(sed -n 's/^socket  *\(unix:[^ ]*\).*/\1/p' /etc/optin-milter/optin-milter.conf)
_i=0
while [ ! -S "${sock#unix:}" ] && [ $_i -lt 200 ]; do sleep 0.05; _i=$((_i + 1)); done
milter_pid=$(cat /run/optin-milter/optin-milter.pid 2>/dev/null)
_i=0
until curl -s -o /dev/null http://127.0.0.1:8025/healthz || [ $_i -ge 200 ]; do
	sleep 0.1
	_i=$((_i + 1))
done
unsubd_pid=$(cat /run/optin-unsubd/optin-unsubd.pid 2>/dev/null)
expect_eq "socket directory" "$(stat -c '%U %G %a' /run/optin-milter)" "optin postfix 750"
expect_eq "socket" "$(stat -c '%U %G %a' "${sock#unix:}" 2>&1)" "optin postfix 660"
expect_eq "milter runs as optin" "$(ps -o user= -p "${milter_pid:-0}" 2>&1 | tr -d ' ')" "optin"
expect_eq "unsubd runs as optin" "$(ps -o user= -p "${unsubd_pid:-0}" 2>&1 | tr -d ' ')" "optin"
check "healthz" 0 curl -sf http://127.0.0.1:8025/healthz

# --- a private Postfix wired to the installed socket
pf_start "$sock" || done_testing
send_smtp "p1" news@example.com "alice@example.org,bob@example.org"
expect "accepted" "$out" "250 2.0.0 Ok"
pf_wait 1 || true
f=$(sink_for p1)
expect_eq "only alice" "$(rcpts "$f")" "alice@example.org "
lu=$(sed -n 's/^List-Unsubscribe: //p' "$f" 2>/dev/null)
expect "List-Unsubscribe" "$lu" "https://lists.example.com/u/"
tok=$(printf '%s' "$lu" | sed -n 's|^<https://lists.example.com/u/\([^>]*\)>.*|\1|p')
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Content-Type: application/x-www-form-urlencoded" \
    --data "List-Unsubscribe=One-Click" "http://127.0.0.1:8025/u/$tok")
expect_eq "one-click" "$code" "200"
check "alice opted out" 1 /usr/sbin/optinctl check alice@example.org marketing

# the metrics service, where node_exporter's directory exists
tf=/var/lib/prometheus/node-exporter
if [ -d "$tf" ] && [ ! -e "$tf/optin-milter.prom" ]; then
	made_prom=1
	# shellcheck disable=SC2046
	check "stats service" 0 sh -c "$(sed -n 's/^ExecStart=//p' \
	    /lib/systemd/system/optin-milter-stats.service)"
	expect "metrics written" "$(cat "$tf/optin-milter.prom" 2>&1)" \
	    'optin_consent_records{list="marketing",status="opt-out"} 1'
fi

# ExecReload: SIGUSR1 reloads and the milter goes on
kill -USR1 "$milter_pid" 2>/dev/null
sleep 0.5
kill -0 "$milter_pid" 2>/dev/null && ok || fail "milter died on SIGUSR1"
send_smtp "p2" news@example.com "alice@example.org,carol@example.org"
expect "p2 discarded (nobody left)" "$out" "250 2.0.0 Ok"
pf_wait 1 || true
[ -z "$(sink_for p2)" ] && ok || fail "p2 reached the sink: $(rcpts "$(sink_for p2)")"

# --- purge keeps the consent database and the key: every opt-out with
# its evidence, and the key of the links already sent
[ -n "$milter_pid" ] && kill "$milter_pid" 2>/dev/null
[ -n "$unsubd_pid" ] && kill "$unsubd_pid" 2>/dev/null
milter_pid=""
unsubd_pid=""
[ "$pid1" = systemd ] && systemctl stop optin-milter optin-unsubd 2>/dev/null
sleep 0.5
check "purge" 0 env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q \
    -o DPkg::Lock::Timeout=300 optin-milter
expect "purge says what it kept" "$out" "kept /var/lib/optin-milter"
[ ! -e /usr/sbin/optinctl ] && ok || fail "purge left /usr/sbin/optinctl"
[ -f /var/lib/optin-milter/data.mdb ] && ok || fail "purge removed the database"
[ -f /etc/optin-milter/secret.key ] && ok || fail "purge removed the secret key"
check "alice's opt-out kept" 0 sh -c \
    "mdb_dump -p -s consent /var/lib/optin-milter | grep -q 'alice@example.org'"
done_testing
