-- SPDX-License-Identifier: BSD-2-Clause
-- replaced.lua - after data.mdb was replaced by a database in which
-- carol has consent and alice has none: the new file decides
dofile(lib)
local c = open()
envelope(c, "R1", "<news@example.com>", nil, "<alice@example.org>", "<carol@example.org>")
headers(c, {{"Subject", " after the restore"}})
eom(c)
ok(mt.eom_check(c, MT_RCPTDELETE, "<alice@example.org>"), "replaced: alice stripped")
ok(not mt.eom_check(c, MT_RCPTDELETE, "<carol@example.org>"), "replaced: carol kept")
mt.disconnect(c)
finish()
