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
# shellcheck source=bench/http/common.sh
source bench/http/common.sh
run_reference
start_hosts_local hosts-local.log
export GB_CLIENT_KEY=$client_key

# Warm-up (JIT, SQLite page cache), not measured.
wrk -t2 -c"$connections" -d3s -s bench/http/device-signin.lua "$base" >/dev/null

echo "--- device sign-in (unique device id per request)"
wrk -t2 -c"$connections" -d"$duration" --latency -s bench/http/device-signin.lua "$base"

token=$(curl -fs -X POST "$base/v1/auth/device" -H "X-Client-Key: $GB_CLIENT_KEY" \
  -H 'Content-Type: application/json' -d '{"deviceId":"bench-profile-reader"}' | sed -nE 's/.*"accessToken":"([^"]+)".*/\1/p')
wrk -t2 -c"$connections" -d3s -H "Authorization: Bearer $token" "$base/v1/profile" >/dev/null
echo "--- GET /v1/profile (one token)"
wrk -t2 -c"$connections" -d"$duration" --latency -H "Authorization: Bearer $token" "$base/v1/profile"

print_memory
