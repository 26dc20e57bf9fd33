-- wrk script for pool-bench: every request asks for a different (user, session) pair.
-- Usage: wrk ... -s load.lua http://127.0.0.1:18181 -- /blocking/   (or /async/)
-- The server maps n to pair n % 10000, so the two wrk threads start 5000 pairs apart.

local thread_count = 0

function setup(thread)
  thread:set("thread_id", thread_count)
  thread_count = thread_count + 1
end

function init(args)
  prefix = args[1] or "/blocking/"
  counter = (thread_id or 0) * 5000
end

function request()
  counter = counter + 1
  return wrk.format("GET", prefix .. counter)
end

-- One machine-readable line for run.sh; latencies in microseconds.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d errors=%d non2xx=%d\n",
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect + e.read + e.write + e.timeout, e.status))
end
