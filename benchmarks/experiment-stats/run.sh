#!/usr/bin/env bash
# A/B statistics benchmark: simulated experiments against the operator's io.recoflow.operator.experiment.stats.
# A/A false positives with a look after every batch of users (sequential mSPRT, naive fixed z-test, fixed z-test
# once at the horizon), power and users to a decision at 5.0 % -> 5.5 % and -> 6.0 %, and sample ratio mismatch
# detection. Fixed seeds: the same settings print the same tables, whatever the number of CPUs.
#
#   benchmarks/experiment-stats/run.sh                                          # defaults below (~1 min + build)
#   EXPERIMENTS=200 SRM_EXPERIMENTS=10000 SKIP_BUILD=1 benchmarks/experiment-stats/run.sh   # smoke run
#
# Knobs (environment): EXPERIMENTS (2000 per scenario), BATCH (1000 users per look, both variants together), LOOKS
# (80, so 40,000 users per variant at the horizon), SRM_EXPERIMENTS (100000 per SRM row), SEED (20261201), OUT
# (docs/benchmarks/experiment-stats/results.md), JAVA_OPTS, SKIP_BUILD (unset), MVN_ARGS (extra Maven flags, e.g. -o).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
M=$ROOT/benchmarks/experiment-stats
EXPERIMENTS=${EXPERIMENTS:-2000}
BATCH=${BATCH:-1000}
LOOKS=${LOOKS:-80}
SRM_EXPERIMENTS=${SRM_EXPERIMENTS:-100000}
SEED=${SEED:-20261201}
OUT=${OUT:-$ROOT/docs/benchmarks/experiment-stats/results.md}
cd "$ROOT"

if [ -z "${SKIP_BUILD:-}" ]; then
  echo "building the operator's stats classes and the benchmark" >&2
  # shellcheck disable=SC2086
  mvn -B -q ${MVN_ARGS:-} -Pexperiment-stats -pl benchmarks/experiment-stats -am package -DskipTests
fi

COMMAND="EXPERIMENTS=$EXPERIMENTS BATCH=$BATCH LOOKS=$LOOKS SRM_EXPERIMENTS=$SRM_EXPERIMENTS SEED=$SEED"
COMMAND="$COMMAND benchmarks/experiment-stats/run.sh"
# shellcheck disable=SC2086
java ${JAVA_OPTS:-} -cp "$M/target/classes:$M/target/lib/*" io.recoflow.benchmarks.experimentstats.StatsBenchmark \
  --experiments "$EXPERIMENTS" --batch "$BATCH" --looks "$LOOKS" --srm-experiments "$SRM_EXPERIMENTS" \
  --seed "$SEED" --out "$OUT" --command "$COMMAND"
echo "written to ${OUT#"$ROOT"/}" >&2
