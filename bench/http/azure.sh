#!/usr/bin/env bash
# The foundation's HTTP benchmark (bench/http/run.sh: device sign-in, GET /v1/profile; wrk -t2 -c50 --latency) against
# Hosts.Azure published as docs/deploy-azure.md publishes it (Release, linux-x64, ReadyToRun) and started as the
# Functions host starts a custom handler: its own process, listening on FUNCTIONS_CUSTOMHANDLER_PORT, its settings in
# the environment. wrk talks to the handler directly, as the Functions host's HTTP proxying does (routes are the Api's);
# the Functions host itself is not in the path. Behind it, each on 127.0.0.1:
#   - documents: cosmosdb-server (npm @vercel/cosmosdb-server, Node.js, in memory) behind CosmosTestGateway, the tests'
#     proxy that corrects its answers (docs/deploy-azure.md); NOT Cosmos DB, so the figures say nothing of Cosmos DB's
#     latency or throughput;
#   - events: librdkafka's mock cluster, 3 brokers (every sign-in publishes an event, as on Event Hubs);
#   - ranks: redis-server.
# Gateway and brokers run in bench/AzureTestServers (the tests' fixtures, linked). The title is made with the host's
# own create-title command. bench/MinimalReference is measured first in the same run, as the yardstick.
#
# wrk's timeout is 30 s, not its default 2 s: the test server takes document requests one at a time (tens of ms per new
# account on this machine), so with 50 connections a sign-in waits seconds in line; at 2 s those would be counted as
# timeouts and leave no latency figures.
#
# Usage: bench/http/azure.sh [duration=15s] [connections=50]
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-15s}
connections=${2:-50}
port=18094
ref_port=18095
redis_port=18096
wrk_timeout=30s

# shellcheck source=eng/tools.sh
source eng/tools.sh
install_redis_server
install_cosmosdb_server

publish_hosts_local=0
# shellcheck source=bench/http/common.sh
source bench/http/common.sh
dotnet publish src/Hosts.Azure -c Release -r linux-x64 -p:PublishReadyToRun=true -o "$out/hosts-azure" --nologo -v q
dotnet publish bench/AzureTestServers -c Release -o "$out/azure-test-servers" --nologo -v q

# The handler first (it flushes its producer to the brokers on the way out), then its servers, then common.sh's cleanup.
azure_cleanup() {
  if [ -n "${pid:-}" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=; fi
  [ -n "${servers_pid:-}" ] && kill "$servers_pid" 2>/dev/null || true
  [ -n "${redis_pid:-}" ] && kill "$redis_pid" 2>/dev/null || true
  cleanup
}
trap azure_cleanup EXIT

run_reference

echo "==> servers: redis-server, cosmosdb-server behind CosmosTestGateway, librdkafka mock cluster"
redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no >"$out/azure-redis.log" 2>&1 &
redis_pid=$!
"$out/azure-test-servers/GameBackend.AzureTestServers" >"$out/azure-test-servers.log" 2>&1 &
servers_pid=$!
for _ in $(seq 1 600); do
  grep -q '^servers: ' "$out/azure-test-servers.log" && break
  kill -0 "$servers_pid" 2>/dev/null || { cat "$out/azure-test-servers.log" >&2; exit 1; }
  sleep 0.1
done
servers=$(grep -m1 '^servers: ' "$out/azure-test-servers.log") || { echo "the test servers did not start in 60 s" >&2; exit 1; }
echo "$servers"

# The function app's settings (what the template sets), pointing at the servers above.
settings=(
  FUNCTIONS_CUSTOMHANDLER_PORT="$port"
  Cosmos__Endpoint="$(sed -nE 's/.* cosmos=([^ ]+).*/\1/p' <<<"$servers")"
  Cosmos__Key="$(head -c 64 /dev/zero | base64 -w0)"
  Cosmos__Database="$(sed -nE 's/.* database=([^ ]+).*/\1/p' <<<"$servers")"
  Cosmos__Container="$(sed -nE 's/.* container=([^ ]+).*/\1/p' <<<"$servers")"
  GameBackend__Kafka__BootstrapServers="$(sed -nE 's/.* kafka=([^ ]+).*/\1/p' <<<"$servers")"
  GameBackend__Azure__RedisConnectionString="127.0.0.1:$redis_port"
  GameBackend__RateLimits__RequestsPerSecondPerClient=1000000
  GameBackend__RateLimits__RequestsPerSecondPerTitle=1000000
)

echo "==> GameBackend Hosts.Azure (ReadyToRun) as a custom handler"
title=$(env "${settings[@]}" "$out/hosts-azure/GameBackend.Hosts.Azure" create-title "HTTP benchmark" | grep -m1 'clientKey=')
client_key=$(sed -nE 's/.*clientKey=([^ ]+).*/\1/p' <<<"$title")
[ -n "$client_key" ] || { echo "create-title printed no client key" >&2; exit 1; }
env "${settings[@]}" "$out/hosts-azure/GameBackend.Hosts.Azure" >"$out/hosts-azure.log" 2>&1 &
pid=$!
wait_ready "$port" /healthz
base="http://127.0.0.1:$port"

foundation_scenario

print_memory Hosts.Azure
tree_rss() { # the resident memory of a process and its descendants, in MiB
  local pids=$1 next=$1
  while next=$(pgrep -d, -P "$next"); do pids="$pids,$next"; done
  ps -o rss= -p "$pids" | awk '{s+=$1} END {printf "%.0f MiB", s/1024}'
}
echo "--- test servers' memory after the run: gateway + mock Kafka + cosmosdb-server $(tree_rss "$servers_pid"), redis-server $(tree_rss "$redis_pid")"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
