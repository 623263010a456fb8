-- SPDX-License-Identifier: BSD-2-Clause
-- wrk script of the server benchmark: MODE (environment) is "description" (random sites post
-- random descriptions), "status" (random sites post a status) or "get" (GET PATH); DATA is the
-- Lua table gen.py wrote. done() prints one JSON line with the figures.
local mode = os.getenv("MODE") or "get"
local path = os.getenv("REQ_PATH") or "/v1/versions"
local data = dofile(os.getenv("DATA") or "data.lua")
local n = #data.sites
local counter = 0

function setup(thread)
	counter = counter + 1
	thread:set("seed", counter)
end

function init(args)
	math.randomseed(seed or 1)
end

function request()
	if mode == "get" then
		return wrk.format("GET", path)
	end
	local s = data.sites[math.random(n)]
	local headers = { ["Authorization"] = "Bearer " .. s[2], ["Content-Type"] = "application/json" }
	if mode == "status" then
		return wrk.format("POST", "/v1/sites/" .. s[1] .. "/status", headers,
			'{"state": "downloading", "detail": "bench"}')
	end
	return wrk.format("POST", "/v1/sites/" .. s[1] .. "/description", headers,
		data.descriptions[math.random(#data.descriptions)])
end

function done(summary, latency, requests)
	local e = summary.errors
	io.write(string.format('{"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p99_us": %d, ' ..
		'"errors": %d}\n', summary.requests, summary.duration, summary.bytes, latency:percentile(50),
		latency:percentile(99), e.connect + e.read + e.write + e.status + e.timeout))
end
