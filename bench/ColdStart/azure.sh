#!/usr/bin/env bash
# Cold start of Hosts.Azure (ReadyToRun, self-contained, as docs/deploy-azure.md publishes it) beside bench/MinimalReference
# published the same way, in the same run: from spawning the process to the first 200 on its health route, which is
# what the Functions host waits for before the first invocation (it polls the port). Each start is a new process;
# the file cache is warm after the first (as on a Functions instance that already has the package).
#
# The handler is started with the app settings it requires pointing at closed ports: /healthz touches neither Cosmos DB,
# Kafka nor Redis (all made on first use), so this is the handler's own start-up.
#
# Usage: bench/ColdStart/azure.sh [runs=10]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-10}
out=artifacts/bench/coldstart-azure
mkdir -p "$out"

echo "==> publishing (Release, linux-x64, ReadyToRun, self-contained)"
dotnet publish src/Hosts.Azure -c Release -r linux-x64 -p:PublishReadyToRun=true -o "$out/hosts-azure" --nologo -v q
dotnet publish bench/MinimalReference -c Release -r linux-x64 --self-contained -p:PublishReadyToRun=true -o "$out/minimal-reference" --nologo -v q

echo "==> machine"
echo "cores: $(nproc); cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); dotnet: $(dotnet --version); load before: $(cut -d' ' -f1-3 /proc/loadavg)"

port=18090
# One start: prints the milliseconds from spawn to the first 200 on $2.
measure() {
  local start_ns end_ns pid
  start_ns=$(date +%s%N)
  "${@:3}" >/dev/null 2>&1 &
  pid=$!
  until curl -fs -o /dev/null "http://127.0.0.1:$port$2"; do
    kill -0 "$pid" 2>/dev/null || { echo "process exited" >&2; return 1; }
    sleep 0.005
  done
  end_ns=$(date +%s%N)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo $(( (end_ns - start_ns) / 1000000 ))
}

summary() {
  sort -n | awk '{a[NR]=$1} END {printf "min %d ms, median %d ms, max %d ms (%d runs)\n", a[1], a[int((NR+1)/2)], a[NR], NR}'
}

echo "--- reference (bench/MinimalReference, GET /ping)"
for _ in $(seq 1 "$runs"); do
  measure x /ping env ASPNETCORE_URLS="http://127.0.0.1:$port" "$out/minimal-reference/GameBackend.MinimalReference"
done | summary

echo "--- Hosts.Azure (GET /healthz)"
for _ in $(seq 1 "$runs"); do
  measure x /healthz env FUNCTIONS_CUSTOMHANDLER_PORT="$port" \
    Cosmos__Endpoint=http://127.0.0.1:9/ Cosmos__Key=AAAA GameBackend__Kafka__BootstrapServers=127.0.0.1:9 \
    GameBackend__Azure__RedisConnectionString=127.0.0.1:9 "$out/hosts-azure/GameBackend.Hosts.Azure"
done | summary
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
