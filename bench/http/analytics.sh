#!/usr/bin/env bash
# End-to-end analytics ingest (issue 6) on Hosts.Local published in Release. wrk posts batches of telemetry events
# (bench/http/analytics-events.lua) as 100 players (PLAYERS); the script polls the query API until the day's stored rollup has
# counted every event the API accepted. The minimal ASP.NET Core app is measured in the same run as the yardstick.
#
# Modes (environment):
#   BUS=inprocess (default)  HTTP → in-process bus → ingest handler → rollups in SQLite. Reports the accepted rate
#                            (HTTP) and the end-to-end rate (first request until the last event is in the rollups).
#   BUS=kafka                The same through a Kafka-protocol broker in its own process: librdkafka's mock cluster
#                            (3 brokers) run by bench/KafkaMockBroker, which creates the event topic with PARTITIONS
#                            partitions (default 12; clients cannot create topics on the mock), and Hosts.Local started
#                            with --GameBackend:Kafka:BootstrapServers (its Kafka bus and consumer group). First, on the
#                            same broker, the raw producer throughput: bench/KafkaProducer --bootstrap <broker> --codecs
#                            lz4 (the bus's codec), KAFKA_EVENTS events (default 1000000), to a topic its first produce
#                            creates (the mock's default: 4 partitions).
#   MODE=catchup             (Kafka) Consumer catch-up after a backlog: Hosts.Local runs with
#                            --GameBackend:AnalyticsConsumer=false (publishes, consumes nothing) while wrk posts for
#                            BACKLOG_SECONDS (default 60): the backlog is every event accepted in that time, at the HTTP
#                            ingest rate R. Then Hosts.Local is started again on the same data with its consumer group,
#                            and the script times how long the stored rollups take to count the whole backlog (from the
#                            process start, and from /healthz answering), and the drain rate. PARTITIONS defaults to 48
#                            here: the mock keeps only about 300,000 of these events per partition and deletes older
#                            ones, so the script stops if the backlog lost any record (raise PARTITIONS then).
#                            BACKLOG_RATE (events/s) paces wrk (bench/http/analytics-events-paced.lua) so the backlog is
#                            one minute of traffic at that rate rather than at the HTTP maximum, which with no consumer
#                            running is about 4x what the machine rolls up and more than the mock broker keeps.
#   PLAYERS                  players the events are spread over (default 100): the record key is the player, so with
#                            many partitions few players leave partitions uneven and the busiest ones overflow the mock.
#   WARMUP                   (throughput mode) how long the same load runs before the measurement (default 5s; 0 for
#                            none): the measured run starts once the warm-up's events are all in the stored rollups.
#
# kcat (Debian package, installed if missing) is used as a client only, to read the topics' partitions and offsets.
# Usage: [BUS=inprocess|kafka] [MODE=catchup] bench/http/analytics.sh [duration=15s] [connections=16] [events per request=100]
#   bash bench/http/analytics.sh 15s 16 500
#   BUS=kafka bash bench/http/analytics.sh 15s 16 500
#   MODE=catchup bash bench/http/analytics.sh 15s 16 500        (duration only sets the reference run here)
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-15s}
connections=${2:-16}
batch=${3:-100}
mode=${MODE:-throughput}
bus=${BUS:-inprocess}
[ "$mode" = catchup ] && bus=kafka
case "$mode/$bus" in throughput/inprocess | throughput/kafka | catchup/kafka) ;; *)
  echo "unknown MODE=$mode or BUS=$bus (MODE=throughput|catchup, BUS=inprocess|kafka)" >&2; exit 2 ;;
esac
kafka_events=${KAFKA_EVENTS:-1000000}
warmup=${WARMUP:-5s}
backlog_seconds=${BACKLOG_SECONDS:-60}
port=18092
ref_port=18093
players=${PLAYERS:-100}
# shellcheck source=bench/http/common.sh
source bench/http/common.sh
echo "mode: $mode; bus: $bus"

broker_pid=
stop_broker() {
  exec 3>&-
  [ -n "$broker_pid" ] && kill "$broker_pid" 2>/dev/null || true
}
trap 'stop_broker; cleanup' EXIT

