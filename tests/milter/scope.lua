-- SPDX-License-Identifier: BSD-2-Clause
-- scope.lua - inbound mail passes untouched; outbound mail is enforced
-- Globals: mailto ("yes" when the configuration has unsubscribe-mailto)
dofile(lib)

function open_from(daemon, host, ip)
	local c = mt.connect(sock, 100, 0.05)
	if c == nil then
		mt.echo("FAIL: cannot connect to " .. tostring(sock))
		error("connect")
	end
	step(mt.macro(c, SMFIC_CONNECT, "j", "mx.test.example",
	    "{daemon_name}", daemon), "connect macros")
	step(mt.conninfo(c, host, ip), "conninfo")
	return c
end

local list = {{"From", " news@example.com"}, {"To", " carol@example.org"},
    {"Subject", " News"}, {"X-Optin-List", " marketing"}}

if mailto == "yes" then
	-- internet mail with a list header, to someone without consent:
	-- looked at up to the end of the header (it could be for the
	-- unsubscribe mailbox), then passed whole
	mt.echo("# inbound list header")
	local c = open_from("mx.test.example", "mail.example.net", "192.0.2.7")
	local r = envelope(c, "I1", "<news@example.com>", nil, "<carol@example.org>")
	ok(r[1] == SMFIR_CONTINUE, "inbound: RCPT not refused")
	step(mt.data(c), "data")
	ok(mt.getreply(c) == SMFIR_ACCEPT, "inbound: accepted at DATA, before the header")
	mt.disconnect(c)

	-- but not when the unsubscribe mailbox is among the recipients
	c = open_from("mx.test.example", "mail.example.net", "192.0.2.7")
	envelope(c, "I1E", "<carol@example.org>", nil, "<unsubscribe@example.com>")
	step(mt.data(c), "data")
	ok(mt.getreply(c) == SMFIR_CONTINUE, "request: read on past DATA")
	ok(headers(c, {{"Subject", " unsubscribe nothing-valid"}}) == SMFIR_CONTINUE,
	    "request: header read")
	ok(eom(c) == SMFIR_DISCARD, "request: handled")
	mt.disconnect(c)

	-- an unknown list named by an outsider: no 550
	mt.echo("# inbound unknown list")
	c = open_from("mx.test.example", "mail.example.net", "192.0.2.7")
	envelope(c, "I2", "<someone@example.net>", nil, "<bob@example.org>")
	step(mt.data(c), "data")
	ok(mt.getreply(c) == SMFIR_ACCEPT, "inbound unknown list: passed")
	mt.disconnect(c)

	-- denied reject does not refuse inbound recipients either: the
	-- list sender writing to a colleague from outside
	mt.echo("# inbound list sender")
	c = open_from("mx.test.example", "mail.example.net", "192.0.2.7")
	r = envelope(c, "I3", "<news@example.com>", nil, "<colleague@example.org>",
	    "<carol@example.org>")
	ok(r[1] == SMFIR_CONTINUE and r[2] == SMFIR_CONTINUE, "inbound sender: RCPTs")
	step(mt.data(c), "data")
	ok(mt.getreply(c) == SMFIR_ACCEPT, "inbound sender: passed")
	mt.disconnect(c)

	-- the unsubscribe mailbox is the one inbound address acted on
	mt.echo("# inbound unsubscribe request")
	c = open_from("mx.test.example", "mail.example.net", "192.0.2.7")
	envelope(c, "I4", "<carol@example.org>", nil, "<unsubscribe@example.com>")
	ok(headers(c, {{"Subject", " unsubscribe nothing-valid"}}) == SMFIR_CONTINUE,
	    "inbound request: read to the end")
	ok(eom(c) == SMFIR_DISCARD, "inbound request: handled and discarded")
	mt.disconnect(c)

	-- a request and a colleague in one inbound message: only the
	-- mailbox is removed, nothing else changes
	mt.echo("# inbound request with a colleague")
	c = open_from("mx.test.example", "mail.example.net", "192.0.2.7")
	envelope(c, "I5", "<carol@example.org>", nil, "<unsubscribe@example.com>",
	    "<colleague@example.org>")
	headers(c, list)
	local e = eom(c)
	ok(e == SMFIR_ACCEPT or e == SMFIR_CONTINUE, "mixed: delivered")
	ok(mt.eom_check(c, MT_RCPTDELETE, "<unsubscribe@example.com>"), "mixed: mailbox removed")
	ok(not mt.eom_check(c, MT_RCPTDELETE, "<colleague@example.org>"), "mixed: colleague kept")
	ok(not mt.eom_check(c, MT_HDRDELETE, "X-Optin-List"), "mixed: list header kept")
	ok(mt.getheader(c, "List-Unsubscribe", 0) == nil, "mixed: nothing added")
	mt.disconnect(c)
else
	-- no own address configured: inbound mail is passed at MAIL FROM
	mt.echo("# inbound, nothing to look for")
	local c = open_from("mx.test.example", "mail.example.net", "192.0.2.7")
	step(mt.macro(c, SMFIC_MAIL, "i", "I6"), "mail macros")
	step(mt.mailfrom(c, "<news@example.com>"), "mailfrom")
	ok(mt.getreply(c) == SMFIR_ACCEPT, "inbound: accepted at MAIL FROM")
	mt.disconnect(c)
end

-- the same internet client after AUTH: outbound, enforced
mt.echo("# authenticated")
local r
local c = open_from("mx.test.example", "mail.example.net", "192.0.2.7")
r = envelope(c, "O1", "<news@example.com>", "marketing-app", "<alice@example.org>",
    "<carol@example.org>")
headers(c, list)
eom(c)
ok(r[2] == SMFIR_REPLYCODE or mt.eom_check(c, MT_RCPTDELETE, "<carol@example.org>"),
    "auth: carol refused or stripped")
ok(mt.eom_check(c, MT_HDRDELETE, "X-Optin-List"), "auth: list header removed")
mt.disconnect(c)

-- the submission service (milter_macro_daemon_name=ORIGINATING)
mt.echo("# ORIGINATING")
c = open_from("ORIGINATING", "mail.example.net", "192.0.2.7")
r = envelope(c, "O2", "<news@example.com>", nil, "<alice@example.org>",
    "<carol@example.org>")
headers(c, list)
eom(c)
ok(r[2] == SMFIR_REPLYCODE or mt.eom_check(c, MT_RCPTDELETE, "<carol@example.org>"),
    "daemon: carol refused or stripped")
ok(mt.eom_check(c, MT_HDRDELETE, "X-Optin-List"), "daemon: list header removed")
mt.disconnect(c)

-- smtpd on a non-IP endpoint ("sendmail -bs"): local
mt.echo("# local")
c = open_from("mx.test.example", "localhost", "unspec")
r = envelope(c, "O3", "<news@example.com>", nil, "<alice@example.org>",
    "<carol@example.org>")
headers(c, list)
eom(c)
ok(r[2] == SMFIR_REPLYCODE or mt.eom_check(c, MT_RCPTDELETE, "<carol@example.org>"),
    "local: carol refused or stripped")
ok(mt.eom_check(c, MT_HDRDELETE, "X-Optin-List"), "local: list header removed")
mt.disconnect(c)
finish()
