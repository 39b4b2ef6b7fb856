-- SPDX-License-Identifier: BSD-2-Clause
-- slow.lua - a session that is still open when the milter is told to
-- stop; what it gets afterwards is the MTA's default action, the test
-- only needs the milter to stop cleanly meanwhile
dofile(lib)
local c = open()
envelope(c, "S1", "<news@example.com>", nil, "<alice@example.org>", "<carol@example.org>")
if ready then
	io.open(ready, "w"):close()
end
mt.sleep(3)
mt.disconnect(c)
