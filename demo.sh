#!/usr/bin/env bash
# Local demo of the Recoflow operator: no cluster and no external services needed. Builds the operator jar, then runs
# it against an in-process Kubernetes mock API server, a fake kubelet (simulated TF-Serving pods) and a simulated
# Prometheus (A/B counts from simulated shoppers, healthy latency and error rates for the canary analysis; the tests
# use a real Prometheus). Applies crds/ and examples/ and brings up the first version; A/B tests the candidate against
# it (examples/retail-recs-ab.yaml, its analysis cut to the demo's clock) until the treatment wins and the model rolls
# it out through the canary steps while its ModelVersion is still a candidate, then Git catches up and nothing changes;
# rolls back a version whose pods never get ready; and fails a model placed on two member clusters over and back.
# Then puts a $500 monthly budget (examples/budget.yaml, on SIMULATED spend) over the placed model: a GPU node pool
# left running drives the month past 80, 90 and 100 %, so the model caps its members' HPAs and moves its traffic to
# the cheaper cluster, and a jump of the clock into the next month releases every action. Last, a nightly retraining
# schedule (examples/training.yaml) with a SIMULATED trainer: the clock jumps to two 02:00 ticks, the first challenger
# fails the offline gate and the second passes it and gets its own ModelVersion and an A/B test against the champion.
# Then the feature pipeline (examples/pipeline.yaml) on a REAL single-broker KRaft Kafka and a REAL redis-server, both
# in the demo's JVM, with a SIMULATED feature worker: topics created and read back through the Admin API, lag and
# freshness reported; the worker pauses, the features go stale past the freshness SLO, it resumes and they are fresh.
# The operator's clock runs 60x (--speed N); the whole demo takes about a minute and a half.
set -euo pipefail
cd "$(dirname "$0")"
mvn -B -q -pl operator/demo -am package -DskipTests
exec java -jar operator/demo/target/recoflow-operator-demo-0.1.0-SNAPSHOT-all.jar --root . "$@"
