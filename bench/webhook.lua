-- wrk script: Kaddio confirmations, each with its own Kaddio ID, for no booking the
-- portal knows, so that every request is a full write: the delivery and its unmatched entry.
-- wrk runs one Lua state per thread; each thread numbers its requests under its own id.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-API-Key"] = os.getenv("BENCH_SECRET")

local threads = 0

function setup(thread)
  thread:set("thread_id", threads)
  threads = threads + 1
end

local sent = 0

request = function()
  sent = sent + 1
  local body = string.format(
    '{"SourceSystem":"Kaddio","CareProvider":"https://example.kaddio.com",' ..
    '"AdditionalInfo":"bench_%d_%d","ExternalBookingId":"kaddio-%d-%d"}',
    thread_id, sent, thread_id, sent)
  return wrk.format(nil, nil, nil, body)
end
