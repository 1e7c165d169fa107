#!/usr/bin/env bash
# Local demo of the Recoflow operator: no cluster needed. Builds the operator jar, then runs it against an
# in-process Kubernetes mock API server: applies crds/ and examples/, brings up TF-Serving (simulated pods),
# promotes a ModelVersion through the canary steps and shows a rollback of a version whose pods never get ready.
set -euo pipefail
cd "$(dirname "$0")"
mvn -B -q -pl operator/demo -am package -DskipTests
exec java -jar operator/demo/target/recoflow-operator-demo-0.1.0-SNAPSHOT-all.jar --root . "$@"
