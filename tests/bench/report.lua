-- wrk script: optional headers from the environment ("Name: value" lines in BENCH_HEADERS), then one JSON line
-- with the figures the bench prints.
for name, value in string.gmatch(os.getenv("BENCH_HEADERS") or "", "([^:\n]+): ([^\n]*)") do
  wrk.headers[name] = value
end

-- BENCH_REVALIDATE: ask as a browser does, with the ETag of the copy it last received (the tag moves with time)
if os.getenv("BENCH_REVALIDATE") == "1" then
  request = function() return wrk.format(nil, nil, wrk.headers) end
  response = function(status, headers, body)
    if headers["ETag"] then wrk.headers["If-None-Match"] = headers["ETag"] end
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
