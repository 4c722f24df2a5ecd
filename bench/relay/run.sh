#!/usr/bin/env bash
# The session relay beside the C baseline (issue 5), same workload, same run, same machine; prints a table.
#
#   bash bench/relay/run.sh                 # every mode, both relays
#   MODES="rtt" DURATION=5 bash bench/relay/run.sh
#   MODES="rtt-ab" ROUNDS=5 bash bench/relay/run.sh   # round trips through both relays at once, interleaved
#
# It builds ../shared/tools/udp-baseline-relay/baseline_relay.c into a temp folder (never into the repository),
# publishes src/SessionRelay (Native AOT, as the container ships it, when clang is here; RELAY_BUILD=jit for the
# plain JIT build), builds bench/RelayLoad, then for each mode starts each relay on loopback, runs the generator
# against it and stops it. Settings (environment): MODES, DURATION, WARMUP, SESSION_MEMBERS (one count or several,
# e.g. "1000 2000 5000"), ROUNDS (rtt only: that many paired rounds, alternating which relay goes first, then a
# summary of medians), SAT_MEMBERS,
# (rtt-ab: both relays run at the same time and every pair thread makes one round trip through each per tick, back to
# back, order alternating; so noise from the rest of the machine falls on both alike; ROUNDS repeats it with fresh
# processes and summarises),
# SAT_SESSION_SIZE, RTT_PAIRS, RTT_RATE, RELAY_BUILD, BASELINE_SRC, KEEP (keep the temp folder), REUSE (a kept temp
# folder: skip the builds and run what it holds), NICE (e.g. -10: relays and generator at a higher priority than
# other work on a shared machine; the same for both relays; needs root).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
modes=${MODES:-"saturation rtt sessions"}
duration=${DURATION:-10}
warmup=${WARMUP:-3}
session_members=${SESSION_MEMBERS:-"1000 2000 5000"}
sat_members=${SAT_MEMBERS:-40}
sat_session_size=${SAT_SESSION_SIZE:-10}
rtt_pairs=${RTT_PAIRS:-4}
rtt_rate=${RTT_RATE:-100}
relay_build=${RELAY_BUILD:-aot}
prio=(nice -n "${NICE:-0}")

baseline_src=${BASELINE_SRC:-}
for candidate in "$repo/../shared/tools/udp-baseline-relay/baseline_relay.c" /work/shared/tools/udp-baseline-relay/baseline_relay.c; do
  [[ -z "$baseline_src" && -f "$candidate" ]] && baseline_src=$candidate
done
[[ -f "$baseline_src" ]] || { echo "baseline_relay.c not found; set BASELINE_SRC" >&2; exit 2; }

tmp=${REUSE:-$(mktemp -d /tmp/relay-bench.XXXXXX)}
[[ -n "${REUSE:-}" ]] && KEEP=1
relay_pid=""
cleanup() {
  if [[ -n "$relay_pid" ]]; then kill -KILL "$relay_pid" 2>/dev/null || true; fi
  [[ -n "${KEEP:-}" ]] || rm -rf "$tmp"
}
trap cleanup EXIT

# The relay key the generator signs join tokens with and the relay verifies them with.
title=0195f3a2000070008000000000000001
key_id=benchkey
secret=YmVuY2gtcmVsYXkta2V5LXNoYXJlZC13aXRoLXRoZS1yZWxheQ
ours_port=7801
ours_http=7881
baseline_port=7901

echo "== build (temp folder $tmp)"
if [[ -n "${REUSE:-}" ]]; then
  if [[ -x "$tmp/relay/GameBackend.SessionRelay" ]]; then ours_cmd=("$tmp/relay/GameBackend.SessionRelay"); else ours_cmd=(dotnet "$tmp/relay/GameBackend.SessionRelay.dll"); fi
else
gcc -O2 -o "$tmp/baseline_relay" "$baseline_src"
if [[ "$relay_build" == aot ]]; then
  cc_args=()
  if ! command -v clang >/dev/null && command -v clang-14 >/dev/null; then cc_args=(-p:CppCompilerAndLinker=clang-14); fi
  dotnet publish "$repo/src/SessionRelay/SessionRelay.csproj" -c Release -r linux-x64 -p:PublishAot=true "${cc_args[@]}" \
    -o "$tmp/relay" -nologo -v q >"$tmp/publish.log" 2>&1 || { cat "$tmp/publish.log"; exit 1; }
  ours_cmd=("$tmp/relay/GameBackend.SessionRelay")
else
  dotnet publish "$repo/src/SessionRelay/SessionRelay.csproj" -c Release -o "$tmp/relay" -nologo -v q >"$tmp/publish.log" 2>&1 \
    || { cat "$tmp/publish.log"; exit 1; }
  ours_cmd=(dotnet "$tmp/relay/GameBackend.SessionRelay.dll")
fi
dotnet build "$repo/bench/RelayLoad/RelayLoad.csproj" -c Release -o "$tmp/load" -nologo -v q >"$tmp/load.log" 2>&1 \
  || { cat "$tmp/load.log"; exit 1; }
