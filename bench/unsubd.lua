-- SPDX-License-Identifier: BSD-2-Clause
-- unsubd.lua - wrk script: RFC 8058 one-click unsubscribes to optin-unsubd
--
--   wrk -t THREADS -s bench/unsubd.lua URL -- TOKENS-FILE THREADS
--
-- Each request is POST /u/TOKEN with the body List-Unsubscribe=One-Click.
-- Thread k of THREADS takes the tokens k+1, k+1+THREADS, ... of
-- TOKENS-FILE (one per line), so no two requests carry the same token
-- until the file is used up; every 200 is then a durable opt-out.
local tokens = {}
local i = 0
local step = 1
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
	step = tonumber(args[2] or "1")
	i = (offset or 0) - step
end

function request()
	i = i + step
	local t = tokens[(i % #tokens) + 1]
	return wrk.format("POST", "/u/" .. t, headers, body)
end
