package io.recoflow.recommend.features;

import java.util.List;
import java.util.Set;

/**
 * What the online feature store knows about one user.
 *
 * @param recent item ids, newest first (views, carts, purchases, clicks)
 * @param purchased item ids the user bought
 */
public record UserFeatures(List<String> recent, Set<String> purchased) {
    public boolean isEmpty() {
        return recent.isEmpty() && purchased.isEmpty();
    }
}
