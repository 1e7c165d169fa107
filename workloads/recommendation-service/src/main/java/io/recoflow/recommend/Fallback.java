package io.recoflow.recommend;

/**
 * Why a response came from popularity instead of the model; the wire name is the metric tag and JSON value. Only
 * causes outside the service's own capacity: running short of capacity is {@link Overloaded} (503), never a fallback.
 */
public enum Fallback {
    UNKNOWN_USER("unknown_user"),
    UNKNOWN_ITEMS("unknown_items"),
    REDIS_UNAVAILABLE("redis_unavailable"),
    NO_MODEL("no_model"),
    MODEL_ERROR("model_error"),
    MODEL_TIMEOUT("model_timeout");

    private final String reason;

    Fallback(String reason) {
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
