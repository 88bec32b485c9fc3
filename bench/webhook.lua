-- wrk script: Kaddio confirmations, each with its own Kaddio ID, for no booking the
-- portal knows, so that every request is a full write: the delivery and its unmatched entry.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-API-Key"] = os.getenv("BENCH_SECRET")

local sent = 0

request = function()
  sent = sent + 1
  local body = string.format(
    '{"SourceSystem":"Kaddio","CareProvider":"https://example.kaddio.com",' ..
    '"AdditionalInfo":"bench_%d","ExternalBookingId":"kaddio-%d"}',
    sent, sent)
  return wrk.format(nil, nil, nil, body)
end
