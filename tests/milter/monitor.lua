-- SPDX-License-Identifier: BSD-2-Clause
-- monitor.lua - mode monitor: decide and log, change nothing but the
-- list header
dofile(lib)
local c = open()
envelope(c, "N1", "<news@example.com>", nil, "<carol@example.org>")
headers(c, {{"X-Optin-List", " marketing"}})
local r = eom(c)
ok(r == SMFIR_ACCEPT or r == SMFIR_CONTINUE, "monitor: accepted")
ok(not mt.eom_check(c, MT_RCPTDELETE, "<carol@example.org>"), "monitor: nobody removed")
ok(not mt.eom_check(c, MT_HDRADD), "monitor: no header added")
ok(mt.eom_check(c, MT_HDRDELETE, "X-Optin-List"), "monitor: list header removed")
mt.disconnect(c)
finish()
