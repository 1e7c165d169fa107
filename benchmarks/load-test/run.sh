#!/usr/bin/env bash
# Load test of the online data plane on one machine: builds, trains a real model on Online Retail with the trainer
# CLI, starts redis + a KRaft broker (LocalServices) + event-collector + feature-worker + recommendation-service,
# seeds features through the collector, warms up, runs Gatling (open model), prints a summary and stops everything.
#
#   benchmarks/load-test/run.sh                     # defaults below
#   REC_RPS=1000 DURATION=30 benchmarks/load-test/run.sh
#
# Knobs (environment): REC_RPS (2000), PING_RPS (200), SHOPPERS (10000 over the run), DURATION (60 s),
# WARMUP (60 s), MODEL (ease), SEED_PER_CUSTOMER (20), IMPRESSION_SAMPLE_RATE (1.0), SKIP_BUILD (unset), DATASET,
# WORK, CONNECTIONS (256, Gatling's pool: the keep-alive connections of a frontend/BFF), RECOMMEND_ONLY (unset; with
# SHOPPERS=0 stops collector + worker after seeding), CAPACITY_LEVELS (2000,4000,6000,8000,10000: after the measured
# window, ping then recommend alone at each rate for CAPACITY_SECONDS (8), the server's limit in the same run; empty
# for none), CAPACITY_PING_LEVELS (ping's own levels, default CAPACITY_LEVELS: the trivial endpoint goes further).
# Output: the Gatling HTML report (path printed at the end) and $WORK/summary.md.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${WORK:-$ROOT/benchmarks/load-test/target/run}
DATASET=${DATASET:-$(cd "$ROOT/.." && pwd)/shared/datasets/online-retail/online_retail.csv.gz}
REC_RPS=${REC_RPS:-2000}
PING_RPS=${PING_RPS:-200}
SHOPPERS=${SHOPPERS:-10000}
DURATION=${DURATION:-60}
WARMUP=${WARMUP:-60}
MODEL=${MODEL:-ease}
CONNECTIONS=${CONNECTIONS:-256}
CAPACITY_LEVELS=${CAPACITY_LEVELS-2000,4000,6000,8000,10000}
CAPACITY_PING_LEVELS=${CAPACITY_PING_LEVELS:-$CAPACITY_LEVELS}
CAPACITY_SECONDS=${CAPACITY_SECONDS:-8}
SEED_PER_CUSTOMER=${SEED_PER_CUSTOMER:-20}
IMPRESSION_SAMPLE_RATE=${IMPRESSION_SAMPLE_RATE:-1.0}
REDIS_PORT=${REDIS_PORT:-16379}
COLLECTOR_PORT=8081
RECOMMEND_PORT=8082
WORKER_PORT=8083
RECOMMEND_MGMT_PORT=8092
# SerialGC: on 2 shared cores its young pauses took ~5 ms where G1's took ~60 ms (its GC threads wait for a CPU)
JAVA_OPTS_APP=${JAVA_OPTS_APP:--Xms512m -Xmx1g -XX:+UseSerialGC -XX:+AlwaysPreTouch}
JAVA_OPTS_RECOMMEND=${JAVA_OPTS_RECOMMEND:-}  # extra options for the recommendation service only (e.g. a JFR recording)

mkdir -p "$WORK"
cd "$ROOT"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]:-}"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]:-}"; do
    [ -n "$pid" ] && wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT INT TERM

log() { echo "[$(date -u +%H:%M:%S)] $*"; }

wait_http() { # url seconds
  local deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null "$1" 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then echo "timed out waiting for $1" >&2; return 1; fi
    sleep 1
  done
}

if [ -z "${SKIP_BUILD:-}" ]; then
  log "building the apps and the load test"
  mvn -B -q -pl workloads/trainer,workloads/event-collector,workloads/feature-worker,workloads/recommendation-service \
    -am package -DskipTests
  mvn -B -q -Pgatling -pl benchmarks/load-test -am test-compile
fi
# -am: the reactor modules come from their target/ folders, never from ~/.m2 (nothing is installed there)
# (not offline: on a fresh machine the dependency plugin itself is not in ~/.m2 yet)
mvn -B -q -Pgatling -pl benchmarks/load-test -am test-compile dependency:build-classpath -DskipTests \
  -Dmdep.outputFile="$WORK/cp.txt" > "$WORK/classpath.log" 2>&1 \
  || { echo "could not build the load test's classpath:" >&2; tail -30 "$WORK/classpath.log" >&2; exit 1; }
# reactor modules are not installed into ~/.m2 (project rule): use their target/classes instead
CP="$(tr ':' '\n' < "$WORK/cp.txt" | grep -v '/io/recoflow/' | paste -sd:):$ROOT/workloads/common/target/classes:$ROOT/benchmarks/load-test/target/test-classes"