host_args=()
if [ "$bus" = kafka ]; then
  command -v kcat >/dev/null || { apt-get install -y -qq kcat >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq kcat); }
  dotnet publish bench/KafkaProducer -c Release -o "$out/kafka-producer" --nologo -v q
  dotnet publish bench/KafkaMockBroker -c Release -o "$out/kafka-mock-broker" --nologo -v q
  [ "$mode" = catchup ] && partitions=${PARTITIONS:-48} || partitions=${PARTITIONS:-12}

  # The broker runs until its stdin closes: a FIFO this script holds open on fd 3.
  mkfifo "$data/broker.in"
  "$out/kafka-mock-broker/GameBackend.KafkaMockBroker" "gamebackend-events:$partitions" <"$data/broker.in" >"$out/kafka-mock-broker.log" 2>&1 &
  broker_pid=$!
  exec 3>"$data/broker.in"
  for _ in $(seq 1 100); do
    bootstrap=$(sed -nE 's/^bootstrap: (.+)$/\1/p' "$out/kafka-mock-broker.log")
    [ -n "$bootstrap" ] && break
    sleep 0.1
  done
  [ -n "$bootstrap" ] || { echo "the mock cluster did not start: $(cat "$out/kafka-mock-broker.log")" >&2; exit 1; }
  echo "==> Kafka-protocol broker: librdkafka mock cluster (bench/KafkaMockBroker), pid $broker_pid, 3 brokers at $bootstrap; gamebackend-events with $partitions partitions"
  # The mock cluster waits out a departed member's session before it rebalances: keep that short for the restart.
  host_args=(--GameBackend:Kafka:BootstrapServers="$bootstrap"
    --GameBackend:Kafka:Settings:session.timeout.ms=6000 --GameBackend:Kafka:Settings:heartbeat.interval.ms=500)

  partitions() { kcat -b "$bootstrap" -L -t "$1" 2>/dev/null | sed -nE 's/.* with ([0-9]+) partitions.*/\1/p'; }
  # Records the mock deleted from the start of topic $1's partitions (it keeps a bounded log per partition).
  deleted() {
    local p first total=0
    for p in $(seq 0 $(( $(partitions "$1") - 1 ))); do
      first=$(kcat -b "$bootstrap" -Q -t "$1:$p:-2" 2>/dev/null | sed -nE 's/.* offset ([0-9]+).*/\1/p')
      total=$(( total + ${first:-0} ))
    done
    echo "$total"
  }
fi

run_reference

if [ "$bus" = kafka ] && [ "$mode" = throughput ]; then
  echo "==> raw producer throughput of the same broker: bench/KafkaProducer --bootstrap $bootstrap --events $kafka_events --codecs lz4"
  "$out/kafka-producer/GameBackend.KafkaProducer" --bootstrap "$bootstrap" --events "$kafka_events" --codecs lz4 | tee "$data/producer.txt"
  producer_topic=$(kcat -b "$bootstrap" -L 2>/dev/null | sed -nE 's/.*topic "(bench-lz4-[^"]+)".*/\1/p' | head -1)
  echo "producer topic $producer_topic: $(partitions "$producer_topic") partitions (created by the first produce)"
fi

consumer_args=()
[ "$mode" = catchup ] && consumer_args=(--GameBackend:AnalyticsConsumer=false)
start_hosts_local hosts-local-analytics.log "${host_args[@]}" "${consumer_args[@]}"

echo "==> signing in $players players"
tokens="$data/tokens.txt"
seq 1 "$players" | xargs -P 8 -I{} curl -fs -X POST "$base/v1/auth/device" -H "X-Client-Key: $client_key" \
  -H 'Content-Type: application/json' -d '{"deviceId":"bench-analytics-{}"}' -o "$data/signin-{}.json"
