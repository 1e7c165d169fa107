package io.recoflow.recommend.model;

import java.nio.file.Path;
import java.util.Random;

/**
 * Scoring cost of one model version: TensorFlow session run vs the Java fast path, same random histories
 * (20-39 items, k=30), single thread. Not a test; run it on a trained version directory:
 *
 * <pre>
 * mvn -B -q -pl workloads/recommendation-service -am test-compile
 * mvn -B -q -o -pl workloads/recommendation-service dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp "$(cat /tmp/cp.txt):workloads/common/target/classes:workloads/recommendation-service/target/classes:workloads/recommendation-service/target/test-classes" \
 *   io.recoflow.recommend.model.ScoringBench MODELS/VERSION
 * </pre>
 */
public final class ScoringBench {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int items = io.recoflow.common.ModelMetadata.read(dir).items().size();
        try (EmbeddedModel tf = new EmbeddedModel(dir)) {
            ScoringModel java = ItemItemModel.from(tf.bundle(), items)
                    .orElseThrow(() -> new IllegalArgumentException("not an item-item SavedModel"));
            System.out.println("parity mismatch: " + ModelRegistry.mismatch(tf, java, items));
            Random r = new Random(1);
            int[][] hs = new int[1000][];
            for (int i = 0; i < hs.length; i++) {
                hs[i] = new int[20 + r.nextInt(20)];
                for (int j = 0; j < hs[i].length; j++) {
                    hs[i][j] = r.nextInt(items);
                }
            }
            for (int round = 0; round < 4; round++) {
                for (ScoringModel m : new ScoringModel[] {tf, java}) {
                    long t = System.nanoTime();
                    for (int i = 0; i < 2000; i++) {
                        m.score(hs[i % hs.length], 30);
                    }
                    System.out.printf("round %d %-14s %.1f us/score%n", round, m.getClass().getSimpleName(),
                            (System.nanoTime() - t) / 2000 / 1000.0);
                }
            }
        }
    }
}
