-- SPDX-License-Identifier: BSD-2-Clause
-- nodb.lua - the database cannot be opened: list mail gets 451 4.3.0,
-- unclassified mail is not held up
dofile(lib)
local c = open()
envelope(c, "D1", "<news@example.com>", nil, "<alice@example.org>")
headers(c, {{"Subject", " list mail"}})
ok(eom(c) == SMFIR_REPLYCODE, "nodb: list mail answered with a reply code")
ok(mt.eom_check(c, MT_SMTPREPLY, "451", "4.3.0",
    "consent database unavailable, try again later"), "nodb: 451 4.3.0")
envelope(c, "D2", "<friend@example.com>", nil, "<alice@example.org>")
headers(c, {{"Subject", " hello"}})
local r = eom(c)
ok(r == SMFIR_ACCEPT or r == SMFIR_CONTINUE, "nodb: unclassified mail passes")
mt.disconnect(c)
finish()
