#!/usr/bin/env bash
# HTTP benchmark of leaderboards (issue 3): publishes Hosts.Local in Release, starts it on a fresh data folder,
# signs in 1,000 players, and drives it with wrk (-t2 -c50 -d15s --latency):
#   1. score submissions, the 1,000 players cycling (bench/http/leaderboard-submit.lua), "increment" board, so every
#      request reads and writes the player's record (durable) and updates the rank index;
#   2. GET top 100 of a board holding 1,000 records.
# In the same run it measures the yardstick: bench/MinimalReference (the smallest ASP.NET Core app answering JSON).
#
# Usage: bench/http/leaderboards.sh [duration=15s] [connections=50]
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-15s}
connections=${2:-50}
port=18090
ref_port=18091
players=1000
# shellcheck source=bench/http/common.sh
source bench/http/common.sh
run_reference
start_hosts_local hosts-local-leaderboards.log

admin() { curl -fs -X "$1" "$base$2" -H "X-Server-Key: $server_key" -H 'Content-Type: application/json' ${3:+-d "$3"}; }
admin POST /v1/admin/leaderboards '{"id":"bench-writes","operator":"increment"}' >/dev/null
admin POST /v1/admin/leaderboards '{"id":"bench-reads","operator":"best"}' >/dev/null

echo "==> signing in $players players"
tokens="$data/tokens.txt"
ids="$data/players.txt"
seq 1 "$players" | xargs -P 8 -I{} curl -fs -X POST "$base/v1/auth/device" -H "X-Client-Key: $client_key" \
  -H 'Content-Type: application/json' -d '{"deviceId":"bench-player-{}"}' -o "$data/signin-{}.json"
for f in "$data"/signin-*.json; do
  # The bodies end without a newline; printf adds one per line.
  printf '%s\n' "$(sed -nE 's/.*"playerId":"([^"]+)".*/\1/p' "$f")" >>"$ids"
  printf '%s\n' "$(sed -nE 's/.*"accessToken":"([^"]+)".*/\1/p' "$f")" >>"$tokens"
done
[ "$(wc -l <"$tokens")" -eq "$players" ] || { echo "expected $players tokens" >&2; exit 1; }

echo "==> filling bench-reads with $players records (server submissions)"
export base server_key
while read -r id; do echo "$id $RANDOM"; done <"$ids" | xargs -P 8 -n 2 sh -c \
  'curl -fs -X POST "$base/v1/admin/leaderboards/bench-reads/records/$0" -H "X-Server-Key: $server_key" -H "Content-Type: application/json" -d "{\"score\":$1}" -o /dev/null'
reader=$(head -1 "$tokens")
total=$(curl -fs "$base/v1/leaderboards/bench-reads/records?limit=1" -H "Authorization: Bearer $reader" | sed -nE 's/.*"total":([0-9]+).*/\1/p')
echo "bench-reads holds $total records"

export GB_TOKENS="$tokens" GB_BOARD=bench-writes
# Warm-up (JIT, SQLite page cache), not measured.
wrk -t2 -c"$connections" -d3s -s bench/http/leaderboard-submit.lua "$base" >/dev/null
echo "--- score submissions (1,000 players cycling, increment)"
wrk -t2 -c"$connections" -d"$duration" --latency -s bench/http/leaderboard-submit.lua "$base"

wrk -t2 -c"$connections" -d3s -H "Authorization: Bearer $reader" "$base/v1/leaderboards/bench-reads/records?limit=100" >/dev/null
echo "--- GET top 100 of a 1,000-record board"
wrk -t2 -c"$connections" -d"$duration" --latency -H "Authorization: Bearer $reader" "$base/v1/leaderboards/bench-reads/records?limit=100"
curl -fs "$base/v1/leaderboards/bench-reads/records?limit=100" -H "Authorization: Bearer $reader" -o "$data/top.json"
echo "first bytes of a top-100 answer: $(head -c 200 "$data/top.json")"

print_memory
