-- bench/wrk/register.lua: POSTs complaints to /api/v1/complaints, cycling
-- through pre-generated documents, and keeps the talon number of every
-- 201 in BENCH_OUT/talons-THREAD.txt (a file per wrk thread).
--   BENCH_DOCS    the documents: each a line "body CODE", the document,
--                 and a line "--8<--"
--   BENCH_TOKENS  optional: lines "BODY TOKEN"; a document for BODY is
--                 sent with "Authorization: Bearer TOKEN" (else
--                 BENCH_AUTH, else none)
--   BENCH_OUT     the folder for the talon files
local dir = os.getenv("BENCH_WRK_DIR") or "bench/wrk"
local common = dofile(dir .. "/common.lua")

local reqs = {}
local i = 1
local out = nil
statuses = {}

function setup(thread) common.setup(thread) end

function init(args)
   common.seed(tid or 0)
   local tokens = {}
   local tt = common.slurp(os.getenv("BENCH_TOKENS") or "")
   if tt then
      for b, t in tt:gmatch("(%S+)%s+(%S+)") do tokens[b] = t end
   end
   local text = common.slurp(os.getenv("BENCH_DOCS") or "")
   if not text then error("BENCH_DOCS: cannot read") end
   for rec in text:gmatch("(.-)\n%-%-8<%-%-\n") do
      local body, doc = rec:match("^body (%S+)\n(.*)$")
      if not doc then error("BENCH_DOCS: a record without its body line") end
      local h = common.auth_headers({
         ["Content-Type"] = "application/xml; charset=utf-8" })
      if body and tokens[body] then
         h["Authorization"] = "Bearer " .. tokens[body]
      end
      reqs[#reqs + 1] = wrk.format("POST", "/api/v1/complaints", h, doc)
   end
   if #reqs == 0 then error("BENCH_DOCS: no documents") end
   i = math.random(#reqs)
   local o = os.getenv("BENCH_OUT") or "."
   out = io.open(string.format("%s/talons-%d.txt", o, tid or 0), "w")
   out:setvbuf("line")
end

function request()
   local r = reqs[i]
   i = i + 1
   if i > #reqs then i = 1 end
   return r
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
   if status == 201 then
      local n = body:match("<number>([%d%-]+)</number>")
      if n then out:write(n, "\n") end
   end
end

done = common.done