jar_of() { ls "$ROOT"/workloads/"$1"/target/*"$2".jar | head -1; }

if [ ! -f "$WORK/models/1/saved_model.pb" ]; then
  log "training $MODEL on $(basename "$DATASET") with the trainer CLI"
  rm -rf "$WORK/models" && mkdir -p "$WORK/models"
  java -Xmx4g -cp "$(jar_of trainer SNAPSHOT):$ROOT/workloads/trainer/target/lib/*" io.recoflow.trainer.TrainerMain \
    train --data "$DATASET" --model "$MODEL" --out "$WORK/models" \
    --version 1 --exclude-history > "$WORK/trainer.log" 2>&1
fi

log "starting redis-server and a KRaft broker"
rm -f "$WORK/bootstrap.txt"
java -Xmx768m -XX:+UseSerialGC -cp "$CP" io.recoflow.loadtest.LocalServices "$REDIS_PORT" "$WORK/bootstrap.txt" > "$WORK/services.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 60); do [ -s "$WORK/bootstrap.txt" ] && break; sleep 1; done
BOOTSTRAP=$(cat "$WORK/bootstrap.txt")
log "kafka at $BOOTSTRAP, redis at localhost:$REDIS_PORT"

log "starting event-collector, feature-worker, recommendation-service"
java $JAVA_OPTS_APP -jar "$(jar_of event-collector exec)" --server.port=$COLLECTOR_PORT \
  --recoflow.collector.bootstrap-servers="$BOOTSTRAP" > "$WORK/collector.log" 2>&1 &
PIDS+=($!)
java $JAVA_OPTS_APP -jar "$(jar_of feature-worker exec)" --server.port=$WORKER_PORT \
  --recoflow.worker.bootstrap-servers="$BOOTSTRAP" --recoflow.worker.redis-host=127.0.0.1 \
  --recoflow.worker.redis-port="$REDIS_PORT" \
  > "$WORK/feature-worker.log" 2>&1 &
PIDS+=($!)
# actuator on its own port (its own connector and threads), as in a pod: a scrape never queues behind the API
java $JAVA_OPTS_APP $JAVA_OPTS_RECOMMEND -jar "$(jar_of recommendation-service exec)" --server.port=$RECOMMEND_PORT \
  --management.server.port=$RECOMMEND_MGMT_PORT \
  --recoflow.recommend.redis.port="$REDIS_PORT" --recoflow.recommend.model.base-dir="$WORK/models" \
  --recoflow.recommend.impressions.bootstrap-servers="$BOOTSTRAP" \
  --recoflow.recommend.impressions.sample-rate="$IMPRESSION_SAMPLE_RATE" > "$WORK/recommend.log" 2>&1 &
PIDS+=($!)
wait_http "http://localhost:$COLLECTOR_PORT/actuator/health/readiness" 120
wait_http "http://localhost:$WORKER_PORT/actuator/health" 120
wait_http "http://localhost:$RECOMMEND_MGMT_PORT/actuator/health/readiness" 180

log "seeding features: last $SEED_PER_CUSTOMER purchases of every customer, through the collector"
java -cp "$CP" io.recoflow.loadtest.Seeder "http://localhost:$COLLECTOR_PORT" "http://localhost:$RECOMMEND_PORT" \
  "$DATASET" "$SEED_PER_CUSTOMER"

if [ -n "${RECOMMEND_ONLY:-}" ]; then
  # diagnosis: the recommend path alone (Redis + broker for impressions stay); use with SHOPPERS=0
  log "RECOMMEND_ONLY: stopping the collector and the feature worker after seeding"
  kill "${PIDS[1]}" "${PIDS[2]}" 2>/dev/null || true
  wait "${PIDS[1]}" "${PIDS[2]}" 2>/dev/null || true
fi

# CPU accounting for the measured run: each component's utime+stime (its children included, e.g. redis-server
# under LocalServices) and the whole machine's busy time from /proc/stat.
NAMES=(services+redis collector worker recommend)
proc_ticks() { # pid: ticks of the process and its direct children
  local t=0 p
  for p in "$1" $(pgrep -P "$1" || true); do
    [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat")))
  done
  echo "$t"
}
machine_busy() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
cpu_snapshot() { local out=() p; for p in "${PIDS[@]}" "$GATLING_PID"; do out+=("$(proc_ticks "$p")"); done; out+=("$(machine_busy)"); echo "${out[*]}"; }
cpu_report() { # before after seconds
  local -a b=($1) a=($2)
  local hz n=$((${#PIDS[@]} + 1)) i used=0 d total
  hz=$(getconf CLK_TCK)
  total=$(( a[n] - b[n] ))
  {
    echo
    echo "CPU during the measured run (${3} s, $(nproc) cores = $(( $3 * $(nproc) )) core-seconds):"
    echo
    echo "| process | core-seconds | cores (average) |"
    echo "|---|---:|---:|"
    for i in $(seq 0 $((n - 1))); do
      d=$(( a[i] - b[i] )); used=$((used + d))
      awk -v n="${NAMES[$i]:-load generator (Gatling)}" -v d="$d" -v hz="$hz" -v s="$3" 'BEGIN{printf "| %s | %.1f | %.2f |\n", n, d/hz, d/hz/s}'
    done
    awk -v d="$((total - used))" -v hz="$hz" -v s="$3" 'BEGIN{printf "| everything else (OS, other processes) | %.1f | %.2f |\n", d/hz, d/hz/s}'
    awk -v d="$total" -v hz="$hz" -v s="$3" 'BEGIN{printf "| whole machine | %.1f | %.2f |\n", d/hz, d/hz/s}'
  } > "$WORK/cpu.md"
}

# One Gatling JVM runs the warm-up (requests named "warm-up ...", not reported) and then the measured window, so
# that Gatling's own JIT warm-up is not measured; it is started directly (no Maven around it) so that the only load
# generator on the machine is Gatling itself.
log "Gatling: ${WARMUP}s warm-up then ${DURATION}s measured; recommend ${REC_RPS}/s, ping ${PING_RPS}/s, ${SHOPPERS} shoppers"
MARKS="$WORK/marks"; rm -rf "$MARKS"; mkdir -p "$MARKS"
RESULTS="$ROOT/benchmarks/load-test/target/gatling"; mkdir -p "$RESULTS"
java --add-opens java.base/java.lang=ALL-UNNAMED \
  ${JAVA_OPTS_GATLING:--Xms1g -Xmx1g -XX:+UseSerialGC -XX:MaxInlineLevel=20 -XX:MaxTrivialSize=12} \
  -Dduration="$DURATION" -Dwarmup="$WARMUP" -Drec.rps="$REC_RPS" -Dping.rps="$PING_RPS" -Dshoppers="$SHOPPERS" \
  -Dconnections="$CONNECTIONS" -Dmarks.dir="$MARKS" \
  -Dcapacity.levels="$CAPACITY_LEVELS" -Dcapacity.ping.levels="$CAPACITY_PING_LEVELS" -Dcapacity.seconds="$CAPACITY_SECONDS" \
  -Dcollector.url="http://localhost:$COLLECTOR_PORT" -Drecommend.url="http://localhost:$RECOMMEND_PORT" \
  -Ddataset="$DATASET" -cp "$CP" io.gatling.app.Gatling --simulation io.recoflow.loadtest.DataPlaneSimulation \
  --results-folder "$RESULTS" --launcher recoflow-run.sh > "$WORK/gatling.log" 2>&1 &
GATLING_PID=$!
until [ -f "$MARKS/measure-start" ] || ! kill -0 "$GATLING_PID" 2>/dev/null; do sleep 0.1; done
if [ ! -f "$MARKS/measure-start" ]; then echo "Gatling failed, see $WORK/gatling.log" >&2; tail -20 "$WORK/gatling.log" >&2; exit 1; fi
CPU_BEFORE=$(cpu_snapshot); T0=$SECONDS
curl -fsS -m 5 "http://localhost:$RECOMMEND_MGMT_PORT/actuator/prometheus" > "$WORK/recommend-metrics-start.txt" || true
log "measured window started"
until [ -f "$MARKS/measure-end" ] || ! kill -0 "$GATLING_PID" 2>/dev/null; do sleep 0.1; done
cpu_report "$CPU_BEFORE" "$(cpu_snapshot)" $((SECONDS - T0))
curl -fsS -m 5 "http://localhost:$RECOMMEND_MGMT_PORT/actuator/prometheus" > "$WORK/recommend-metrics.txt" || true
[ -n "$CAPACITY_LEVELS" ] && log "measured window ended; capacity probe: ping at $CAPACITY_PING_LEVELS, then recommend at $CAPACITY_LEVELS req/s"
wait "$GATLING_PID" || true  # a failed assertion (the latency target) is reported, not fatal

REPORT=$(ls -dt "$ROOT"/benchmarks/load-test/target/gatling/*/ | head -1)
CAPACITY_SECONDS=$CAPACITY_SECONDS python3 "$ROOT/benchmarks/load-test/summarize.py" "$REPORT" "$WORK/recommend-metrics.txt" \
  "$REC_RPS" "$PING_RPS" "$SHOPPERS" "$DURATION" "$WORK/recommend-metrics-start.txt" | tee "$WORK/summary.md"
tee -a "$WORK/summary.md" < "$WORK/cpu.md"
log "HTML report: ${REPORT}index.html"
