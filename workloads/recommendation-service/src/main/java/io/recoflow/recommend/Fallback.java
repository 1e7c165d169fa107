package io.recoflow.recommend;

/** Why a response came from popularity instead of the model; the wire name is the metric tag and JSON value. */
public enum Fallback {
    UNKNOWN_USER("unknown_user"),
    UNKNOWN_ITEMS("unknown_items"),
    REDIS_UNAVAILABLE("redis_unavailable"),
    NO_MODEL("no_model"),
    MODEL_ERROR("model_error"),
    MODEL_TIMEOUT("model_timeout"),
    OVERLOAD("overload");

    private final String reason;

    Fallback(String reason) {
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
