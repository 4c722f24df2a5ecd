#!/bin/bash
# Runs a benchmark command once the machine is quiet (at least 90% idle for three 5 s windows), samples CPU idle
# every second while it runs, and runs it again (up to 6 times) if idle ever fell below 35%, i.e. another process
# was busy (the bench itself keeps one of two cores busy). Output: $TMPDIR/matchmaking-<label>-<time>.log (+ .idle),
# one line per attempt in $TMPDIR/matchmaking-runs.log. Usage: run-when-quiet.sh label command...
cd "$(dirname "$0")/../.."
label=$1; shift
idle() { read -r _ u n s i w q sq st _ < /proc/stat; echo $((i+w)) $((u+n+s+i+w+q+sq+st)); }
for attempt in 1 2 3 4 5 6; do
  quiet=0
  while [ $quiet -lt 3 ]; do
    read i1 t1 < <(idle); sleep 5; read i2 t2 < <(idle)
    pct=$(( 100 * (i2 - i1) / (t2 - t1) ))
    if [ $pct -ge 90 ]; then quiet=$((quiet+1)); else quiet=0; fi
  done
  out=${TMPDIR:-/tmp}/matchmaking-$label-$(date -u +%H%M%S).log
  echo "start $(date -u +%T) load $(cat /proc/loadavg)" > $out
  ( while true; do read i1 t1 < <(idle); sleep 1; read i2 t2 < <(idle); echo $(( 100 * (i2 - i1) / (t2 - t1) )); done ) > $out.idle &
  sampler=$!
  "$@" >> $out 2>&1
  kill $sampler
  echo "end $(date -u +%T) load $(cat /proc/loadavg)" >> $out
  min=$(sort -n $out.idle | head -1)
  echo "$(date -u +%T) $label attempt $attempt: min idle ${min}% over $(wc -l < $out.idle) s -> $out" >> ${TMPDIR:-/tmp}/matchmaking-runs.log
  if [ "$min" -ge 35 ]; then echo "$label clean" >> ${TMPDIR:-/tmp}/matchmaking-runs.log; exit 0; fi
done
