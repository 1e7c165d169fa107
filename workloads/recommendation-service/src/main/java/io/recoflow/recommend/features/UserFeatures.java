package io.recoflow.recommend.features;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the online feature store knows about one user.
 *
 * @param recent item ids, newest first (views, carts, purchases, clicks)
 * @param purchased item ids the user bought
 * @param purchaseCounts how often the user bought each item (absent for data written before the counts existed)
 */
public record UserFeatures(List<String> recent, Set<String> purchased, Map<String, Integer> purchaseCounts) {

    /** Purchase count of an item, at least 1 for any item of the history. */
    public int count(String item) {
        Integer c = purchaseCounts.get(item);
        return c == null || c < 1 ? 1 : c;
    }

    public boolean isEmpty() {
        return recent.isEmpty() && purchased.isEmpty();
    }
}
