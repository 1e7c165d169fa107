#!/usr/bin/env bash
# Load test of the online data plane on one machine: builds, trains a real model on Online Retail with the trainer
# CLI, starts redis + a KRaft broker (LocalServices) + event-collector + feature-worker + recommendation-service,
# seeds features through the collector, then measures, in the same run (see docs/benchmarks.md):
#   1. ping's own limit: /v1/ping alone at rising levels until it fails p95 <= 10 ms (the denominator);
#   2. recommend's kept rate: the highest level with no KO, p95 <= 10 ms and >= 99 % model answers (step levels as
#      fractions of ping's limit, then refine between the last kept and the first failed level), and the ratio;
#   3. at 80 % of the kept rate: the full mix (recommend + SHOPPERS shoppers' events), then recommend beside a busy
#      neighbour (stress-ng --cpu 1 --cpu-load BUSY_LOAD), then batched posts to the collector;
#   4. at 2x the kept rate: shares of 503 (shed), model answers and fallbacks, p95 of the model answers;
# with CPU microseconds per request (service process ticks during each level / requests) and per accepted event
# (collector ticks during the mix / events). Prints one markdown summary with PASS/FAIL per target.
#
#   benchmarks/load-test/run.sh                     # defaults below, about 8 minutes after the build
#   SKIP_BUILD=1 REPEAT=3 benchmarks/load-test/run.sh   # three measured repetitions on the same services
#
# Knobs (environment): REPEAT (1), PING_LEVELS (6000,12000,18000: first ladder; while no level of a ladder failed,
# another goes 25, 50, 75 % above its top, at most PING_LADDERS (2) ladders), REC_FRACTIONS (0.3,0.45,0.6,0.75 of ping's
# limit: recommend's first ladder), LEVEL_SECONDS (8 per level), GAP (4 s between levels), WARMUP (20 s, ramped to
# WARMUP_RPS (2000) recommend + a quarter of it ping, before the first ladder of each repetition; every later Gatling
# JVM ramps to its first level for LADDER_WARMUP, 10 s, so its own JIT is warm), MIX_SECONDS (DURATION, 60), SHOPPERS
# (10000 over the mix), BUSY_SECONDS (15), BUSY_LOAD (50 % of one core), OVERLOAD_SECONDS (15), BATCH_RPS (10 posts/s
# of 50 events), MODEL (ease), SEED_PER_CUSTOMER (20), IMPRESSION_SAMPLE_RATE (1.0), SCORE_CACHE_SIZE (16384; 0 =
# every request scores), SKIP_BUILD (unset), DATASET,
# WORK, CONNECTIONS (256, Gatling's pool: the keep-alive connections of a frontend/BFF), JAVA_OPTS_APP,
# JAVA_OPTS_RECOMMEND (extra options for the service, e.g. a JFR recording), JAVA_OPTS_GATLING.
# Output: $WORK/summary.md (all repetitions), $WORK/rep-N/ (phases' CPU and metrics snapshots, Gatling reports).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${WORK:-$ROOT/benchmarks/load-test/target/run}
DATASET=${DATASET:-$(cd "$ROOT/.." && pwd)/shared/datasets/online-retail/online_retail.csv.gz}
REPEAT=${REPEAT:-1}
PING_LEVELS=${PING_LEVELS:-6000,12000,18000}
PING_LADDERS=${PING_LADDERS:-2}
REC_FRACTIONS=${REC_FRACTIONS:-0.3,0.45,0.6,0.75}
LEVEL_SECONDS=${LEVEL_SECONDS:-8}
GAP=${GAP:-4}
WARMUP=${WARMUP:-20}
WARMUP_RPS=${WARMUP_RPS:-2000}
LADDER_WARMUP=${LADDER_WARMUP:-10}
DURATION=${DURATION:-60}
MIX_SECONDS=${MIX_SECONDS:-$DURATION}
SHOPPERS=${SHOPPERS:-10000}
BUSY_SECONDS=${BUSY_SECONDS:-15}
BUSY_LOAD=${BUSY_LOAD:-50}
OVERLOAD_SECONDS=${OVERLOAD_SECONDS:-15}
BATCH_RPS=${BATCH_RPS:-10}
MODEL=${MODEL:-ease}
CONNECTIONS=${CONNECTIONS:-256}
SEED_PER_CUSTOMER=${SEED_PER_CUSTOMER:-20}
IMPRESSION_SAMPLE_RATE=${IMPRESSION_SAMPLE_RATE:-1.0}
SCORE_CACHE_SIZE=${SCORE_CACHE_SIZE:-16384}
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
# an open model past a server's capacity opens a connection per queued request: Gatling needs more than 1,024 files
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
. "$ROOT/benchmarks/lib.sh"  # PIDS (stopped on exit), log, wait_http

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
  --recoflow.recommend.impressions.sample-rate="$IMPRESSION_SAMPLE_RATE" \
  --recoflow.recommend.model.score-cache-size="$SCORE_CACHE_SIZE" > "$WORK/recommend.log" 2>&1 &
