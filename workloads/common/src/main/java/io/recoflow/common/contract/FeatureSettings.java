package io.recoflow.common.contract;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.recoflow.common.Json;
import io.recoflow.common.RedisKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The feature settings file ({@link Pipeline#FEATURES_KEY}, mounted at {@link Pipeline#FEATURES_MOUNT}): the
 * operator renders it from a FeaturePipeline's {@code spec.features}; the feature worker applies events by it.
 * A null field means the built-in default (the {@link RedisKeys} constants), so an empty file changes nothing.
 *
 * <pre>
 * {"recentItemsCap": 50, "userTtlSeconds": 2592000, "popularityWindowsHours": [1, 24, 168],
 *  "covisitWindow": 20, "covisitCap": 200}
 * </pre>
 *
 * @param recentItemsCap most recent items kept per user
 * @param userTtlSeconds how long a user's recent items live after their last event
 * @param popularityWindowsHours the popularity windows the service may read, in hours; the hourly buckets are
 *     kept for the longest one
 * @param covisitWindow how many of the user's most recent items pair with a new item for co-visitation
 * @param covisitCap most co-visited neighbours kept per item
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record FeatureSettings(
        Integer recentItemsCap,
        Long userTtlSeconds,
        List<Integer> popularityWindowsHours,
        Integer covisitWindow,
        Integer covisitCap) {
    public static final FeatureSettings DEFAULTS = new FeatureSettings(null, null, null, null, null);
    /** Bounds both sides check (the CRD's schema and {@link #validate()}): the Lua scripts loop over these. */
    public static final int MAX_RECENT_ITEMS = 1000;
    public static final int MAX_COVISIT_WINDOW = 200;
    public static final int MAX_COVISIT_CAP = 5000;
    public static final int MAX_WINDOW_HOURS = 24 * 90;
    private static final ObjectMapper JSON = Json.mapper().enable(SerializationFeature.INDENT_OUTPUT);

    public FeatureSettings {
        popularityWindowsHours = popularityWindowsHours == null ? null : List.copyOf(popularityWindowsHours);
    }

    public int recentItems() {
        return recentItemsCap == null ? RedisKeys.RECENT_ITEMS_CAP : recentItemsCap;
    }

    public long userTtl() {
        return userTtlSeconds == null ? RedisKeys.USER_TTL_SECONDS : userTtlSeconds;
    }

    public int covisit() {
        return covisitWindow == null ? 20 : covisitWindow;
    }

    public int covisitNeighbours() {
        return covisitCap == null ? RedisKeys.COVISIT_CAP : covisitCap;
    }

    /** How long an hourly popularity bucket lives past its hour: the longest window (default 8 days). */
    public long popularityBucketTtl() {
        if (popularityWindowsHours == null || popularityWindowsHours.isEmpty()) {
            return RedisKeys.POPULARITY_BUCKET_TTL_SECONDS;
        }
        return popularityWindowsHours.stream().mapToLong(h -> h * 3600L).max().getAsLong();
    }

    /** Every problem with the settings; empty when valid. */
    public List<String> validate() {
        List<String> problems = new ArrayList<>();
        if (recentItemsCap != null && (recentItemsCap < 1 || recentItemsCap > MAX_RECENT_ITEMS)) {
            problems.add("recentItemsCap must be 1.." + MAX_RECENT_ITEMS + ", got " + recentItemsCap);
        }
        if (userTtlSeconds != null && userTtlSeconds < 60) {
            problems.add("userTtlSeconds must be >= 60, got " + userTtlSeconds);
        }
        if (popularityWindowsHours != null) {
            for (Integer h : popularityWindowsHours) {
                if (h == null || h < 1 || h > MAX_WINDOW_HOURS) {
                    problems.add("popularityWindowsHours entries must be 1.." + MAX_WINDOW_HOURS + ", got " + h);
                }
            }
        }
        if (covisitWindow != null && (covisitWindow < 0 || covisitWindow > MAX_COVISIT_WINDOW)) {
            problems.add("covisitWindow must be 0.." + MAX_COVISIT_WINDOW + ", got " + covisitWindow);
        }
        if (covisitCap != null && (covisitCap < 1 || covisitCap > MAX_COVISIT_CAP)) {
            problems.add("covisitCap must be 1.." + MAX_COVISIT_CAP + ", got " + covisitCap);
        }
        return problems;
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static FeatureSettings parse(String json) throws IOException {
        FeatureSettings s = Json.mapper().readValue(json, FeatureSettings.class);
        return s == null ? DEFAULTS : s;
    }
}
