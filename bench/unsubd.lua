-- SPDX-License-Identifier: BSD-2-Clause
-- unsubd.lua - wrk script: RFC 8058 one-click unsubscribes to optin-unsubd
--
--   wrk -s bench/unsubd.lua URL -- TOKENS-FILE
--
-- Each request is POST /u/TOKEN with the body List-Unsubscribe=One-Click,
-- the tokens taken in turn from TOKENS-FILE (one per line), each thread
-- starting at its own place. Every 200 is a durable opt-out.
local tokens = {}
local i = 0
local body = "List-Unsubscribe=One-Click"
local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }

local counter = 0
function setup(thread)
	thread:set("offset", counter)
	counter = counter + 1
end

function init(args)
	for line in io.lines(args[1]) do
		tokens[#tokens + 1] = line
	end
	i = (offset or 0) * 7919
end

function request()
	i = i + 1
	local t = tokens[(i % #tokens) + 1]
	return wrk.format("POST", "/u/" .. t, headers, body)
end