PIDS+=($!)
wait_http "http://localhost:$COLLECTOR_PORT/actuator/health/readiness" 120
wait_http "http://localhost:$WORKER_PORT/actuator/health" 120
wait_http "http://localhost:$RECOMMEND_MGMT_PORT/actuator/health/readiness" 180

log "seeding features: last $SEED_PER_CUSTOMER purchases of every customer, through the collector"
java -cp "$CP" io.recoflow.loadtest.Seeder "http://localhost:$COLLECTOR_PORT" "http://localhost:$RECOMMEND_PORT" \
  "$DATASET" "$SEED_PER_CUSTOMER"

BUSY_CMD=()
if command -v stress-ng > /dev/null || { [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -q stress-ng > "$WORK/apt.log" 2>&1; }; then
  BUSY_CMD=(stress-ng --cpu 1 --cpu-load "$BUSY_LOAD" --quiet)
else
  log "stress-ng is not installed and could not be installed: the busy-neighbour phase runs without a neighbour"
fi

# CPU accounting: each component's utime+stime (its children included, e.g. redis-server under LocalServices), the
# load generator's, and the whole machine's busy time from /proc/stat, at each phase's start and end marks.
NAMES=(services+redis collector worker recommend gatling)
proc_ticks() { # pid: ticks of the process and its direct children
  local t=0 p
  for p in "$1" $(pgrep -P "$1" || true); do
    [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat")))
  done
  echo "$t"
}
machine_busy() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
cpu_snapshot() { local out=() p; for p in "${PIDS[@]}" "$GATLING_PID"; do out+=("$(proc_ticks "$p")"); done; out+=("$(machine_busy)"); echo "${out[*]}"; }
metrics() { curl -fsS -m 5 "http://localhost:$RECOMMEND_MGMT_PORT/actuator/prometheus" > "$1" 2>/dev/null || true; }

BUSY_PID=
# snapshot NAME (start-PHASE or end-PHASE): CPU first at an end and last at a start, so the scrape is outside
snapshot() {
  local ph=${1#*-} dir=$REP_DIR/phases
  case "$1" in
    start-*)
      [[ $ph == busy@* ]] && [ ${#BUSY_CMD[@]} -gt 0 ] && { "${BUSY_CMD[@]}" & BUSY_PID=$!; }
      metrics "$dir/$ph.start.prom"; cpu_snapshot > "$dir/$ph.start.cpu" ;;
    end-*)
      cpu_snapshot > "$dir/$ph.end.cpu"; metrics "$dir/$ph.end.prom"
      if [ -n "$BUSY_PID" ]; then kill "$BUSY_PID" 2>/dev/null || true; wait "$BUSY_PID" 2>/dev/null || true; BUSY_PID=; fi ;;
  esac
}

# gatling STAGE PHASES: one Gatling JVM for a list of phases (name:kind:rate:seconds, see DataPlaneSimulation),
# started directly (no Maven around it) so the only load generator on the machine is Gatling itself
gatling() {
  local stage=$1 marks=$REP_DIR/marks-$1 seen=" " f n
  mkdir -p "$marks" "$REP_DIR/phases" "$REP_DIR/gatling"
  log "rep $REP, $stage: $2"
  java --add-opens java.base/java.lang=ALL-UNNAMED \
    ${JAVA_OPTS_GATLING:--Xms1g -Xmx1g -XX:+UseSerialGC -XX:MaxInlineLevel=20 -XX:MaxTrivialSize=12} \
    -Dphases="$2" -Dphase.gap="$GAP" -Dshoppers="$SHOPPERS" -Dconnections="$CONNECTIONS" -Dmarks.dir="$marks" \
    -Dcollector.url="http://localhost:$COLLECTOR_PORT" -Drecommend.url="http://localhost:$RECOMMEND_PORT" \
    -Ddataset="$DATASET" -cp "$CP" io.gatling.app.Gatling --simulation io.recoflow.loadtest.DataPlaneSimulation \
    --results-folder "$REP_DIR/gatling" --launcher recoflow-run.sh > "$REP_DIR/gatling-$stage.log" 2>&1 &
  GATLING_PID=$!
  local alive=1
  while [ $alive = 1 ]; do
    kill -0 "$GATLING_PID" 2>/dev/null || alive=0 # one more scan after the exit: the last marks
    for f in "$marks"/*; do
      [ -e "$f" ] || continue
      n=$(basename "$f")
      case "$seen" in *" $n "*) continue ;; esac
      seen="$seen$n "
      snapshot "$n"
    done
    [ $alive = 1 ] && sleep 0.05
  done
  wait "$GATLING_PID" || { echo "Gatling failed, see $REP_DIR/gatling-$stage.log" >&2; tail -20 "$REP_DIR/gatling-$stage.log" >&2; exit 1; }
}

summarize() {
  LEVEL_SECONDS=$LEVEL_SECONDS MIX_SECONDS=$MIX_SECONDS BUSY_LOAD=$BUSY_LOAD python3 "$ROOT/benchmarks/load-test/summarize.py" "$@"
}
round() { awk "BEGIN { x = $1; s = ${2:-100}; printf \"%d\", int(x / s + 0.5) * s }"; } # expression $1 to a multiple of $2
ladder() { # NAME_PREFIX KIND LEVELS -> phases, without levels already measured in this repetition (or <= 0)
  local out="" l
  for l in ${3//,/ }; do
    [ "$l" -le 0 ] || [ -e "$REP_DIR/phases/$1@$l.end.cpu" ] || [[ ",$out," == *"@$l:"* ]] && continue
    out="$out${out:+,}$1@$l:$2:$l:$LEVEL_SECONDS"
  done
  echo "$out"
}

for REP in $(seq 1 "$REPEAT"); do
  REP_DIR=$WORK/rep-$REP; rm -rf "$REP_DIR"; mkdir -p "$REP_DIR"
  # 1. ping's own limit: ladders until a level fails
  levels=$PING_LEVELS; warm="warm-up:warmup:$WARMUP_RPS:$WARMUP"
  for ladder_n in $(seq 1 "$PING_LADDERS"); do
    gatling "ping-$ladder_n" "$warm,$(ladder ping ping "$levels")"
    read -r kept failed < <(summarize kept ping "$REP_DIR")
    [ "$failed" != 0 ] && break
    top=${levels##*,}
    levels="$(round "$top*1.25"),$(round "$top*1.5"),$(round "$top*1.75")"
    warm="warm-up-ping-$((ladder_n + 1)):warmup-ping:${levels%%,*}:$LADDER_WARMUP"
  done
  PING_LIMIT=$kept
  if [ "$PING_LIMIT" = 0 ]; then # the machine is busier than the lowest level: go on at half of it, to report
    PING_LIMIT=$(round "$failed*0.5" 50)
    log "ping kept no level (lower PING_LEVELS); recommend's levels below are fractions of $PING_LIMIT req/s"
  fi
  # 2. recommend's kept rate: fractions of ping's limit, then refine between the last kept and the first failed
  levels=""
  for f in ${REC_FRACTIONS//,/ }; do levels="$levels${levels:+,}$(round "$PING_LIMIT*$f" 50)"; done
  gatling rec-1 "warm-up-rec-1:warmup:${levels%%,*}:$LADDER_WARMUP,$(ladder rec recommend "$levels")"
  read -r kept failed < <(summarize kept rec "$REP_DIR")
  if [ "$failed" = 0 ]; then # all kept: go on towards ping's limit
    levels="$(round "$PING_LIMIT*0.9" 50),$(round "$PING_LIMIT*1.05" 50)"
  elif [ "$kept" = 0 ]; then # none kept: below the first fraction
    levels="$(round "$failed*0.25" 50),$(round "$failed*0.5" 50),$(round "$failed*0.75" 50)"
  else
    levels="$(round "$kept+($failed-$kept)/4" 10),$(round "$kept+($failed-$kept)/2" 10),$(round "$kept+3*($failed-$kept)/4" 10)"
  fi
  levels=$(ladder rec recommend "$levels")
  first=${levels%%:*}
  [ -n "$levels" ] && gatling rec-2 "warm-up-rec-2:warmup:${first#rec@}:$LADDER_WARMUP,$levels"
  read -r kept failed < <(summarize kept rec "$REP_DIR")
  REC_KEPT=$kept
  [ "$REC_KEPT" = 0 ] && REC_KEPT=$(round "${failed:-1000}*0.5" 50) && log "recommend kept no level; the targets below use $REC_KEPT req/s"
  # 3. + 4. at 80 % and 2x of the kept rate
  AT80=$(round "$REC_KEPT*0.8" 50); AT2X=$((REC_KEPT * 2))
  gatling final "warm-up-final:warmup:$AT80:$LADDER_WARMUP,mix@$AT80:mix:$AT80:$MIX_SECONDS,busy@$AT80:recommend:$AT80:$BUSY_SECONDS,batch@$BATCH_RPS:batch:$BATCH_RPS:10,overload@$AT2X:overload:$AT2X:$OVERLOAD_SECONDS"
  summarize report "$REP_DIR" "$REP" | tee "$REP_DIR/summary.md"
done

{
  for REP in $(seq 1 "$REPEAT"); do echo; echo "## Repetition $REP"; echo; cat "$WORK/rep-$REP/summary.md"; done
  if [ "$REPEAT" -gt 1 ]; then echo; echo "## All repetitions"; echo; summarize aggregate "$WORK"/rep-*; fi
} > "$WORK/summary.md"
if [ "$REPEAT" -gt 1 ]; then summarize aggregate "$WORK"/rep-*; fi
log "summary: $WORK/summary.md; Gatling reports under $WORK/rep-*/gatling/"
