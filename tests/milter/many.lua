-- SPDX-License-Identifier: BSD-2-Clause
-- many.lua - a few hundred messages of every kind, for valgrind
dofile(lib)
local n = tonumber(count or "300")
local c = open()
for i = 1, n do
	local k = i % 6
	if k == 0 then
		envelope(c, "V" .. i, "<news@example.com>", nil, "<alice@example.org>",
		    "<carol@example.org>")
		headers(c, {{"Subject", " strip " .. i}, {"List-Id", " old <o.example.com>"}})
		eom(c)
		ok(mt.eom_check(c, MT_RCPTDELETE, "<carol@example.org>"), "strip " .. i)
	elseif k == 1 then
		envelope(c, "V" .. i, "<news@example.com>", nil, "<alice@example.org>",
		    "<dave@example.org>")
		headers(c, {{"X-Optin-List", " marketing"}})
		eom(c)
		ok(mt.eom_check(c, MT_HDRADD, "List-Unsubscribe"), "two " .. i)
	elseif k == 2 then
		envelope(c, "V" .. i, "<friend@example.net>", nil, "<alice@example.org>")
		headers(c, {{"Subject", " plain"}})
		eom(c)
	elseif k == 3 then
		envelope(c, "V" .. i, "<news@example.com>", nil, "<carol@example.org>")
		step(mt.abort(c), "abort")
	elseif k == 4 then
		envelope(c, "V" .. i, "<news@example.com>", nil, "<carol@example.org>")
		headers(c, {{"Subject", " none left"}})
		ok(eom(c) == SMFIR_DISCARD, "discard " .. i)
	else
		envelope(c, "V" .. i, "<x@example.net>", nil, "<unsubscribe@example.com>")
		headers(c, {{"Subject", " unsubscribe notatoken"}})
		ok(eom(c) == SMFIR_DISCARD, "mailto " .. i)
	end
	if i % 50 == 0 then
		mt.disconnect(c)
		c = open()
	end
end
mt.disconnect(c)
local p = mt.connect(sock, 100, 0.05)
mt.disconnect(p, false)
finish()
