package io.recoflow.recommend;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The response body of {@code GET /v1/recommendations/{userId}}.
 *
 * @param modelVersion the version that scored (absent for a fallback)
 * @param fallback why the popularity fallback answered instead of the model (absent when the model answered)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Recommendation(
        String userId,
        List<Item> items,
        String modelVersion,
        String experiment,
        String variant,
        String fallback) {

    public record Item(String itemId, float score) {}
}
