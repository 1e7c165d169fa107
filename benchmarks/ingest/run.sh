#!/usr/bin/env bash
# Ingest benchmark on one machine: collector -> Kafka -> feature worker -> Redis (and the lake sink when it is built),
# with the load generator on the same machine. Builds what it needs (unless SKIP_BUILD=1), starts a KRaft broker and
# redis-server (LocalServices), the collector, the worker and, when workloads/lake-sink/target/*-exec.jar exists, an
# S3Mock process and the sink writing to it; posts real Online Retail invoice lines (IngestLoad) at each rate of
# LEVELS for SECONDS each; then runs Kafka's own kafka-producer-perf-test against the same broker at the same record
# size for the machine's ceiling. Prints a markdown summary and writes it to $WORK/summary.md. Stops everything on
# exit.
#
#   benchmarks/ingest/run.sh
#   LEVELS=5000,10000 SECONDS_PER_LEVEL=5 WARMUP=3 SKIP_BUILD=1 benchmarks/ingest/run.sh   # a smoke run
#   JFR=1 BATCH=1 LEVELS=400 benchmarks/ingest/run.sh      # single posts, with JFR recordings of collector and worker
#
# Knobs (environment): LEVELS (5000,10000,20000,30000,40000 events/s), SECONDS_PER_LEVEL (20), WARMUP (15 s at the
# first level, not reported), BATCH (100 events per :batch post; 1 = single posts to /v1/events), CONCURRENCY (64
# requests in flight at most), DRAIN (30: most seconds to wait for the worker and the sink after a level),
# PERF_RECORDS (2000000, kafka-producer-perf-test), WORKER_CONCURRENCY (1 consumer thread), JFR (unset; 1 = record
# collector.jfr and worker.jfr and print their top frames), SKIP_BUILD, DATASET, WORK, REDIS_PORT (16390).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${WORK:-$ROOT/benchmarks/ingest/target/run}
DATASET=${DATASET:-$(cd "$ROOT/.." && pwd)/shared/datasets/online-retail/online_retail.csv.gz}
LEVELS=${LEVELS:-5000,10000,20000,30000,40000}
SECONDS_PER_LEVEL=${SECONDS_PER_LEVEL:-20}
WARMUP=${WARMUP:-15}
BATCH=${BATCH:-100}
CONCURRENCY=${CONCURRENCY:-64}
DRAIN=${DRAIN:-30}
PERF_RECORDS=${PERF_RECORDS:-2000000}
WORKER_CONCURRENCY=${WORKER_CONCURRENCY:-1}
REDIS_PORT=${REDIS_PORT:-16390}
COLLECTOR_PORT=18181
WORKER_PORT=18183
SINK_PORT=18185
S3_PORT=18190
# SerialGC: on 2 shared cores its young pauses are short where G1's wait for a CPU (see benchmarks/load-test/run.sh)
JAVA_OPTS_APP=${JAVA_OPTS_APP:--Xms512m -Xmx768m -XX:+UseSerialGC -XX:+AlwaysPreTouch}
COLLECTOR_ARGS=${COLLECTOR_ARGS:-}  # extra --property=value arguments (experiments: --recoflow.collector.linger-ms=10)
WORKER_ARGS=${WORKER_ARGS:-}        # e.g. --recoflow.worker.max-poll-records=1000

rm -rf "$WORK" && mkdir -p "$WORK"
cd "$ROOT"
. "$ROOT/benchmarks/lib.sh"  # PIDS (stopped on exit), log, wait_http

