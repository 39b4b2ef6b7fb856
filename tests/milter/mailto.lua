-- SPDX-License-Identifier: BSD-2-Clause
-- mailto.lua - unsubscribe requests sent to unsubscribe-mailto
dofile(lib)
local c = open()

-- a valid token: opted out at once, the request discarded
envelope(c, "M1", "<alice@example.org>", nil, "<unsubscribe@example.com>")
headers(c, {{"Subject", " unsubscribe " .. token}})
ok(eom(c) == SMFIR_DISCARD, "valid token: discarded")

-- a tampered token: logged and discarded, nothing changes
local bad = string.sub(token, 1, 20) .. (string.sub(token, 21, 21) == "A" and "B" or "A") ..
    string.sub(token, 22)
envelope(c, "M2", "<someone@example.net>", nil, "<Unsubscribe@Example.com>")
headers(c, {{"Subject", " unsubscribe " .. bad}})
ok(eom(c) == SMFIR_DISCARD, "bad token: discarded")

-- no token at all
envelope(c, "M3", "<someone@example.net>", nil, "<unsubscribe@example.com>")
headers(c, {{"Subject", " please take me off"}})
ok(eom(c) == SMFIR_DISCARD, "no token: discarded")

-- a list-only token opts out the envelope sender: only when an
-- Authentication-Results header of a configured authserv-id proves it
local function listonly(qid, from, ar)
	envelope(c, qid, from, nil, "<unsubscribe@example.com>")
	local h = {{"Subject", " unsubscribe " .. listtoken}}
	if ar ~= nil then
		table.insert(h, 1, {"Authentication-Results", " " .. ar})
	end
	headers(c, h)
	ok(eom(c) == SMFIR_DISCARD, qid .. ": discarded")
end
listonly("M4", "<dave@example.org>", nil)
listonly("M5", "<dave@example.org>",
    "evil.example; dkim=pass header.d=example.org")
listonly("M6", "<dave@example.org>",
    "mx.test.example; dkim=pass header.d=other.example; spf=fail smtp.mailfrom=dave@example.org")
listonly("M7", "<dave@example.org>",
    "mx.test.example; dkim=fail header.d=example.org")
listonly("M8", "<dave@example.org>", "mx.test.example; (comment")
-- proven: dkim of a parent domain, and spf of the exact domain
listonly("M9", "<erin@mx.test.example>",
    "MX.Test.Example 1; dkim=pass (good signature) header.d=test.example header.s=s1")
listonly("M10", "<pat@example.org>",
    "mx.test.example;\r\n\tspf=pass smtp.mailfrom=\"pat\"@example.org")
mt.disconnect(c)
finish()
