# SPDX-License-Identifier: BSD-2-Clause
# lib.sh - a private Postfix instance, smtp-sink as the next hop, and
# optin-milter between them; sourced after ../lib.sh and ../milter/lib.sh.
#
# Nothing here touches the system's Postfix: each test has its own
# configuration directory, queue, log and ports (TESTING.md).

PF="$T/postfix"			# configuration directory
SINK="$T/sink"			# one file per delivered message
chmod 755 "$T"			# postfix's daemons reach the milter socket here

# e2e_conf FILE [SED-EXPRESSION...]: the test configuration with a socket
# Postfix's daemons (user postfix) can open, edited by the expressions
e2e_conf() {
	_f=$1
	shift
	[ -f "$_f" ] || test_conf "$_f"
	sed -i -e 's/^socket-mode .*/socket-mode 0666/' "$@" "$_f"
}

# pf_register - allow "postfix -c $PF": list it in the default main.cf
pf_register() {
	touch /etc/postfix/main.cf
	(
		flock 9
		cur=$(postconf -h alternate_config_directories 2>/dev/null)
		postconf -e "alternate_config_directories = $cur $PF"
	) 9>/etc/postfix/.optin-tests.lock
}

pf_unregister() {
	(
		flock 9
		cur=$(postconf -h alternate_config_directories 2>/dev/null)
		new=$(printf '%s\n' $cur | grep -vxF "$PF" | tr '\n' ' ')
		postconf -e "alternate_config_directories = $new"
	) 9>/etc/postfix/.optin-tests.lock
}

# pf_prepare: ports, folders and the part of main.cf every test shares
pf_prepare() {
	SMTP_PORT=$(free_port)
	SINK_PORT=$(free_port)
	while [ "$SINK_PORT" = "$SMTP_PORT" ]; do SINK_PORT=$(free_port); done
	mkdir -p "$PF" "$T/queue" "$T/data" "$SINK"
	chown postfix "$T/data" "$SINK"
	cat > "$PF/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $T/queue
data_directory = $T/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.test.example
mydomain = test.example
myorigin = \$myhostname
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
relayhost = [127.0.0.1]:$SINK_PORT
smtp_host_lookup = native
disable_dns_lookups = yes
smtputf8_enable = no
biff = no
maillog_file = $T/maillog
maillog_file_prefixes = /var, /tmp, $T
smtpd_recipient_restrictions = permit_mynetworks, reject
milter_command_timeout = 30s
CF
	cp /etc/postfix/master.cf "$PF/master.cf"
}

# pf_launch PORT...: start Postfix and the sink, wait until PORTs answer
pf_launch() {
	postconf -c "$PF" -F '*/*/chroot = n'
	pf_register
	cleanup_hooks="$cleanup_hooks pf_stop_quiet"
	postfix -c "$PF" set-permissions >/dev/null 2>&1
	if ! postfix -c "$PF" start >/dev/null 2>&1; then
		fail "postfix did not start: $(tail -n 20 "$T/maillog" 2>/dev/null)"
		return 1
	fi
	smtp-sink -u postfix -d "$SINK/%M." "127.0.0.1:$SINK_PORT" 100 &
	sink_pid=$!
	for _p in "$@"; do
		_i=0
		until swaks --server "127.0.0.1:$_p" --quit-after CONNECT \
		    >/dev/null 2>&1 || [ $_i -ge 100 ]; do
			sleep 0.1
			_i=$((_i + 1))
		done
	done
}

# pf_start MILTER_SOCKET [MAIN_CF_LINE]: one smtpd and sendmail(1), both
# through the milter; configure (with the line added), start Postfix and
# the sink
pf_start() {
	pf_prepare
	cat >> "$PF/main.cf" <<CF
smtpd_milters = $1
non_smtpd_milters = $1
milter_default_action = tempfail
${2:-}
CF
	sed -i "s/^smtp      inet  n       -       y       -       -       smtpd/127.0.0.1:$SMTP_PORT inet n - n - - smtpd/" "$PF/master.cf"
	grep -q "^127.0.0.1:$SMTP_PORT inet" "$PF/master.cf" ||
	    { fail "master.cf: smtp line not found"; return 1; }
	pf_launch "$SMTP_PORT"
}

