-- wrk script: POST /v1/analytics/events, GB_BATCH telemetry events per request, as the players in GB_TOKENS in turn.
-- Every event id is new (thread, counter, index), so nothing is deduplicated; times are "now" (UTC seconds).
local threads_made = 0

function setup(thread)
  threads_made = threads_made + 1
  thread:set("thread_id", threads_made)
end

function init(args)
  tokens = {}
  for line in io.lines(os.getenv("GB_TOKENS")) do
    tokens[#tokens + 1] = line
  end
  batch = tonumber(os.getenv("GB_BATCH"))
  counter = 0
  refused = 0
end

function request()
  counter = counter + 1
  local token = tokens[((counter + thread_id) % #tokens) + 1]
  local now = os.date("!%Y-%m-%dT%H:%M:%SZ")
  local events = {}
  for i = 1, batch do
    events[i] = string.format(
      '{"id":"t%d-%d-%d","name":"level_up","time":"%s","properties":{"level":%d,"mode":"ranked"}}',
      thread_id, counter, i, now, (i % 50) + 1)
  end
  return wrk.format("POST", "/v1/analytics/events",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token },
    '{"events":[' .. table.concat(events, ",") .. ']}')
end

function response(status, headers, body)
  if status ~= 200 and not reported then
    reported = true
    io.stderr:write("first non-200 answer: " .. status .. " " .. body .. "\n")
  end
end
