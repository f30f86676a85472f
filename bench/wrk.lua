-- One benchmark scenario for wrk, configured by bench/run.py through the environment:
--   BENCH_PATHS   paths separated by newlines, one picked at random per request;
--                 "{id}" in a path becomes a random number from BENCH_ID_MIN..BENCH_ID_MAX
--   BENCH_METHOD  GET (default) or POST
--   BENCH_TOKENS  API tokens separated by newlines; each request sends a random one
--   BENCH_NOCACHE 1 adds a random query parameter, so no cached render can answer
-- At the end it prints one line "BENCH_JSON {...}" that bench/run.py reads.

local function lines(value)
  local out = {}
  for item in string.gmatch(value or "", "[^\n]+") do table.insert(out, item) end
  return out
end

local paths = lines(os.getenv("BENCH_PATHS") or "/")
local tokens = lines(os.getenv("BENCH_TOKENS"))
local method = os.getenv("BENCH_METHOD") or "GET"
local nocache = os.getenv("BENCH_NOCACHE") == "1"
local id_min = tonumber(os.getenv("BENCH_ID_MIN") or "1")
local id_max = tonumber(os.getenv("BENCH_ID_MAX") or "1")

function init(args)
  -- Each thread gets its own sequence (the address of a fresh table differs).
  math.randomseed(os.time() + tonumber(string.sub(tostring({}), 8), 16) % 1000003)
end

function request()
  local path = paths[math.random(#paths)]
  path = string.gsub(path, "{id}", tostring(math.random(id_min, id_max)))
  if nocache then
    local sep = string.find(path, "?", 1, true) and "&" or "?"
    path = path .. sep .. "nocache=" .. math.random(1, 1000000000)
  end
  local headers = {}
  if #tokens > 0 then
    headers["Authorization"] = "Bearer " .. tokens[math.random(#tokens)]
  end
  return wrk.format(method, path, headers, nil)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p95_us":%d,"p99_us":%d,' ..
    '"max_us":%d,"socket_errors":%d,"timeouts":%d,"non_2xx":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.connect + e.read + e.write, e.timeout, e.status))
end
