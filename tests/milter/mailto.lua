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
mt.disconnect(c)
finish()
