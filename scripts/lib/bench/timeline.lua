-- wrk script for scripts/bench: records every request, so the report can cut latency and
-- throughput into time windows (wrk alone only reports totals for the whole run).
--
--   BENCH_TIMELINE=rows.txt BENCH_SUMMARY=summary.txt wrk -t32 -c32 -d30s -s timeline.lua URL
--
-- Run it with as many threads as connections (-tN -cN): each wrk thread then serves exactly one
-- connection, so a thread's request() and response() calls pair up and their difference is that
-- request's latency. A request() that comes while the previous request is still unanswered means
-- wrk gave up on that one (read/write error: it reconnects and sends a new request), so it is
-- recorded as a failed request.
--
-- Rows (one per request, space separated): thread start_us end_us status, where status 0 = socket
-- error.
-- Times are CLOCK_REALTIME in microseconds, the clock scripts/bench stamps restarts with.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *tp);
]]
local CLOCK_REALTIME = 0
local clock = ffi.new("bench_timespec")

local function now_us()
    ffi.C.clock_gettime(CLOCK_REALTIME, clock)
    return tonumber(clock.tv_sec) * 1000000 + math.floor(tonumber(clock.tv_nsec) / 1000)
end

-- Main Lua state: the threads, so done() can collect their rows.
local threads = {}

function setup(thread)
    threads[#threads + 1] = thread
    thread:set("id", #threads)
end

-- Per-thread state. `rows` is global so that done() can read it with thread:get() once every
-- thread has finished.
rows = {}
local started = nil

function request()
    local now = now_us()
    if started ~= nil then
        rows[#rows + 1] = string.format("%d %.0f %.0f 0", id, started, now)
    end
    started = now
    return wrk.request()
end

function response(status, headers, body)
    rows[#rows + 1] = string.format("%d %.0f %.0f %d", id, started, now_us(), status)
    started = nil
end

function done(summary, latency, requests)
    local out = assert(io.open(os.getenv("BENCH_TIMELINE") or "timeline.txt", "w"))
    for _, thread in ipairs(threads) do
        local thread_rows = thread:get("rows")
        if #thread_rows > 0 then
            out:write(table.concat(thread_rows, "\n"), "\n")
        end
    end
    out:close()

    local e = summary.errors
    local s = assert(io.open(os.getenv("BENCH_SUMMARY") or "summary.txt", "w"))
    s:write(string.format("requests=%d duration_us=%d connect=%d read=%d write=%d timeout=%d non2xx=%d\n",
        summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout, e.status))
    s:close()
end
