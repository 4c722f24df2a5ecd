# Shared by the HTTP benchmark scripts (sourced, not run): publishing, the machine line, the reference
# run, and starting Hosts.Local on a fresh data folder. Callers set: duration, connections, port, ref_port, and
# publish_hosts_local=0 when they start another host.
out=artifacts/bench
mkdir -p "$out"

command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq wrk); }

echo "==> publishing (Release)"
[ "${publish_hosts_local:-1}" = 0 ] || dotnet publish src/Hosts.Local -c Release -o "$out/hosts-local" --nologo -v q
dotnet publish bench/MinimalReference -c Release -o "$out/minimal-reference" --nologo -v q

data=$(mktemp -d)
cleanup() {
  [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null || true
  [ -n "${ref_pid:-}" ] && kill "$ref_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

wait_ready() {
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$1$2" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "server on port $1 did not start" >&2
  return 1
}

echo "==> machine"
echo "cores: $(nproc); cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); memory: $(free -g | awk '/Mem:/ {print $2}') GiB"
echo "dotnet: $(dotnet --version); wrk: $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2); load before: $(cut -d' ' -f1-3 /proc/loadavg)"

# The yardstick, measured in the same run: the smallest ASP.NET Core app answering a fixed JSON object.
run_reference() {
  echo "==> reference: bench/MinimalReference"
  ASPNETCORE_URLS="http://127.0.0.1:$ref_port" "$out/minimal-reference/GameBackend.MinimalReference" >/dev/null 2>&1 &
  ref_pid=$!
  wait_ready "$ref_port" /ping
  wrk -t2 -c"$connections" -d3s "http://127.0.0.1:$ref_port/ping" >/dev/null
  echo "--- reference GET /ping"
  wrk -t2 -c"$connections" -d"$duration" --latency "http://127.0.0.1:$ref_port/ping"
  kill "$ref_pid"; wait "$ref_pid" 2>/dev/null || true; ref_pid=
}

# Starts Hosts.Local with the rate limits raised (one address and few players drive all the load) and sets
# pid, base, client_key and server_key. $1: the log file's name under $out; further arguments go to the host.
# Started again on the same data folder, it keeps the keys of the first start (the title exists already).
start_hosts_local() {
  echo "==> GameBackend Hosts.Local (data folder on $(df -h "$data" | awk 'NR==2 {print $1}'))"
  "$out/hosts-local/GameBackend.Hosts.Local" --urls "http://127.0.0.1:$port" --GameBackend:DataPath="$data" \
    --GameBackend:RateLimits:RequestsPerSecondPerClient=1000000 --GameBackend:RateLimits:RequestsPerSecondPerTitle=1000000 \
    "${@:2}" >"$out/$1" 2>&1 &
  pid=$!
  wait_ready "$port" /healthz
  local line
  line=$(grep -m1 'default title created' "$out/$1" || true)
  if [ -n "$line" ]; then
    client_key=$(sed -nE 's/.*clientKey=([^ ]+).*/\1/p' <<<"$line")
    server_key=$(sed -nE 's/.*serverKey=([^ ]+).*/\1/p' <<<"$line")
  fi
  base="http://127.0.0.1:$port"
}

# The foundation's two scenarios against $base with the title's $client_key, each after a short warm-up (JIT, caches):
#   1. device sign-in with a unique device id per request (durable writes),
#   2. GET /v1/profile with one access token.
# A caller may set wrk_timeout (wrk's default is 2 s; a request slower than that counts as a timeout, not a latency).
foundation_scenario() {
  export GB_CLIENT_KEY=$client_key
  local timeout=(${wrk_timeout:+--timeout "$wrk_timeout"})
  wrk -t2 -c"$connections" -d3s "${timeout[@]}" -s bench/http/device-signin.lua "$base" >/dev/null
  echo "--- device sign-in (unique device id per request)"
  wrk -t2 -c"$connections" -d"$duration" "${timeout[@]}" --latency -s bench/http/device-signin.lua "$base"

  local token
  token=$(curl -fs -X POST "$base/v1/auth/device" -H "X-Client-Key: $GB_CLIENT_KEY" \
    -H 'Content-Type: application/json' -d '{"deviceId":"bench-profile-reader"}' | sed -nE 's/.*"accessToken":"([^"]+)".*/\1/p')
  [ -n "$token" ] || { echo "the profile reader's sign-in failed" >&2; return 1; }
  wrk -t2 -c"$connections" -d3s "${timeout[@]}" -H "Authorization: Bearer $token" "$base/v1/profile" >/dev/null
  echo "--- GET /v1/profile (one token)"
  wrk -t2 -c"$connections" -d"$duration" "${timeout[@]}" --latency -H "Authorization: Bearer $token" "$base/v1/profile"
}

# $1: the host's name (Hosts.Local unless given).
print_memory() {
  echo "--- ${1:-Hosts.Local} memory after the run: $(ps -o rss= -p "$pid" | awk '{printf "%.0f MiB", $1/1024}')"
}
