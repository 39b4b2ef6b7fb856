-- SPDX-License-Identifier: BSD-2-Clause
-- lib.lua - helpers for the miltertest scripts; loaded with dofile(lib).
-- Globals from the harness (-D): sock, lib, and per script values.

failures = 0
checks = 0

function fail(msg)
	mt.echo("FAIL: " .. msg)
	failures = failures + 1
end

-- ok(cond, what): count a check, report a failure
function ok(cond, what)
	checks = checks + 1
	if not cond then
		fail(what)
	end
end

-- step(r, what): a miltertest call must succeed (it returns nil)
function step(r, what)
	if r ~= nil then
		fail(what .. ": " .. tostring(r))
		error("step failed: " .. what)
	end
end

-- open([steps]): a connection from smtpd; STEPS, when given, are the
-- protocol steps the MTA offers (SMFIP_*), else all that libmilter knows
function open(steps)
	local c = mt.connect(sock, 100, 0.05)
	if c == nil then
		mt.echo("FAIL: cannot connect to " .. tostring(sock))
		error("connect")
	end
	if steps ~= nil then
		step(mt.negotiate(c, nil, nil, steps), "negotiate")
	end
	step(mt.macro(c, SMFIC_CONNECT, "j", "mx.test.example",
	    "{daemon_name}", "smtpd"), "connect macros")
	step(mt.conninfo(c, "client.example", "127.0.0.1"), "conninfo")
	return c
end

-- open_local(): a connection for the sendmail(1) path. Postfix's
-- cleanup(8) says localhost, 127.0.0.1, port 0; miltertest always sends
-- a port, so this sends no address and the milter goes by the brackets
-- of the first recipient (the e2e tests cover port 0 with Postfix)
function open_local()
	local c = mt.connect(sock, 100, 0.05)
	if c == nil then
		mt.echo("FAIL: cannot connect to " .. tostring(sock))
		error("connect")
	end
	step(mt.macro(c, SMFIC_CONNECT, "j", "mx.test.example",
	    "{daemon_name}", "mx.test.example"), "connect macros")
	step(mt.conninfo(c, "localhost", "unspec"), "conninfo")
	return c
end

-- envelope(c, qid, from, auth, rcpts...): MAIL and RCPT; returns the
-- reply to each RCPT in a table
function envelope(c, qid, from, auth, ...)
	if auth ~= nil then
		step(mt.macro(c, SMFIC_MAIL, "i", qid, "{auth_authen}", auth),
		    "mail macros")
	else
		step(mt.macro(c, SMFIC_MAIL, "i", qid), "mail macros")
	end
	step(mt.mailfrom(c, from), "mailfrom " .. from)
	local replies = {}
	for i, r in ipairs({...}) do
		step(mt.rcptto(c, r), "rcptto " .. r)
		replies[i] = mt.getreply(c)
	end
	return replies
end

-- headers(c, {name, value}, ...) then EOH
function headers(c, list)
	for _, h in ipairs(list) do
		step(mt.header(c, h[1], h[2]), "header " .. h[1])
	end
	step(mt.eoh(c), "eoh")
	return mt.getreply(c)
end

function eom(c)
	step(mt.eom(c), "eom")
	return mt.getreply(c)
end

function startswith(s, p)
	return s ~= nil and string.sub(s, 1, string.len(p)) == p
end

function finish()
	mt.echo(checks .. " checks, " .. failures .. " failed")
	if failures > 0 or checks == 0 then
		error("failed")
	end
end
