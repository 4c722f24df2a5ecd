-- wrk script: analytics-events.lua with a pause of GB_DELAY_MS before each request of a connection, so that
-- connections x events per request / (pause + latency) paces the ingest rate (the catch-up backlog's BACKLOG_RATE).
-- A separate file because wrk schedules every request through a timer once a script defines delay().
dofile("bench/http/analytics-events.lua")
local pause = tonumber(os.getenv("GB_DELAY_MS") or "0")

function delay()
  return pause
end
