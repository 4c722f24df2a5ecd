-- wrk script: POST /v1/leaderboards/{board}/records as 1,000 players in turn.
-- GB_TOKENS names a file with one access token per line (made by leaderboards.sh); each wrk thread starts at a
-- different offset and cycles through all of them, so every player submits again and again.
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
  board = os.getenv("GB_BOARD")
  counter = (thread_id - 1) * 500
end

function request()
  counter = counter + 1
  local token = tokens[(counter % #tokens) + 1]
  local body = string.format('{"score":%d}', (counter % 97) + 1)
  return wrk.format("POST", "/v1/leaderboards/" .. board .. "/records",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }, body)
end

function response(status, headers, body)
  if status ~= 200 and not reported then
    reported = true
    io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n")
  end
end