SINK_JAR=$(ls "$ROOT"/workloads/lake-sink/target/*-exec.jar 2>/dev/null | head -1 || true)
if [ -z "${SKIP_BUILD:-}" ]; then
  log "building the collector, the worker and the load generator"
  mvn -B -q -pl workloads/event-collector,workloads/feature-worker -am package -DskipTests
  if [ -d "$ROOT/workloads/lake-sink" ]; then
    mvn -B -q -pl workloads/lake-sink -am package -DskipTests
    SINK_JAR=$(ls "$ROOT"/workloads/lake-sink/target/*-exec.jar 2>/dev/null | head -1 || true)
  fi
fi
# -am: the reactor modules come from their target/ folders, never from ~/.m2 (nothing is installed there)
mvn -B -q -Pgatling -pl benchmarks/load-test -am test-compile dependency:build-classpath -DskipTests \
  -Dmdep.outputFile="$WORK/cp.txt" > "$WORK/classpath.log" 2>&1 \
  || { echo "could not build the load generator's classpath:" >&2; tail -30 "$WORK/classpath.log" >&2; exit 1; }
CP="$(tr ':' '\n' < "$WORK/cp.txt" | grep -v '/io/recoflow/' | paste -sd:):$ROOT/workloads/common/target/classes:$ROOT/benchmarks/load-test/target/test-classes"
mvn -B -q -f benchmarks/ingest/perf-tool/pom.xml dependency:build-classpath -Dmdep.outputFile="$WORK/perf-cp.txt" \
  > "$WORK/perf-classpath.log" 2>&1 \
  || { echo "could not resolve kafka-tools:" >&2; tail -30 "$WORK/perf-classpath.log" >&2; exit 1; }

jar_of() { ls "$ROOT"/workloads/"$1"/target/*exec.jar | head -1; }

log "starting redis-server and a KRaft broker"
java -Xms512m -Xmx768m -XX:+UseSerialGC -cp "$CP" io.recoflow.loadtest.LocalServices "$REDIS_PORT" "$WORK/bootstrap.txt" \
  > "$WORK/services.log" 2>&1 &
SERVICES=$!; PIDS+=($SERVICES)
for _ in $(seq 1 60); do [ -s "$WORK/bootstrap.txt" ] && break; sleep 1; done
[ -s "$WORK/bootstrap.txt" ] || { echo "the broker did not start, see $WORK/services.log" >&2; exit 1; }
BOOTSTRAP=$(cat "$WORK/bootstrap.txt")
REDIS_PID=$(pgrep -P "$SERVICES" | head -1)
log "kafka at $BOOTSTRAP, redis at localhost:$REDIS_PORT (pid $REDIS_PID)"

log "starting event-collector and feature-worker"
java $JAVA_OPTS_APP -jar "$(jar_of event-collector)" --server.port=$COLLECTOR_PORT \
  --recoflow.collector.bootstrap-servers="$BOOTSTRAP" $COLLECTOR_ARGS > "$WORK/collector.log" 2>&1 &
COLLECTOR=$!; PIDS+=($COLLECTOR)
java $JAVA_OPTS_APP -jar "$(jar_of feature-worker)" --server.port=$WORKER_PORT \
  --recoflow.worker.bootstrap-servers="$BOOTSTRAP" --recoflow.worker.redis-host=127.0.0.1 \
  --recoflow.worker.redis-port="$REDIS_PORT" --recoflow.worker.concurrency="$WORKER_CONCURRENCY" $WORKER_ARGS \
  > "$WORK/worker.log" 2>&1 &
WORKER=$!; PIDS+=($WORKER)
PIDLIST="collector=$COLLECTOR,broker=$SERVICES,redis=$REDIS_PID,worker=$WORKER"

SINK_URL=""
if [ -n "$SINK_JAR" ]; then
  log "starting S3Mock and the lake sink ($(basename "$SINK_JAR"))"
  mvn -B -q dependency:copy -Dartifact=com.adobe.testing:s3mock:3.12.0:jar:exec -DoutputDirectory="$WORK" \
    > "$WORK/s3mock-fetch.log" 2>&1 || { echo "could not fetch S3Mock:" >&2; tail -20 "$WORK/s3mock-fetch.log" >&2; exit 1; }
  mkdir -p "$WORK/s3"
  java -Xmx512m -XX:+UseSerialGC -jar "$WORK"/s3mock-3.12.0-exec.jar --com.adobe.testing.s3mock.httpPort=$S3_PORT \
    --server.port=0 --com.adobe.testing.s3mock.domain.initialBuckets=lake \
    --com.adobe.testing.s3mock.domain.root="$WORK/s3" > "$WORK/s3mock.log" 2>&1 &
  S3MOCK=$!; PIDS+=($S3MOCK)
  wait_http "http://127.0.0.1:$S3_PORT/" 120 || true
  # the contract's names (Pipeline.SINK_*), as the operator renders them; S3Mock takes any credentials
  env RECOFLOW_SINK_BOOTSTRAPSERVERS="$BOOTSTRAP" RECOFLOW_SINK_TOPICS=recoflow.events \
    RECOFLOW_SINK_TARGETS=s3://lake/events RECOFLOW_SINK_S3ENDPOINT="http://127.0.0.1:$S3_PORT" \
    RECOFLOW_SINK_S3REGION=us-east-1 RECOFLOW_SINK_FLUSHINTERVAL=2s \
    AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1 \
    SERVER_PORT=$SINK_PORT MANAGEMENT_SERVER_PORT=$SINK_PORT \
    java $JAVA_OPTS_APP -jar "$SINK_JAR" > "$WORK/sink.log" 2>&1 &
  SINK=$!; PIDS+=($SINK)
  PIDLIST="$PIDLIST,sink=$SINK,s3mock=$S3MOCK"
  SINK_URL="http://127.0.0.1:$SINK_PORT/actuator/prometheus"
else
  echo "NOTE: no workloads/lake-sink/target/*-exec.jar: the lake sink is not part of this run (rows in the lake: no sink)"
fi

wait_http "http://127.0.0.1:$COLLECTOR_PORT/actuator/health/readiness" 120
wait_http "http://127.0.0.1:$WORKER_PORT/actuator/health/readiness" 120
[ -n "$SINK_URL" ] && wait_http "$SINK_URL" 120

if [ -n "${JFR:-}" ]; then
  # from here on only: the profile is the load's, not the start-up's
  for app in collector worker; do
    pid=$([ $app = collector ] && echo "$COLLECTOR" || echo "$WORKER")
    jcmd "$pid" JFR.start name=ingest settings=profile > /dev/null
  done
fi
log "load: levels $LEVELS events/s, ${SECONDS_PER_LEVEL}s each after ${WARMUP}s of warm-up, $BATCH events per post"
java -Xms256m -Xmx768m -XX:+UseSerialGC -cp "$CP" \
  -Dcollector="http://127.0.0.1:$COLLECTOR_PORT" -Dworker="http://127.0.0.1:$WORKER_PORT/actuator/prometheus" \
  -Dsink="$SINK_URL" -Ddataset="$DATASET" -Dlevels="$LEVELS" -Dseconds="$SECONDS_PER_LEVEL" -Dwarmup="$WARMUP" \
  -Dbatch="$BATCH" -Dconcurrency="$CONCURRENCY" -Ddrain="$DRAIN" -Dpids="$PIDLIST" -Dhz="$(getconf CLK_TCK)" \
  -Dout="$WORK/levels.md" io.recoflow.loadtest.IngestLoad | tee "$WORK/load.log"
SUSTAINED=$(sed -n 's/^SUSTAINED=//p' "$WORK/levels.md")
RECORD_BYTES=$(cat "$WORK/record-bytes.txt")

log "kafka-producer-perf-test: $PERF_RECORDS records of $RECORD_BYTES bytes, --throughput -1, acks=all"
java -Xms512m -Xmx768m -XX:+UseSerialGC -cp "$(cat "$WORK/perf-cp.txt")" org.apache.kafka.tools.ProducerPerformance \
  --topic ingest-perf-test --num-records "$PERF_RECORDS" --record-size "$RECORD_BYTES" --throughput -1 \
  --producer-props bootstrap.servers="$BOOTSTRAP" acks=all > "$WORK/perf-test.log" 2>&1 \
  || { echo "kafka-producer-perf-test failed:" >&2; tail -20 "$WORK/perf-test.log" >&2; exit 1; }
PERF_LINE=$(grep -E "records sent, .* records/sec" "$WORK/perf-test.log" | tail -1)
PERF_RATE=$(echo "$PERF_LINE" | sed -E 's/.* ([0-9.]+) records\/sec.*/\1/')

if [ -n "${JFR:-}" ]; then
  for app in collector worker; do
    pid=$([ $app = collector ] && echo "$COLLECTOR" || echo "$WORKER")
    jcmd "$pid" JFR.dump name=ingest filename="$WORK/$app.jfr" > /dev/null
    jfr print --events jdk.ExecutionSample --stack-depth 40 "$WORK/$app.jfr" > "$WORK/$app-samples.txt"
    # where the CPU went: each sample's top frame, and each method on a sampled stack (once per sample)
    { echo "#### $app: jdk.ExecutionSample during the load ($(grep -c 'jdk.ExecutionSample' "$WORK/$app-samples.txt") samples)"
      echo; echo "Top frames:"; echo; echo '```'
      awk '/stackTrace = \[/{getline; sub(/^[ \t]+/, ""); sub(/[ \t]+line:.*/, ""); print}' "$WORK/$app-samples.txt" \
        | sort | uniq -c | sort -rn | awk 'NR <= 20'
      echo '```'; echo; echo "Methods on the stack (inclusive), io.recoflow, Jackson, Kafka, Jedis, Micrometer, Spring MVC, Tomcat:"; echo; echo '```'
      awk '/stackTrace = \[/{n++; delete seen; next} /^[ \t]+[a-z].*line:/{f=$0; sub(/^[ \t]+/, "", f); sub(/[ \t]+line:.*/, "", f);
           if (!(f in seen)) {seen[f]=1; print f}}' "$WORK/$app-samples.txt" \
        | { grep -E '^(io\.recoflow|com\.fasterxml|org\.apache\.kafka|redis\.clients|io\.micrometer|org\.springframework\.web|org\.apache\.(coyote|catalina|tomcat))' || true; } \
        | sort | uniq -c | sort -rn | awk 'NR <= 30'
      echo '```'; echo; } >> "$WORK/profile.md"
  done
fi

{
  echo "## Ingest benchmark ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $([ -n "$SINK_URL" ] && echo "with the lake sink" || echo "no lake sink"))"
  cat "$WORK/levels.md"
  echo
  echo "kafka-producer-perf-test on the same broker ($RECORD_BYTES-byte records, acks=all, --throughput -1): $PERF_LINE"
  awk -v s="$SUSTAINED" -v p="$PERF_RATE" 'BEGIN{printf "\nSustained ingest / bare producer: %d / %.0f = %.1f %%\n", s, p, (p > 0 ? 100 * s / p : 0)}'
  if [ -f "$WORK/profile.md" ]; then echo; cat "$WORK/profile.md"; fi
} | tee "$WORK/summary.md"
log "summary: $WORK/summary.md"
