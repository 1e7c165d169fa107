#!/usr/bin/env bash
# Load test of the online data plane on one machine: builds, trains a real model on Online Retail with the trainer
# CLI, starts redis + a KRaft broker (LocalServices) + event-collector + feature-worker + recommendation-service,
# seeds features through the collector, warms up, runs Gatling (open model), prints a summary and stops everything.
#
#   benchmarks/load-test/run.sh                     # defaults below
#   REC_RPS=1000 DURATION=30 benchmarks/load-test/run.sh
#
# Knobs (environment): REC_RPS (2000), PING_RPS (500), SHOPPERS (10000 over the run), DURATION (60 s),
# WARMUP (20 s), MODEL (ease), SEED_PER_CUSTOMER (20), IMPRESSION_SAMPLE_RATE (1.0), SKIP_BUILD (unset), DATASET,
# WORK, CONNECTIONS (64, Gatling pool), RECOMMEND_ONLY (unset; with SHOPPERS=0 stops collector + worker after seeding).
# Output: the Gatling HTML report (path printed at the end) and $WORK/summary.md.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${WORK:-$ROOT/benchmarks/load-test/target/run}
DATASET=${DATASET:-$(cd "$ROOT/.." && pwd)/shared/datasets/online-retail/online_retail.csv.gz}
REC_RPS=${REC_RPS:-2000}
PING_RPS=${PING_RPS:-500}
SHOPPERS=${SHOPPERS:-10000}
DURATION=${DURATION:-60}
WARMUP=${WARMUP:-20}
MODEL=${MODEL:-ease}
SEED_PER_CUSTOMER=${SEED_PER_CUSTOMER:-20}
IMPRESSION_SAMPLE_RATE=${IMPRESSION_SAMPLE_RATE:-1.0}
REDIS_PORT=${REDIS_PORT:-16379}
COLLECTOR_PORT=8081
RECOMMEND_PORT=8082
WORKER_PORT=8083
JAVA_OPTS_APP=${JAVA_OPTS_APP:--Xms512m -Xmx1g -XX:+UseG1GC -XX:+AlwaysPreTouch}

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
mvn -B -q -o -Pgatling -pl benchmarks/load-test -am test-compile dependency:build-classpath -DskipTests \
  -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
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
java -Xmx768m -cp "$CP" io.recoflow.loadtest.LocalServices "$REDIS_PORT" "$WORK/bootstrap.txt" > "$WORK/services.log" 2>&1 &
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
java $JAVA_OPTS_APP -jar "$(jar_of recommendation-service exec)" --server.port=$RECOMMEND_PORT \
  --recoflow.recommend.redis.port="$REDIS_PORT" --recoflow.recommend.model.base-dir="$WORK/models" \
  --recoflow.recommend.impressions.bootstrap-servers="$BOOTSTRAP" \
  --recoflow.recommend.impressions.sample-rate="$IMPRESSION_SAMPLE_RATE" > "$WORK/recommend.log" 2>&1 &
PIDS+=($!)
wait_http "http://localhost:$COLLECTOR_PORT/actuator/health/readiness" 120
wait_http "http://localhost:$WORKER_PORT/actuator/health" 120
wait_http "http://localhost:$RECOMMEND_PORT/actuator/health/readiness" 180

log "seeding features: last $SEED_PER_CUSTOMER purchases of every customer, through the collector"
java -cp "$CP" io.recoflow.loadtest.Seeder "http://localhost:$COLLECTOR_PORT" "http://localhost:$RECOMMEND_PORT" \
  "$DATASET" "$SEED_PER_CUSTOMER"

if [ -n "${RECOMMEND_ONLY:-}" ]; then
  # diagnosis: the recommend path alone (Redis + broker for impressions stay); use with SHOPPERS=0
  log "RECOMMEND_ONLY: stopping the collector and the feature worker after seeding"
  kill "${PIDS[1]}" "${PIDS[2]}" 2>/dev/null || true
  wait "${PIDS[1]}" "${PIDS[2]}" 2>/dev/null || true
fi

gatling() { # duration label
  mvn -B -o -Pgatling -pl benchmarks/load-test -am verify -DskipTests -Dgatling.skip=false -Dgatling.failOnError=false \
    -Dduration="$1" -Drec.rps="$REC_RPS" -Dping.rps="$PING_RPS" -Dshoppers=$((SHOPPERS * $1 / DURATION)) -Dconnections="${CONNECTIONS:-64}" \
    -Dcollector.url="http://localhost:$COLLECTOR_PORT" -Drecommend.url="http://localhost:$RECOMMEND_PORT" \
    -Ddataset="$DATASET" > "$WORK/gatling-$2.log" 2>&1 || true
}
# CPU accounting for the measured run: each component's utime+stime (its children included, e.g. redis-server
# under LocalServices) and the whole machine's busy time from /proc/stat; the load generator is the remainder.
NAMES=(services+redis collector worker recommend)
proc_ticks() { # pid: ticks of the process and its direct children
  local t=0 p
  for p in "$1" $(pgrep -P "$1" || true); do
    [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat")))
  done
  echo "$t"
}
machine_busy() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
cpu_snapshot() { local out=() p; for p in "${PIDS[@]}"; do out+=("$(proc_ticks "$p")"); done; out+=("$(machine_busy)"); echo "${out[*]}"; }
cpu_report() { # before after seconds
  local -a b=($1) a=($2)
  local hz n=${#PIDS[@]} i used=0 d total
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
      awk -v n="${NAMES[$i]}" -v d="$d" -v hz="$hz" -v s="$3" 'BEGIN{printf "| %s | %.1f | %.2f |\n", n, d/hz, d/hz/s}'
    done
    awk -v d="$((total - used))" -v hz="$hz" -v s="$3" 'BEGIN{printf "| load generator (Gatling + Maven) and the rest | %.1f | %.2f |\n", d/hz, d/hz/s}'
    awk -v d="$total" -v hz="$hz" -v s="$3" 'BEGIN{printf "| whole machine | %.1f | %.2f |\n", d/hz, d/hz/s}'
  } > "$WORK/cpu.md"
}

log "warm-up: ${WARMUP}s at the target rates (JIT, connection pools; not reported)"
gatling "$WARMUP" warmup
log "measured run: ${DURATION}s, recommend ${REC_RPS}/s, ping ${PING_RPS}/s, ${SHOPPERS} shoppers"
CPU_BEFORE=$(cpu_snapshot); T0=$SECONDS
gatling "$DURATION" measured
cpu_report "$CPU_BEFORE" "$(cpu_snapshot)" $((SECONDS - T0))

REPORT=$(ls -dt "$ROOT"/benchmarks/load-test/target/gatling/*/ | head -1)
curl -fsS "http://localhost:$RECOMMEND_PORT/actuator/prometheus" > "$WORK/recommend-metrics.txt" || true
python3 "$ROOT/benchmarks/load-test/summarize.py" "$REPORT" "$WORK/recommend-metrics.txt" \
  "$REC_RPS" "$PING_RPS" "$SHOPPERS" "$DURATION" | tee "$WORK/summary.md"
tee -a "$WORK/summary.md" < "$WORK/cpu.md"
log "HTML report: ${REPORT}index.html"