for f in "$data"/signin-*.json; do
  printf '%s\n' "$(sed -nE 's/.*"accessToken":"([^"]+)".*/\1/p' "$f")" >>"$tokens"
done

today=$(date -u +%F)
rolled_up() {
  local n
  n=$(curl -fs "$base/v1/admin/analytics/days?from=$today&to=$today" -H "X-Server-Key: $server_key" \
    | sed -nE 's/.*"eventsByName":\{[^}]*"level_up":([0-9]+).*/\1/p' || true)
  echo "${n:-0}"
}
# Polls until the stored rollup counts $1 level_up events (fails $2 seconds after $3); sets now_count and done_at.
wait_rolled_up() {
  while :; do
    now_count=$(rolled_up)
    [ "$now_count" -ge "$1" ] && break
    [ "$(echo "$(date +%s.%N) - $3 > $2" | bc)" = 1 ] && { echo "rollups stopped at $now_count of $1" >&2; return 1; }
    sleep 0.2
  done
  done_at=$(date +%s.%N)
}
# Posts for $1 with wrk; sets start, wrk_end, requests, non2xx and accepted.
post_events() {
  echo "--- POST /v1/analytics/events, $batch events per request, $players players, -c$connections -d$1"
  start=$(date +%s.%N)
  local script=bench/http/analytics-events.lua delay_ms=0
  if [ -n "${2:-}" ]; then
    # Paced: each connection pauses so that all of them together post about $2 events/s (latency ignored, so a little less).
    script=bench/http/analytics-events-paced.lua
    delay_ms=$(( connections * batch * 1000 / $2 ))
    echo "    paced: ${delay_ms} ms between a connection's requests, for about $2 events/s"
  fi
  GB_TOKENS="$tokens" GB_BATCH="$batch" GB_DELAY_MS="$delay_ms" wrk -t2 -c"$connections" -d"$1" --latency -s "$script" "$base" | tee "$data/wrk.txt"
  wrk_end=$(date +%s.%N)
  requests=$(sed -nE 's/^\s*([0-9]+) requests in .*/\1/p' "$data/wrk.txt")
  non2xx=$(sed -nE 's/^\s*Non-2xx or 3xx responses: ([0-9]+).*/\1/p' "$data/wrk.txt"); non2xx=${non2xx:-0}
  accepted=$(( (requests - non2xx) * batch ))
}

if [ "$mode" = throughput ]; then
  sleep 2
  if [ "$warmup" != 0 ]; then
    # The same load for a few seconds first, rolled up whole before the measurement: the process compiles its hot paths
    # (JIT tiers, PGO) then, not during the measured seconds, as the foundation's scenarios warm up too.
    echo "==> warm-up: $warmup of the same load, then until its events are in the stored rollups"
    post_events "$warmup" >/dev/null
    wait_rolled_up "$accepted" 300 "$wrk_end"
    sleep 1
  fi
  before=$(rolled_up)
  post_events "$duration"
  wait_rolled_up $(( before + accepted )) 300 "$wrk_end" \
    || { [ "$bus" = kafka ] && echo "the broker deleted $(deleted gamebackend-events) records before the consumer read them? raise PARTITIONS" >&2; exit 1; }

  echo "--- result ($bus bus)"
  echo "requests: $requests (non-2xx: $non2xx); events accepted: $accepted; level_up in the stored rollup: $((now_count - before)) new"
  awk -v a="$accepted" -v s="$start" -v w="$wrk_end" -v d="$done_at" 'BEGIN {
    printf "accepted over HTTP: %.0f events/s (%.1f s of load)\n", a / (w - s), w - s;
    printf "end to end, first request to last event in the stored rollups: %.0f events/s (%.1f s; rollups %.1f s behind the last request)\n", a / (d - s), d - s, d - w }'
  [ "$bus" = kafka ] && echo "event topic gamebackend-events: $(partitions gamebackend-events) partitions"
  print_memory
else
  post_events "${backlog_seconds}s" "${BACKLOG_RATE:-}"
  backlog=$accepted
  sleep 1
  early=$(rolled_up)
  [ "$early" -eq 0 ] || { echo "the publishing host rolled up $early events: its consumer was not off" >&2; exit 1; }
  lost=$(deleted gamebackend-events)
  [ "$lost" -eq 0 ] || { echo "the broker deleted the oldest $lost records of the backlog (about 300,000 events fit in a partition): raise PARTITIONS" >&2; exit 1; }
  echo "==> backlog: $backlog events on the topic (gamebackend-events, $(partitions gamebackend-events) partitions, none deleted), no consumer has read them"
  print_memory
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=

  echo "==> Hosts.Local again on the same data, with its consumer group"
  launched=$(date +%s.%N)
  start_hosts_local hosts-local-analytics-consumer.log "${host_args[@]}"
  ready=$(date +%s.%N)
  wait_rolled_up "$backlog" 1800 "$ready"

  echo "--- result (catch-up)"
  awk -v b="$backlog" -v p="$backlog_seconds" -v s="$start" -v w="$wrk_end" -v l="$launched" -v r="$ready" -v d="$done_at" 'BEGIN {
    printf "backlog: %d events, posted at %.0f events/s (R, HTTP ingest with no consumer running) for %.1f s\n", b, b / (w - s), w - s;
    printf "drain, consumer process start to the whole backlog in the stored rollups: %.1f s, %.0f events/s\n", d - l, b / (d - l);
    printf "drain, from /healthz answering (%.1f s after the start): %.1f s, %.0f events/s\n", r - l, d - r, b / (d - r) }'
  print_memory
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
