-- bench/wrk/common.lua: what the wrk scripts share.  Each wrk thread
-- loads the script in its own Lua state; setup() and done() run in the
-- main one.  Environment:
--   BENCH_SUMMARY  file that done() writes: one "key value" a line
--   BENCH_SEED     seed of each thread's starting point (default 1)
--   BENCH_AUTH     sent as the Authorization header when set, such as
--                  "Bearer cs_..." (registrations need a staff token)

local common = {}
local threads = {}
local nthreads = 0

function common.setup(thread)
   nthreads = nthreads + 1
   thread:set("tid", nthreads)
   table.insert(threads, thread)
end

-- Reads a whole file; nil when it cannot.
function common.slurp(path)
   local f = io.open(path, "rb")
   if not f then return nil end
   local s = f:read("*a")
   f:close()
   return s
end

function common.auth_headers(h)
   local a = os.getenv("BENCH_AUTH")
   if a and a ~= "" then
      if not a:find(" ") then a = "Bearer " .. a end
      h["Authorization"] = a
   end
   return h
end

function common.seed(tid)
   local s = tonumber(os.getenv("BENCH_SEED") or "1") or 1
   math.randomseed(s * 7919 + tid)
end

-- Adds this thread's status counts (a global "statuses" table, status ->
-- count) and writes the summary.
function common.done(summary, latency, requests)
   local codes = {}
   for _, t in ipairs(threads) do
      local st = t:get("statuses")
      if st then
         for k, v in pairs(st) do codes[k] = (codes[k] or 0) + v end
      end
   end
   local out = os.getenv("BENCH_SUMMARY")
   local f = out and io.open(out, "w") or io.stdout
   local e = summary.errors
   f:write(string.format("requests %d\n", summary.requests))
   f:write(string.format("duration_us %d\n", summary.duration))
   f:write(string.format("bytes %d\n", summary.bytes))
   f:write(string.format("p50_us %d\n", latency:percentile(50)))
   f:write(string.format("p99_us %d\n", latency:percentile(99)))
   f:write(string.format("max_us %d\n", latency.max))
   f:write(string.format("errors_connect %d\nerrors_read %d\n" ..
      "errors_write %d\nerrors_timeout %d\nerrors_status %d\n",
      e.connect, e.read, e.write, e.timeout, e.status))
   for k, v in pairs(codes) do
      f:write(string.format("status_%s %d\n", tostring(k), v))
   end
   if f ~= io.stdout then f:close() end
end

return common
