package io.recoflow.recommend.model;

/** What the model's signature returns: item indices best first and their scores (same length). */
public record Scores(int[] indices, float[] scores) {
    public Scores {
        if (indices.length != scores.length) {
            throw new IllegalStateException("model returned " + indices.length + " indices but " + scores.length + " scores");
        }
    }
}
