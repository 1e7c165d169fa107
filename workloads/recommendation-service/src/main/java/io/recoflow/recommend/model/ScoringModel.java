package io.recoflow.recommend.model;

/** One model version that can score a user's history ({@link io.recoflow.common.ModelArtifact} signature). */
public interface ScoringModel extends AutoCloseable {
    Scores score(int[] history, int k) throws Exception;

    /**
     * True when a score is bounded pure-Java work (microseconds) that is safe to run on the request thread: no
     * hand-off to the scoring pool, no timeout needed. A native TensorFlow run or a remote call is not.
     */
    default boolean inline() {
        return false;
    }

    /**
     * True when the scores are a pure function of this instance and its inputs, so {@link ScoreCache} may keep them.
     * A local SavedModel (graph or Java fast path) is; a remote one is not known to be.
     */
    default boolean cacheable() {
        return true;
    }

    @Override
    void close();
}
