-- One wrk script for every scenario. Arguments: mode ("post" or "get"), run prefix, body file (post only),
-- bearer token (or "-").
-- Every POST carries a fresh Idempotency-Key, so each request is a new pledge, as in a real rush.
-- Status counts are gathered per thread and summed in done(), which prints one JSON line for the bench.

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

function init(args)
  mode = args[1]
  prefix = args[2]
  local token = args[4]
  headers = { ["Content-Type"] = "application/json" }
  if token and token ~= "-" then headers["Authorization"] = "Bearer " .. token end
  if mode == "post" then
    local file = assert(io.open(args[3], "r"))
    body = file:read("*a")
    file:close()
  end
  n = 0
  created = 0
  ok = 0
  refused = 0
  other = 0
end

function request()
  if mode == "get" then
    return wrk.format("GET", nil, headers, nil)
  end
  n = n + 1
  headers["Idempotency-Key"] = prefix .. "-" .. tid .. "-" .. n
  return wrk.format("POST", nil, headers, body)
end

function response(status, hdrs, resp)
  if status == 201 then created = created + 1
  elseif status == 200 then ok = ok + 1
  elseif status == 409 then refused = refused + 1
  else other = other + 1 end
end

function done(summary, latency, requests)
  local c, o, r, x = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created")
    o = o + t:get("ok")
    r = r + t:get("refused")
    x = x + t:get("other")
  end
  local e = summary.errors
  io.write(string.format(
    'WRK-RESULT {"requests":%d,"duration_us":%d,"p50_us":%d,"p95_us":%d,"p99_us":%d,"created":%d,"ok":%d,"refused":%d,"other":%d,"socket_errors":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    c, o, r, x, e.connect + e.read + e.write + e.timeout))
end