git -C "$repo" rev-parse --short HEAD >"$tmp/commit"
fi
echo "== relay: ${ours_cmd[*]} (built at commit $(cat "$tmp/commit" 2>/dev/null || echo unknown)); baseline: $baseline_src"

start_relay() { # $1 = ours | baseline
  if [[ "$1" == baseline ]]; then
    "${prio[@]}" "$tmp/baseline_relay" "$baseline_port" 64 2>>"$tmp/baseline.log" &
    relay_pid=$!
    sleep 0.3
  else
    Relay__Endpoint=127.0.0.1:$ours_port Relay__HttpUrls=http://127.0.0.1:$ours_http \
    Relay__Titles__0__TitleId=$title Relay__Titles__0__Keys__0__KeyId=$key_id Relay__Titles__0__Keys__0__Secret=$secret \
    Relay__MemberPacketsPerSecond=65535 Relay__MemberBytesPerSecond=1000000000 Relay__JoinsPerSecondPerAddress=0 Relay__DrainSeconds=0 \
    Logging__LogLevel__Default=Warning \
      "${prio[@]}" "${ours_cmd[@]}" >>"$tmp/ours.log" 2>&1 &
    relay_pid=$!
    for _ in $(seq 100); do
      curl -fs "http://127.0.0.1:$ours_http/readyz" >/dev/null 2>&1 && break
      sleep 0.1
    done
  fi
}

stop_relay() {
  kill -TERM "$relay_pid" 2>/dev/null || true
  wait "$relay_pid" 2>/dev/null || true
  relay_pid=""
}

run_load() { # $1 = relay kind, rest = generator arguments
  local kind=$1; shift
  local port=$ours_port; [[ "$kind" == baseline ]] && port=$baseline_port
  start_relay "$kind"
  "${prio[@]}" "$tmp/load/RelayLoad" --relay-kind "$kind" --relay "127.0.0.1:$port" --relay-pid "$relay_pid" \
    --title $title --key-id $key_id --secret $secret --warmup "$warmup" --duration "$duration" "$@" | tee -a "$tmp/results"
  if [[ "$kind" == ours ]]; then
    curl -fs "http://127.0.0.1:$ours_http/metrics" | grep -E '^relay_(drops_total|join_refusals_total|send_errors_total|loop_allocated)' | grep -v ' 0$' | sed 's/^/  metrics: /' || true
  fi
  stop_relay
}

# Both relays at once; the generator interleaves its round trips between them (bench/RelayLoad --mode rtt-ab).
run_interleaved() {
  start_relay baseline; local baseline_pid=$relay_pid
  start_relay ours; local ours_pid=$relay_pid
  "${prio[@]}" "$tmp/load/RelayLoad" --mode rtt-ab --relay "127.0.0.1:$ours_port" --baseline-relay "127.0.0.1:$baseline_port" \
    --relay-pid "$ours_pid" --title $title --key-id $key_id --secret $secret --warmup "$warmup" --duration "$duration" \
    --members $((rtt_pairs * 2)) --rate "$rtt_rate" | tee -a "$tmp/results"
  relay_pid=$ours_pid; stop_relay
  relay_pid=$baseline_pid; stop_relay
}

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -r)"
echo "== load before: $(cut -d' ' -f1-3 /proc/loadavg)   relay build: $relay_build   nice: ${NICE:-0}   $(date -u +%FT%TZ)"
: >"$tmp/results"
for mode in $modes; do
  if [[ "$mode" == rtt-ab ]]; then
    for round in $(seq "${ROUNDS:-1}"); do
      echo "-- rtt-ab round $round   (load $(cut -d' ' -f1 /proc/loadavg))"
      run_interleaved
    done
    continue
  fi
  if [[ "$mode" == rtt && "${ROUNDS:-1}" -gt 1 ]]; then
    # Paired rounds, the order alternating, so a drift in the machine's state hits both relays alike.
    for round in $(seq "$ROUNDS"); do
      order="baseline ours"; (( round % 2 == 0 )) && order="ours baseline"
      for kind in $order; do
        echo "-- rtt round $round / $kind   (load $(cut -d' ' -f1 /proc/loadavg))"
        run_load "$kind" --mode rtt --members $((rtt_pairs * 2)) --session-size 2 --rate "$rtt_rate"
      done
    done
    continue
  fi
  for kind in baseline ours; do
    echo "-- $mode / $kind   (load $(cut -d' ' -f1 /proc/loadavg))"
    case $mode in
      saturation) run_load "$kind" --mode saturation --members "$sat_members" --session-size "$sat_session_size" ;;
      rtt)        run_load "$kind" --mode rtt --members $((rtt_pairs * 2)) --session-size 2 --rate "$rtt_rate" ;;
      sessions)   for n in $session_members; do run_load "$kind" --mode sessions --members "$n" --session-size 10 --rate 20; done ;;
    esac
  done
done
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"

