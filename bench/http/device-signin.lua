-- wrk script: POST /v1/auth/device with a unique device id per request.
-- Each wrk thread gets its own Lua state; setup() hands each one a distinct id prefix.
local threads_made = 0
local run = tostring(os.time())

function setup(thread)
  threads_made = threads_made + 1
  thread:set("thread_id", threads_made)
end

function init(args)
  counter = 0
  client_key = os.getenv("GB_CLIENT_KEY")
end

function request()
  counter = counter + 1
  local body = string.format('{"deviceId":"bench-%s-%d-%d"}', run, thread_id, counter)
  return wrk.format("POST", "/v1/auth/device",
    { ["Content-Type"] = "application/json", ["X-Client-Key"] = client_key }, body)
end

function response(status, headers, body)
  if status ~= 200 and not reported then
    reported = true
    io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n")
  end
end
