package io.recoflow.common;

/**
 * The online feature store's key schema (Redis). The feature worker writes, the recommendation service reads.
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

    /** HASH field=name value: epoch millis of the last applied event (feature freshness). */
    public static final String FRESHNESS = "rf:meta:freshness";

    public static final int RECENT_ITEMS_CAP = 50;
    public static final int COVISIT_CAP = 200;
    public static final long USER_TTL_SECONDS = 30L * 24 * 3600;
    public static final long POPULARITY_BUCKET_TTL_SECONDS = 8L * 24 * 3600;
    public static final long DEDUP_TTL_SECONDS = 7L * 24 * 3600;

    private RedisKeys() {}
}
