#!/usr/bin/env bash
# HTTP benchmark of the foundation (issue 2): publishes Hosts.Local in Release, starts it on a
# fresh data folder, and drives it with wrk (-t2 -c50 -d15s --latency):
#   1. device sign-in with a unique device id per request (durable writes),
#   2. GET /v1/profile with one access token.
# In the same run it measures the yardstick: bench/MinimalReference, the smallest ASP.NET Core
# app answering JSON, so the figures can be read against what this machine and wrk can do at all.
#
# Usage: bench/http/run.sh [duration=15s] [connections=50]
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-15s}
connections=${2:-50}
port=18080
ref_port=18081
out=artifacts/bench
mkdir -p "$out"

command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq wrk); }

echo "==> publishing (Release)"
dotnet publish src/Hosts.Local -c Release -o "$out/hosts-local" --nologo -v q
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
echo "dotnet: $(dotnet --version); wrk: $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"

echo "==> reference: bench/MinimalReference"
ASPNETCORE_URLS="http://127.0.0.1:$ref_port" "$out/minimal-reference/GameBackend.MinimalReference" >/dev/null 2>&1 &
ref_pid=$!
wait_ready "$ref_port" /ping
wrk -t2 -c"$connections" -d3s "http://127.0.0.1:$ref_port/ping" >/dev/null
echo "--- reference GET /ping"
wrk -t2 -c"$connections" -d"$duration" --latency "http://127.0.0.1:$ref_port/ping"
kill "$ref_pid"; wait "$ref_pid" 2>/dev/null || true; ref_pid=

echo "==> GameBackend Hosts.Local (data folder on $(df -h "$data" | awk 'NR==2 {print $1}'))"
"$out/hosts-local/GameBackend.Hosts.Local" --urls "http://127.0.0.1:$port" --GameBackend:DataPath="$data" \
  --GameBackend:RateLimits:RequestsPerSecondPerClient=1000000 --GameBackend:RateLimits:RequestsPerSecondPerTitle=1000000 \
  >"$out/hosts-local.log" 2>&1 &
pid=$!
wait_ready "$port" /healthz
line=$(grep -m1 'default title created' "$out/hosts-local.log")
export GB_CLIENT_KEY=$(sed -nE 's/.*clientKey=([^ ]+).*/\1/p' <<<"$line")

# Warm-up (JIT, SQLite page cache), not measured.
wrk -t2 -c"$connections" -d3s -s bench/http/device-signin.lua "http://127.0.0.1:$port" >/dev/null

echo "--- device sign-in (unique device id per request)"
wrk -t2 -c"$connections" -d"$duration" --latency -s bench/http/device-signin.lua "http://127.0.0.1:$port"

token=$(curl -fs -X POST "http://127.0.0.1:$port/v1/auth/device" -H "X-Client-Key: $GB_CLIENT_KEY" \
  -H 'Content-Type: application/json' -d '{"deviceId":"bench-profile-reader"}' | sed -nE 's/.*"accessToken":"([^"]+)".*/\1/p')
wrk -t2 -c"$connections" -d3s -H "Authorization: Bearer $token" "http://127.0.0.1:$port/v1/profile" >/dev/null
echo "--- GET /v1/profile (one token)"
wrk -t2 -c"$connections" -d"$duration" --latency -H "Authorization: Bearer $token" "http://127.0.0.1:$port/v1/profile"

echo "--- Hosts.Local memory after the run: $(ps -o rss= -p "$pid" | awk '{printf "%.0f MiB", $1/1024}')"