# pf_start_site MILTER_SOCKET: a site wired from the shipped snippets
# alone (conf/postfix-main.cf.snippet, conf/postfix-master.cf.snippet):
# inbound smtpd on $SMTP_PORT (port 25's role), submission on $SUB_PORT,
# submissions on $SUBS_PORT (port 465's, without TLS here), the split's
# loopback smtpd on $SPLIT_PORT, and sendmail(1). Only ports,
# the socket, chroot, and TLS/SASL of the submission services (no
# certificates or SASL here: the test's loopback client is in mynetworks)
# differ from the snippets.
pf_start_site() {
	pf_prepare
	SUB_PORT=$(free_port)
	SUBS_PORT=$(free_port)
	SPLIT_PORT=$(free_port)
	# the site's own domains: the internet delivers mail for them on
	# port 25 (relayed on to the sink here)
	echo "relay_domains = example.org, example.net, example.com" >> "$PF/main.cf"
	sed -e "s|^optin_milters = .*|optin_milters = $1|" \
	    -e "s/10027/$SPLIT_PORT/g" \
	    "$top_srcdir/conf/postfix-main.cf.snippet" >> "$PF/main.cf"
	sed -i '/^smtp      inet/d' "$PF/master.cf"
	sed -e "s/^smtp      inet /127.0.0.1:$SMTP_PORT inet /" \
	    -e "s/^submission inet /127.0.0.1:$SUB_PORT inet /" \
	    -e "s/^submissions inet /127.0.0.1:$SUBS_PORT inet /" \
	    -e "s/10027/$SPLIT_PORT/g" \
	    "$top_srcdir/conf/postfix-master.cf.snippet" >> "$PF/master.cf"
	for _p in smtpd_tls_security_level=none smtpd_sasl_auth_enable=no \
	    smtpd_tls_auth_only=no \
	    smtpd_recipient_restrictions=permit_mynetworks,reject; do
		postconf -c "$PF" -P "127.0.0.1:$SUB_PORT/inet/$_p"
		postconf -c "$PF" -P "127.0.0.1:$SUBS_PORT/inet/$_p"
	done
	postconf -c "$PF" -P "127.0.0.1:$SUBS_PORT/inet/smtpd_tls_wrappermode=no"
	[ "$(postconf -c "$PF" -M "127.0.0.1:$SUB_PORT/inet" | wc -l)" = 1 ] &&
	    [ "$(postconf -c "$PF" -M "127.0.0.1:$SUBS_PORT/inet" | wc -l)" = 1 ] &&
	    [ "$(postconf -c "$PF" -M "127.0.0.1:$SPLIT_PORT/inet" | wc -l)" = 1 ] ||
	    { fail "master.cf: snippet services not found"; return 1; }
	pf_launch "$SMTP_PORT" "$SUB_PORT" "$SUBS_PORT" "$SPLIT_PORT"
}

pf_stop_quiet() {
	postfix -c "$PF" stop >/dev/null 2>&1
	[ -n "${sink_pid:-}" ] && kill "$sink_pid" 2>/dev/null
	sink_pid=""
	pf_unregister
}

# pf_wait: until the queue is empty and N files (or more) are in the sink
pf_wait() {
	_want=$1
	_i=0
	while [ $_i -lt 300 ]; do
		postqueue -c "$PF" -f >/dev/null 2>&1
		_n=$(ls "$SINK" | wc -l)
		_q=$(postqueue -c "$PF" -j 2>/dev/null | wc -l)
		[ "$_q" -eq 0 ] && [ "$_n" -ge "$_want" ] && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	fail "timed out: $_n messages in the sink, $_q queued; want $_want"
	postqueue -c "$PF" -p | sed 's/^/# /'
	return 1
}

# sink_for TAG: the delivered file whose message carries "Subject: TAG"
sink_for() {
	grep -l -x "Subject: $1" "$SINK"/* 2>/dev/null | head -n 1
}

# rcpts FILE: the envelope recipients of a delivered message, sorted
rcpts() {
	sed -n 's/^X-Rcpt-Args: <\([^>]*\)>.*/\1/p' "$1" | sort | tr '\n' ' '
}

# send_smtp SUBJECT FROM RCPTS [swaks options...]: the transcript in $out
send_smtp() {
	_subj=$1 _from=$2 _to=$3
	shift 3
	out=$(swaks --server "127.0.0.1:$SMTP_PORT" --from "$_from" --to "$_to" \
	    --header "Subject: $_subj" --body "body of $_subj" "$@" 2>&1)
}

# send_local SUBJECT FROM RCPT... ; message headers on stdin appended
send_local() {
	_subj=$1 _from=$2
	shift 2
	{
		echo "From: $_from"
		echo "Subject: $_subj"
		cat
		echo
		echo "body of $_subj"
	} | sendmail -C "$PF" -f "$_from" "$@"
}

# smtp_raw SUBJECT FROM RCPT-ARG...: one message over SMTP with each
# RCPT TO argument sent exactly as given (brackets, routes, quotes: what
# swaks would rewrite); the transcript, both ways, in $out
smtp_raw() {
	out=$(bash -c '
		port=$1 subj=$2 from=$3
		shift 3
		exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
		reply() {
			while IFS= read -r -t 30 line <&3; do
				line=${line%$(printf "\r")}
				echo "<- $line"
				case $line in [0-9][0-9][0-9]" "*) return 0 ;; esac
			done
			echo "<- (no reply)"
			return 1
		}
		say() {
			echo "-> $1"
			printf "%s\r\n" "$1" >&3
			reply
		}
		reply || exit 1
		say "EHLO client.test.example"
		say "MAIL FROM:<$from>"
		for r in "$@"; do
			say "RCPT TO:$r"
		done
		say "DATA"
		printf "From: <%s>\r\nSubject: %s\r\nX-Optin-List: marketing\r\n\r\nbody of %s\r\n.\r\n" \
		    "$from" "$subj" "$subj" >&3
		echo "-> (message)"
		reply
		say "QUIT"
	' smtp_raw "$SMTP_PORT" "$@" 2>&1)
}
