#!/usr/bin/env bash
# Operator scale benchmark: N RecommendationModels with VERSIONS ModelVersions each on the fabric8 mock API server,
# cold start to all Serving, then promote-all (the last version to production on every model) to all Serving it,
# then two steady-state checks (every owned Deployment touched; the operator restarted) that count the operator's
# API requests. Two JVMs: the mock + fake kubelet + driver (this module), and the operator's shipped jar.
#
#   benchmarks/operator-scale/run.sh               # defaults below: N=1000, VERSIONS=2, canary of one 100 % step
#   N=50 benchmarks/operator-scale/run.sh          # smoke run (~1 min)
#
# Knobs (environment): N (1000), VERSIONS (2), STRATEGY (canary | blue-green), OPERATOR_JAVA_OPTS (-Xmx1g, as the
# issue ran it; the Deployment in operator/deploy gets 75 % of a 512Mi limit), CLUSTER_JAVA_OPTS (the mock's JVM; see
# below), MAX_REQUEUE (30, RECOFLOW_MAX_REQUEUE_SECONDS as deployed), TIMEOUT (900 s per phase), KUBELET (informer,
# or polling:MS for operator/testing's FakeKubelet), WORK (raw output: every scrape, class histograms, operator log),
# REPORT (where results.json + summary.md are copied; default docs/benchmarks/operator-scale/n$N-$STRATEGY),
# SKIP_BUILD (unset), MVN_ARGS (extra Maven flags, e.g. -o). RECOFLOW_* variables reach the operator's environment.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
M=$ROOT/benchmarks/operator-scale
N=${N:-1000}
VERSIONS=${VERSIONS:-2}
STRATEGY=${STRATEGY:-canary}
OPERATOR_JAVA_OPTS=${OPERATOR_JAVA_OPTS:--Xmx1g}
# common.parallelism: on <= 2 CPUs the JDK HttpClient of the driver and kubelet would start a thread per response
# (CompletableFuture's default executor is thread-per-task when the common pool has parallelism 1); harness only
CLUSTER_JAVA_OPTS=${CLUSTER_JAVA_OPTS:--Xmx2g -Djava.util.concurrent.ForkJoinPool.common.parallelism=4}
MAX_REQUEUE=${MAX_REQUEUE:-30}
TIMEOUT=${TIMEOUT:-900}
KUBELET=${KUBELET:-informer}
WORK=${WORK:-$M/target/run-n$N-$STRATEGY}
REPORT=${REPORT:-$ROOT/docs/benchmarks/operator-scale/n$N-$STRATEGY}

log() { echo "[$(date -u +%H:%M:%S)] $*"; }
cd "$ROOT"

if [ -z "${SKIP_BUILD:-}" ]; then
  log "building the operator (shaded jar) and the benchmark"
  # shellcheck disable=SC2086
  mvn -B -q ${MVN_ARGS:-} install -DskipTests -pl operator/api,operator/testing,operator/controller -am
  # shellcheck disable=SC2086
  mvn -B -q ${MVN_ARGS:-} -Poperator-scale -pl benchmarks/operator-scale package
fi

COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if ! git diff --quiet HEAD -- operator 2>/dev/null; then COMMIT="$COMMIT+uncommitted-operator-changes"; fi
log "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs (the figures are only as quiet as the machine)"

rm -rf "$WORK" && mkdir -p "$WORK"
set +e
# shellcheck disable=SC2086
java $CLUSTER_JAVA_OPTS -cp "$M/target/classes:$M/target/lib/*" io.recoflow.benchmarks.operatorscale.ScaleBenchmark \
  --n "$N" --versions "$VERSIONS" --strategy "$STRATEGY" --out "$WORK" --repo "$ROOT" \
  --operator-jar "$M/target/operator/recoflow-operator-all.jar" --operator-jvm "$OPERATOR_JAVA_OPTS" \
  --max-requeue "$MAX_REQUEUE" --timeout "$TIMEOUT" --kubelet "$KUBELET" --commit "$COMMIT" 2>&1 \
  | tee "$WORK/console.txt" | grep --line-buffered -E '^\[[0-9:]{8}\]'
rc=${PIPESTATUS[0]}
set -e

mkdir -p "$REPORT"
cp "$WORK/results.json" "$WORK/summary.md" "$REPORT/"
for f in "$WORK"/metrics-promote_all.txt "$WORK"/histogram-*.txt; do
  [ -f "$f" ] && cp "$f" "$REPORT/"
done
sed -n '/^## Targets/,/^## Phases/p' "$REPORT/summary.md" | sed '$d'
log "summary: $REPORT/summary.md (raw output in $WORK); exit $rc"
exit "$rc"
