package io.recoflow.recommend;

/**
 * The service itself is short of capacity for this request: answered 503 with Retry-After and counted in
 * {@code recoflow_recommend_shed_total{reason}}, never a popularity fallback (a fallback says something about Redis,
 * the user or the model; this says the caller should go elsewhere or come back).
 */
public class Overloaded extends RuntimeException {
    /** Why the request was shed; the wire name is the metric tag and the JSON value. */
    public enum Reason {
        /** every admission permit was taken for longer than {@code admission.max-wait} */
        CONCURRENCY("concurrency"),
        /** a Redis call timed out while the process itself was stalled (GC, CPU starvation): not Redis' fault */
        STALLED("stalled"),
        /** no Redis connection was free within the timeout: the service's own concurrency, not Redis */
        REDIS_POOL("redis_pool"),
        /** the scoring pool's queue was full */
        SCORING_QUEUE("scoring_queue");

        private final String tag;

        Reason(String tag) {
            this.tag = tag;
        }

        public String tag() {
            return tag;
        }
    }

    private final Reason reason;

    public Overloaded(Reason reason, String message) {
        super(message, null, false, false); // no stack trace: thrown under overload, where CPU is what is short
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
