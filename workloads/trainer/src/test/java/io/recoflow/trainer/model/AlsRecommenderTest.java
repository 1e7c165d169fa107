package io.recoflow.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.recoflow.trainer.TestData;
import io.recoflow.trainer.data.Dataset;
import io.recoflow.trainer.data.Split;
import io.recoflow.trainer.eval.Evaluator;
import io.recoflow.trainer.eval.OfflineEvaluation;
import io.recoflow.trainer.eval.Protocol;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class AlsRecommenderTest {
    @Test
    void cgAndCholeskyBothLearnAndBeatPopularityOnNewItems() throws IOException {
        Dataset d = Dataset.load(TestData.sample());
        OfflineEvaluation ev = new OfflineEvaluation(d, Split.parse("random-per-user:0.2:1"), 10);
        double pop = ev.run("popular", new PopularRecommender()).variant(Protocol.NEW_ITEMS).ndcg();
        Evaluator.ModelResult cg = ev.run("als-cg", ModelSpec.parse("als:factors=32:iterations=8:alpha=5").create());
        Evaluator.ModelResult chol = ev.run("als-chol",
                ModelSpec.parse("als:factors=32:iterations=8:alpha=5:solver=cholesky").create());
        assertThat(cg.variant(Protocol.NEW_ITEMS).ndcg()).isGreaterThan(pop * 1.2);
        assertThat(chol.variant(Protocol.NEW_ITEMS).ndcg()).isGreaterThan(pop * 1.2);
        // 3 warm-started CG steps per solve land close to the exact solution's accuracy
        assertThat(cg.variant(Protocol.NEW_ITEMS).ndcg())
                .isCloseTo(chol.variant(Protocol.NEW_ITEMS).ndcg(), org.assertj.core.api.Assertions.withinPercentage(15));
    }

    @Test
    void foldInFromForeignFactorsScoresLikeTheTrainedModel() throws IOException {
        Dataset d = Dataset.load(TestData.sample());
        var m = io.recoflow.trainer.data.Interactions.of(d.interactions()).matrix();
        AlsRecommender als = (AlsRecommender) ModelSpec.parse("als:factors=8:iterations=3").create();
        als.fit(m);
        ModelExport.Factors f = (ModelExport.Factors) als.export();
        AlsRecommender copy = AlsRecommender.ofItemFactors(f.y(), f.items(), f.factors(), f.lambda(), f.alpha(),
                f.scaleLambda(), f.popularity());
        float[] a = new float[m.cols()];
        float[] b = new float[m.cols()];
        als.score(m.rowIndices(5), m.rowValues(5), a);
        copy.score(m.rowIndices(5), m.rowValues(5), b);
        assertThat(b).containsExactly(a);
    }
}
