#!/usr/bin/env bash
# Offline evaluation on UCI Online Retail (docs/benchmarks.md, "offline evaluation"):
#  1. tune EASE lambda, item-kNN neighbours and ALS lambda/alpha on the validation split
#     (train < 2011-10-01, validate on October 2011), selecting by NDCG@10 (all purchases);
#  2. tune the repeat-purchase hybrid (beta, gamma; EASE lambda) on top of EASE and of the tuned ALS, same split;
#     then, on both tuned hybrids, the item trend (prior rebuy_trend, delta, days) and the recency decay (ALS);
#  3. train on everything before 2011-11-01 and test on 2011-11-01 .. 2011-12-09 with the tuned settings,
#     Spark MLlib ALS (same rank / lambda / alpha / iterations, implicitPrefs, local[2]) side by side; the tables
#     end with each model's paired NDCG@10 difference to the popular and repeat baselines (bootstrap 95 % CI).
# Results: $OUT/tune-*.json, $OUT/test/results.json, $OUT/test/table.md. Takes ~12 min on 2 idle cores
# (run 8: build 6, tuning 5, test 1), longer when the machine is shared.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${DATA:-$(cd .. && pwd)/shared/datasets/online-retail/online_retail.csv.gz}
OUT=${OUT:-$(pwd)/target/offline-eval}
FACTORS=${FACTORS:-64}
ITERATIONS=${ITERATIONS:-15}
mkdir -p "$OUT"

mvn -B -q -Pspark -pl benchmarks/spark-als -am package -DskipTests
CP="workloads/trainer/target/recoflow-trainer-0.1.0-SNAPSHOT.jar:workloads/trainer/target/lib/*"
trainer() { java -Xmx6g -cp "$CP" io.recoflow.trainer.TrainerMain "$@" 2> >(grep -vE 'tensorflow|oneDNN|AVX|MLIR|absl' >&2); }
best() { grep '^best:' "$1" | cut -d' ' -f2; }

trainer tune --data "$DATA" --model ease --grid lambda=50,100,250,500,1000 \
  --out "$OUT/tune-ease.json" | tee "$OUT/tune-ease.txt"
trainer tune --data "$DATA" --model itemknn --grid neighbours=20,100,500 \
  --out "$OUT/tune-itemknn.json" | tee "$OUT/tune-itemknn.txt"
trainer tune --data "$DATA" --model "als:factors=$FACTORS:iterations=$ITERATIONS:scaleLambda=true" \
  --grid lambda=0.05,0.2,0.5,1 --grid alpha=1,2,5,20 \
  --out "$OUT/tune-als.json" | tee "$OUT/tune-als.txt"

EASE=$(best "$OUT/tune-ease.txt")
KNN=$(best "$OUT/tune-itemknn.txt")
ALS=$(best "$OUT/tune-als.txt")
# "hybrid:base=" + a tuned spec is the hybrid with that base and its parameters
trainer tune --data "$DATA" --model "hybrid:base=ease:curve=linear:prior=rebuy" --grid lambda=100,250 \
  --grid beta=3,10 --grid gamma=0.5,1,4,8 --out "$OUT/tune-hybrid-ease.json" | tee "$OUT/tune-hybrid-ease.txt"
trainer tune --data "$DATA" --model "hybrid:base=$ALS:curve=linear:prior=rebuy" --grid beta=1,3,10 \
  --grid gamma=0.5,1,4,8 --out "$OUT/tune-hybrid-als.json" | tee "$OUT/tune-hybrid-als.txt"
HYBRID_EASE=$(best "$OUT/tune-hybrid-ease.txt")
HYBRID_ALS=$(best "$OUT/tune-hybrid-als.txt")
# a grid key overrides the tuned value: these grids revisit gamma and the prior together with the trend
trainer tune --data "$DATA" --model "$HYBRID_EASE" --grid prior=rebuy_trend --grid days=14,30 --grid gamma=4,8 \
  --grid delta=0,1,2 --out "$OUT/tune-trend-ease.json" | tee "$OUT/tune-trend-ease.txt"
trainer tune --data "$DATA" --model "$HYBRID_ALS" --grid prior=rebuy,rebuy_trend --grid gamma=4,8 \
  --grid days=14,30 --grid delta=0,1,2 --grid recency=1,0.995 \
  --out "$OUT/tune-trend-als.json" | tee "$OUT/tune-trend-als.txt"
TREND_EASE=$(best "$OUT/tune-trend-ease.txt")
TREND_ALS=$(best "$OUT/tune-trend-als.txt")
echo "tuned: $EASE $KNN $ALS $HYBRID_EASE $HYBRID_ALS $TREND_EASE $TREND_ALS"

mvn -B -q -Pspark -pl benchmarks/spark-als -am verify -DskipTests -Dbench.skip=false \
  -Dbench.data="$DATA" -Dbench.out="$OUT/test" \
  -Dbench.args="--models popular,repeat,$KNN,$EASE,$HYBRID_EASE,$HYBRID_ALS,$TREND_EASE,$TREND_ALS --als $ALS" \
  | grep -vE 'tensorflow|oneDNN|AVX|MLIR|absl| INFO |WARN InstanceBuilder'
echo "table: $OUT/test/table.md"
