#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# prometheus.sh - optinctl stats --prometheus: the counts in Prometheus'
# text format, written atomically with --output, and read by a real
# node_exporter's textfile collector without a scrape error
. "$(dirname "$0")/../lib.sh"

C="$top_builddir/optinctl"
test_conf "$T/om.conf"
ctl() { "$C" -c "$T/om.conf" "$@"; }
ctl init >/dev/null
ctl subscribe a@example.org marketing >/dev/null
ctl subscribe b@example.org marketing >/dev/null
ctl subscribe c@example.org status --relationship >/dev/null
ctl unsubscribe b@example.org marketing >/dev/null
ctl suppress d@example.org --reason bounce >/dev/null

check "stats --prometheus" 0 ctl stats --prometheus
p=$out
expect "TYPE" "$p" "# TYPE optin_consent_records gauge"
expect "marketing opt-in" "$p" 'optin_consent_records{list="marketing",status="opt-in"} 1'
expect "marketing opt-out" "$p" 'optin_consent_records{list="marketing",status="opt-out"} 1'
expect "status relationship" "$p" 'optin_consent_records{list="status",status="relationship"} 1'
expect "empty list counted" "$p" 'optin_consent_records{list="support",status="opt-in"} 0'
expect "bounce" "$p" 'optin_suppressions{reason="bounce"} 1'
expect "history" "$p" "optin_history_records 5"
expect "changes" "$p" 'optin_history_changes{list="marketing",actor="cli",state="opt-out"} 1'
expect "configured" "$p" 'optin_list_configured{list="marketing"} 1'
# every line is a comment or NAME{LABELS} VALUE
bad=$(printf '%s\n' "$p" | grep -vE '^(# (HELP|TYPE) [a-z_]+ .+|[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? [0-9]+)$')
expect_eq "format" "$bad" ""

check "plain stats unchanged" 0 ctl stats
expect "plain" "$out" "list marketing opt-in=1 relationship=0 opt-out=1 pending=0"

mkdir "$T/tf"
check "--output" 0 ctl stats --prometheus --output "$T/tf/optin-milter.prom"
expect_eq "file" "$(cat "$T/tf/optin-milter.prom" | grep -v time_seconds)" \
    "$(printf '%s\n' "$p" | grep -v time_seconds)"
expect_eq "no temporary file left" "$(ls "$T/tf")" "optin-milter.prom"
expect_eq "mode" "$(stat -c %a "$T/tf/optin-milter.prom")" "644"
check "--output nowhere" 73 ctl stats --prometheus --output "$T/none/x.prom"
expect "says where" "$err" "$T/none/x.prom."

# whoever can write the textfile directory cannot make the stats run
# (root, from a timer) write through a link of theirs: once named
# FILE.tmp, that was the database
echo "precious" > "$T/victim"
chmod 600 "$T/victim"
mkdir "$T/tf2"
ln -s "$T/victim" "$T/tf2/optin-milter.prom.tmp"
ln -s "$T/victim" "$T/tf2/optin-milter.prom"
check "--output past links" 0 ctl stats --prometheus --output "$T/tf2/optin-milter.prom"
expect_eq "the link's target untouched" "$(cat "$T/victim")" "precious"
expect_eq "its mode untouched" "$(stat -c %a "$T/victim")" "600"
[ -f "$T/tf2/optin-milter.prom" ] && [ ! -L "$T/tf2/optin-milter.prom" ] && ok ||
    fail "the output is not a file of its own"
expect "the output" "$(cat "$T/tf2/optin-milter.prom")" "optin_consent_records"

# root reading a database whose lock.mdb is gone makes it anew for the
# owner of data.mdb (the daemons' user), not for root
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	cp -r "$T/db" "$T/db2"
	rm -f "$T/db2/lock.mdb"
	chown -R nobody:nogroup "$T/db2"
	sed -e "s|^database .*|database $T/db2|" "$T/om.conf" > "$T/om2.conf"
	chmod 711 "$T"
	chmod 644 "$T/om2.conf"
	check "stats as root" 0 "$C" -c "$T/om2.conf" stats
	expect_eq "lock.mdb for the owner" "$(stat -c %U "$T/db2/lock.mdb")" "nobody"
	check "the owner opens it" 0 setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    "$C" -c "$T/om2.conf" check a@example.org marketing
	# a link at lock.mdb, left by whoever can write the directory: root
	# neither writes into its target nor gives it away
	echo "root:x:0:0::/root:/bin/sh" > "$T/victim2"
	rm -f "$T/db2/lock.mdb"
	ln -s "$T/victim2" "$T/db2/lock.mdb"
	check "a linked lock.mdb refused" 69 "$C" -c "$T/om2.conf" stats
	expect "says so" "$err" "lock.mdb is not a regular file"
	expect_eq "its target untouched" "$(cat "$T/victim2")" "root:x:0:0::/root:/bin/sh"
	expect_eq "its target still root's" "$(stat -c %U "$T/victim2")" "root"
fi
check "bad option" 64 ctl stats --promethus

# node_exporter reads the file
ne=$(command -v prometheus-node-exporter || command -v node_exporter || true)
if [ -n "$ne" ]; then
	port=$(free_port)
	"$ne" --web.listen-address="127.0.0.1:$port" --collector.disable-defaults \
	    --collector.textfile --collector.textfile.directory="$T/tf" \
	    >"$T/ne.log" 2>&1 &
	ne_pid=$!
	stop_ne() { kill "$ne_pid" 2>/dev/null; wait "$ne_pid" 2>/dev/null; }
	cleanup_hooks="$cleanup_hooks stop_ne"
	_i=0
	m=""
	while [ $_i -lt 100 ]; do
		m=$(curl -s "http://127.0.0.1:$port/metrics") && [ -n "$m" ] && break
		sleep 0.1
		_i=$((_i + 1))
	done
	expect "node_exporter shows it" "$m" 'optin_consent_records{list="marketing",status="opt-in"} 1'
	expect "no scrape error" "$m" "node_textfile_scrape_error 0"
	expect "changes gauge" "$m" 'optin_history_changes{actor="cli",list="marketing",state="opt-out"} 1'
else
	echo "# prometheus-node-exporter is missing: the collector is not tried"
fi
done_testing