if [[ "${ROUNDS:-1}" -gt 1 ]] && grep -q 'mode=rtt' "$tmp/results"; then
  # Per relay: the median over rounds of each round's p50, p99 and p99.9, and in how many rounds ours was no worse.
  python3 - "$tmp/results" <<'PY'
import statistics, sys
rounds = {"baseline": [], "ours": []}
for line in open(sys.argv[1]):
    kv = dict(p.split("=", 1) for p in line.split()[1:] if "=" in p)
    if kv.get("mode") == "rtt":
        rounds[kv["relay"]].append({k: float(kv[k]) for k in ("p50_us", "p99_us", "p999_us")})
n = min(len(rounds["baseline"]), len(rounds["ours"]))
if n:
    print(f"\nround trip over {n} paired rounds (median of the rounds' percentiles):")
for k in ("p50_us", "p99_us", "p999_us") if n else ():
    b = [r[k] for r in rounds["baseline"][:n]]; o = [r[k] for r in rounds["ours"][:n]]
    no_worse = sum(1 for x, y in zip(b, o) if y <= x)
    print(f"  {k[:-3]:>5}: baseline {statistics.median(b):7.1f} µs   ours {statistics.median(o):7.1f} µs   "
          f"ours no worse in {no_worse}/{n} rounds   median paired difference {statistics.median([y - x for x, y in zip(b, o)]):+.1f} µs")
PY
fi
if grep -q 'mode=rtt-ab ' "$tmp/results"; then
  # Interleaved rounds: per relay, the median over rounds of each round's percentiles; and the per-tick comparison.
  python3 - "$tmp/results" <<'PY'
import statistics, sys
rows = {"baseline": [], "ours": []}; paired = []
for line in open(sys.argv[1]):
    kv = dict(p.split("=", 1) for p in line.split()[1:] if "=" in p)
    if kv.get("mode") == "rtt-ab":
        rows[kv["relay"]].append({k: float(kv[k]) for k in ("p50_us", "p99_us", "p999_us")})
    elif kv.get("mode") == "rtt-ab-paired":
        paired.append({k: float(kv[k]) for k in ("ours_faster_pct", "median_diff_us")})
n = len(paired)
print(f"\ninterleaved round trips over {n} rounds (median of the rounds' figures):")
for k in ("p50_us", "p99_us", "p999_us"):
    b = [r[k] for r in rows["baseline"]]; o = [r[k] for r in rows["ours"]]
    no_worse = sum(1 for x, y in zip(b, o) if y <= x)
    print(f"  {k[:-3]:>5}: baseline {statistics.median(b):7.1f} µs   ours {statistics.median(o):7.1f} µs   ours no worse in {no_worse}/{n} rounds")
print(f"  per tick: ours faster in {statistics.median(p['ours_faster_pct'] for p in paired):.1f}% of ticks (median over rounds; "
      f"{min(p['ours_faster_pct'] for p in paired):.1f}-{max(p['ours_faster_pct'] for p in paired):.1f}%), "
      f"median per-tick difference ours - baseline {statistics.median(p['median_diff_us'] for p in paired):+.1f} µs")
PY
fi

echo
echo "| mode | relay | figure | relay CPU (cores) | relay CPU per forwarded datagram | other load (cores) | relay memory |"
echo "|---|---|---|---:|---:|---:|---:|"
while read -r line; do
  declare -A r=()
  for kv in ${line#RESULT }; do r[${kv%%=*}]=${kv#*=}; done
  case ${r[mode]} in
    saturation) fig="${r[forwarded_per_s]} forwarded/s (offered ${r[sent_per_s]}/s in, ${r[members]} members in sessions of ${r[session_size]}, kernel drops ${r[kernel_drops_per_s]}/s)"; mem="${r[relay_rss_mib]} MiB" ;;
    rtt|rtt-ab) fig="p50 ${r[p50_us]} µs, p90 ${r[p90_us]} µs, p99 ${r[p99_us]} µs, p99.9 ${r[p999_us]} µs, max ${r[max_us]} µs (${r[samples]} round trips, ${r[lost]} lost)"; mem="" ;;
    rtt-ab-paired) fig="ticks with both round trips: ${r[ticks]}; ours faster in ${r[ours_faster_pct]}%; per-tick difference ours − baseline: median ${r[median_diff_us]} µs (p10 ${r[p10_diff_us]}, p90 ${r[p90_diff_us]})"; mem="" ;;
    sessions)   fig="${r[members]} members × ${r[rate]}/s: loss ${r[loss_pct]}% (${r[delivered]} of ${r[expected]} delivered, ${r[forwarded_per_s]}/s; max send lag ${r[max_send_lag_ms]} ms)"; mem="${r[relay_rss_mib]} MiB (peak ${r[relay_hwm_mib]})" ;;
  esac
  echo "| ${r[mode]} | ${r[relay]} | $fig | ${r[relay_cpu]:-} | ${r[relay_us_per_forwarded]:+${r[relay_us_per_forwarded]} µs} | ${r[others_cpu]:-} | $mem |"
  unset r
done <"$tmp/results"
