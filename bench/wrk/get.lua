-- bench/wrk/get.lua: GETs the paths of a file, one a line, cycling from
-- a seeded random point per thread (BENCH_PATHS; see common.lua).
local dir = os.getenv("BENCH_WRK_DIR") or "bench/wrk"
local common = dofile(dir .. "/common.lua")

local reqs = {}
local i = 1
statuses = {}

function setup(thread) common.setup(thread) end

function init(args)
   common.seed(tid or 0)
   local text = common.slurp(os.getenv("BENCH_PATHS") or "")
   if not text then error("BENCH_PATHS: cannot read") end
   local h = common.auth_headers({})
   for line in text:gmatch("[^\n]+") do
      reqs[#reqs + 1] = wrk.format("GET", line, h)
   end
   if #reqs == 0 then error("BENCH_PATHS: no paths") end
   i = math.random(#reqs)
end

function request()
   local r = reqs[i]
   i = i + 1
   if i > #reqs then i = 1 end
   return r
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
end

done = common.done
