package io.recoflow.benchmarks.sparkals;

import io.recoflow.trainer.data.SparseMatrix;
import io.recoflow.trainer.model.AlsRecommender;
import io.recoflow.trainer.model.ModelExport;
import io.recoflow.trainer.model.Popularity;
import io.recoflow.trainer.model.Recommender;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Spark MLlib ALS ({@code implicitPrefs=true}) behind the trainer's {@link Recommender} interface. Training is Spark's;
 * scoring folds a user's history into Spark's item factors with the same code as the trainer's ALS, using Spark's
 * regularisation convention (λ times the user's item count), which reproduces Spark's own user update exactly.
 */
final class SparkAlsRecommender implements Recommender {
    private final SparkSession spark;
    private final int rank;
    private final double regParam;
    private final double alpha;
    private final int maxIter;
    private final long seed;
    private AlsRecommender scorer;

    SparkAlsRecommender(SparkSession spark, int rank, double regParam, double alpha, int maxIter, long seed) {
        this.spark = spark;
        this.rank = rank;
        this.regParam = regParam;
        this.alpha = alpha;
        this.maxIter = maxIter;
        this.seed = seed;
    }

    @Override
    public String type() {
        return "spark-als";
    }

    @Override
    public Map<String, Object> params() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("rank", rank);
        p.put("regParam", regParam);
        p.put("alpha", alpha);
        p.put("maxIter", maxIter);
        p.put("implicitPrefs", true);
        p.put("seed", seed);
        p.put("master", spark.sparkContext().master());
        return p;
    }

    @Override
    public void fit(SparseMatrix m) {
        List<Row> rows = new ArrayList<>(m.nnz());
        for (int u = 0; u < m.rows(); u++) {
            for (int k = m.rowStart(u); k < m.rowEnd(u); k++) {
                rows.add(RowFactory.create(u, m.col(k), m.value(k)));
            }
        }
        StructType schema = new StructType()
                .add("user", DataTypes.IntegerType, false)
                .add("item", DataTypes.IntegerType, false)
                .add("rating", DataTypes.FloatType, false);
        Dataset<Row> ratings = spark.createDataFrame(rows, schema);
        ALSModel model = new ALS()
                .setRank(rank)
                .setRegParam(regParam)
                .setAlpha(alpha)
                .setMaxIter(maxIter)
                .setImplicitPrefs(true)
                .setSeed(seed)
                .setUserCol("user")
                .setItemCol("item")
                .setRatingCol("rating")
                .fit(ratings);
        double[] y = new double[m.cols() * rank];
        for (Row r : model.itemFactors().collectAsList()) {
            int item = r.getInt(0);
            List<Object> f = r.getList(1);
            for (int a = 0; a < rank; a++) {
                y[item * rank + a] = ((Number) f.get(a)).doubleValue();
            }
        }
        scorer = AlsRecommender.ofItemFactors(y, m.cols(), rank, regParam, alpha, true, Popularity.of(m));
    }

    @Override
    public int items() {
        return scorer.items();
    }

    @Override
    public void score(int[] items, float[] counts, float[] out) {
        scorer.score(items, counts, out);
    }

    @Override
    public ModelExport export() {
        return scorer.export();
    }
}
