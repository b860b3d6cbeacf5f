-- wrk script: POSTs one signed GitHub push payload with a fresh X-GitHub-Delivery per request and
-- counts the answers by status. Arguments (after `--` on wrk's command line):
--   BODY_FILE SIGNATURE RUN_ID
-- SIGNATURE is "sha256=<hex>", the HMAC-SHA256 of the body with the hook's secret (constant: the
-- body never changes). The delivery id is UUID-shaped: run id, thread number, a per-thread counter
-- and a random part, so it is unique across threads and runs.
-- done() prints one line "RESULT {json}" with requests, duration, rate, latency percentiles and
-- the counts per status, which bench/webhook/table.py reads.

local threads = {}
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_no", thread_count)
  table.insert(threads, thread)
end

local body, signature, run_id
local counter = 0
sent = 0
statuses = {}

function init(args)
  local f = assert(io.open(args[1], "rb"))
  body = f:read("*a")
  f:close()
  signature = args[2]
  run_id = tonumber(args[3]) or 0
  math.randomseed(run_id * 1000 + thread_no)
end

function request()
  counter = counter + 1
  sent = sent + 1
  local delivery = string.format("%08x-%04x-4%03x-a%03x-%012x", run_id % 0x100000000, thread_no, math.random(0, 0xfff),
                                 math.random(0, 0xfff), counter)
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/json",
    ["User-Agent"] = "GitHub-Hookshot/bench",
    ["X-GitHub-Event"] = "push",
    ["X-GitHub-Delivery"] = delivery,
    ["X-Hub-Signature-256"] = signature,
  }, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local counts, total_sent = {}, 0
  for _, t in ipairs(threads) do
    total_sent = total_sent + t:get("sent")
    for status, n in pairs(t:get("statuses")) do counts[status] = (counts[status] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(counts) do table.insert(parts, string.format('"%d": %d', status, n)) end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "sent": %d, "statuses": {%s}, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}, ' ..
    '"latency_us": {"p50": %d, "p90": %d, "p99": %d, "max": %d, "mean": %.1f}}\n',
    summary.requests, summary.duration, total_sent, table.concat(parts, ", "),
    e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
