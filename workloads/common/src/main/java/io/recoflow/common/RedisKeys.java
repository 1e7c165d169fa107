package io.recoflow.common;

/**
 * The online feature store's key schema (Redis). The feature worker writes, the recommendation service reads
 * (except the experiment outcomes, which only the worker uses).
 * All keys share the {@code rf:} prefix. User ids are opaque strings.
 */
public final class RedisKeys {
    /** ZSET member=itemId score=event epoch millis; capped to {@link #RECENT_ITEMS_CAP} newest; TTL {@link #USER_TTL_SECONDS}. */
    public static String recentItems(String userId) {
        return "rf:user:" + userId + ":recent";
    }

    /** SET of itemIds the user purchased; TTL {@link #USER_TTL_SECONDS}. */
    public static String purchased(String userId) {
        return "rf:user:" + userId + ":purchased";
    }

    /**
     * HASH itemId -> how many purchase events of it the user made; TTL {@link #USER_TTL_SECONDS}. The "count" a
     * model's {@code history} input carries (an item repeated that many times), as in training.
     */
    public static String purchaseCounts(String userId) {
        return "rf:user:" + userId + ":purchase_counts";
    }

    /** ZSET member=itemId score=weighted event count in one clock hour (epoch hour); TTL {@link #POPULARITY_BUCKET_TTL_SECONDS}. */
    public static String popularityBucket(long epochHour) {
        return "rf:pop:h:" + epochHour;
    }

    /** ZSET member=itemId score=co-visitation count with {@code itemId}; capped to {@link #COVISIT_CAP}. */
    public static String coVisitation(String itemId) {
        return "rf:covis:" + itemId;
    }

    /** STRING marker that event {@code eventId} was applied (idempotency); TTL {@link #DEDUP_TTL_SECONDS}. */
    public static String seenEvent(String eventId) {
        return "rf:seen:" + eventId;
    }

    // ---- A/B experiment outcomes: the feature worker writes them (apply-experiment.lua) and reads them back for its
    // gauges. rf:x:<experiment>:..., the experiment being ExperimentConfig.Experiment#name ("<namespace>/<name>",
    // never ':'). Users are the unit: each user is counted once per variant and outcome. Every key of an experiment
    // gets EXPIRE EXPERIMENT_TTL_SECONDS on each of its events, so its data lives while it has traffic and then
    // disappears as a whole.

    /** HASH userId -> variant of the user's first impression in {@code experiment} (the user is exposed). */
    public static String experimentVariant(String experiment) {
        return "rf:x:" + experiment + ":variant";
    }

    /** HASH userId -> epoch millis of the user's first impression (first exposure). */
    public static String experimentFirst(String experiment) {
        return "rf:x:" + experiment + ":first";
    }

    /** HASH userId -> epoch millis of the user's last impression (the attribution window runs from it). */
    public static String experimentLast(String experiment) {
        return "rf:x:" + experiment + ":last";
    }

    /** HASH userId -> clicks counted for the user (at or after the first exposure). */
    public static String experimentClicks(String experiment) {
        return "rf:x:" + experiment + ":clicks";
    }

    /** HASH userId -> 1 once the user converted (a purchase inside the attribution window). */
    public static String experimentConverted(String experiment) {
        return "rf:x:" + experiment + ":converted";
    }

    /**
     * HASH {@link #experimentCount field} -> integer: distinct users {@link #EXPOSED}, {@link #CLICKED},
     * {@link #CONVERTED}; the sum of {@link #CLICKS}; the sum over users of clicks squared ({@link #CLICKS_SQUARED}).
     * A field nothing incremented yet is absent (0).
     */
    public static String experimentCounts(String experiment) {
        return "rf:x:" + experiment + ":counts";
    }

    /** The field of {@link #experimentCounts}: {@code <variant>:<counter>}. */
    public static String experimentCount(String variant, String counter) {
        return variant + ":" + counter;
    }

    /**
     * LIST of a not-yet-exposed user's clicks and purchases ({@code kind|epochMillis}), replayed when the user's
     * first impression arrives: the service publishes impressions through a queue, so the click on a shown item
     * can reach the worker first. Capped at {@link #EXPERIMENT_PENDING_CAP}, TTL {@link #EXPERIMENT_PENDING_TTL_SECONDS}.
     */
    public static String experimentPending(String experiment, String userId) {
        return "rf:x:" + experiment + ":pending:" + userId;
    }

    public static final int EXPERIMENT_PENDING_CAP = 100;
    public static final long EXPERIMENT_PENDING_TTL_SECONDS = 3600;

    /** STRING marker that click {@code eventId} was counted in {@code experiment}; TTL {@link #DEDUP_TTL_SECONDS}. */
    public static String experimentSeen(String experiment, String eventId) {
        return "rf:x:" + experiment + ":seen:" + eventId;
    }

    /** The counters of {@link #experimentCounts}; the first three are also the gauges' {@code outcome} label. */
    public static final String EXPOSED = "exposed";
    public static final String CLICKED = "clicked";
    public static final String CONVERTED = "converted";
    public static final String CLICKS = "clicks";
    public static final String CLICKS_SQUARED = "clicks_squared";

    /** HASH field=name value: epoch millis of the last applied event (feature freshness). */
    public static final String FRESHNESS = "rf:meta:freshness";

    public static final int RECENT_ITEMS_CAP = 50;
    public static final int COVISIT_CAP = 200;
    public static final long USER_TTL_SECONDS = 30L * 24 * 3600;
    public static final long POPULARITY_BUCKET_TTL_SECONDS = 8L * 24 * 3600;
    public static final long DEDUP_TTL_SECONDS = 7L * 24 * 3600;
    /** After an experiment's last event; longer than the longest attribution window the ABExperiment CRD allows. */
    public static final long EXPERIMENT_TTL_SECONDS = 60L * 24 * 3600;

    private RedisKeys() {}
}
