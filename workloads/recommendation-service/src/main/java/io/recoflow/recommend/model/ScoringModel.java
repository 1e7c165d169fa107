package io.recoflow.recommend.model;

/** One model version that can score a user's history ({@link io.recoflow.common.ModelArtifact} signature). */
public interface ScoringModel extends AutoCloseable {
    Scores score(int[] history, int k) throws Exception;

    @Override
    void close();
}
