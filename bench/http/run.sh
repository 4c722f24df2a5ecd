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
foundation_scenario
print_memory
