#!/usr/bin/env bash
# End-to-end analytics ingest (issue 6): HTTP → in-process bus → ingest handler → rollups stored in SQLite, on
# Hosts.Local published in Release. wrk posts batches of telemetry events (bench/http/analytics-events.lua) as 100
# players for the given duration; then the script polls the query API until the day's rollup has counted every event
# the API accepted, and reports both rates: accepted (HTTP) and rolled up (end to end, from the first request until
# the last event is in the stored rollups). The minimal ASP.NET Core app is measured in the same run as the yardstick.
#
# Usage: bench/http/analytics.sh [duration=15s] [connections=16] [events per request=100]
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-15s}
connections=${2:-16}
batch=${3:-100}
port=18092
ref_port=18093
players=100
# shellcheck source=bench/http/common.sh
source bench/http/common.sh
run_reference
start_hosts_local hosts-local-analytics.log

echo "==> signing in $players players"
tokens="$data/tokens.txt"
seq 1 "$players" | xargs -P 8 -I{} curl -fs -X POST "$base/v1/auth/device" -H "X-Client-Key: $client_key" \
  -H 'Content-Type: application/json' -d '{"deviceId":"bench-analytics-{}"}' -o "$data/signin-{}.json"
for f in "$data"/signin-*.json; do
  printf '%s\n' "$(sed -nE 's/.*"accessToken":"([^"]+)".*/\1/p' "$f")" >>"$tokens"
done

today=$(date -u +%F)
rolled_up() {
  curl -fs "$base/v1/admin/analytics/days?from=$today&to=$today" -H "X-Server-Key: $server_key" \
    | sed -nE 's/.*"eventsByName":\{[^}]*"level_up":([0-9]+).*/\1/p'
}
sleep 2
before=$(rolled_up); before=${before:-0}

echo "--- POST /v1/analytics/events, $batch events per request, $players players, -c$connections -d$duration"
start=$(date +%s.%N)
GB_TOKENS="$tokens" GB_BATCH="$batch" wrk -t2 -c"$connections" -d"$duration" --latency -s bench/http/analytics-events.lua "$base" | tee "$data/wrk.txt"
wrk_end=$(date +%s.%N)
requests=$(sed -nE 's/^\s*([0-9]+) requests in .*/\1/p' "$data/wrk.txt")
non2xx=$(sed -nE 's/^\s*Non-2xx or 3xx responses: ([0-9]+).*/\1/p' "$data/wrk.txt"); non2xx=${non2xx:-0}
accepted=$(( (requests - non2xx) * batch ))

target=$(( before + accepted ))
while :; do
  now_count=$(rolled_up); now_count=${now_count:-0}
  [ "$now_count" -ge "$target" ] && break
  [ "$(echo "$(date +%s.%N) - $wrk_end > 300" | bc)" = 1 ] && { echo "rollups stopped at $now_count of $target" >&2; exit 1; }
  sleep 0.2
done
done_at=$(date +%s.%N)

echo "--- result"
echo "requests: $requests (non-2xx: $non2xx); events accepted: $accepted; level_up in the stored rollup: $((now_count - before)) new"
awk -v a="$accepted" -v s="$start" -v w="$wrk_end" -v d="$done_at" 'BEGIN {
  printf "accepted over HTTP: %.0f events/s (%.1f s of load)\n", a / (w - s), w - s;
  printf "end to end, first request to last event in the stored rollups: %.0f events/s (%.1f s; rollups %.1f s behind the last request)\n", a / (d - s), d - s, d - w }'
print_memory
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
