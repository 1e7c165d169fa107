package io.recoflow.operator.placement;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pure arithmetic of a placement: replicas split by weight, and failover (which clusters' shares move to the
 * others, and when they come back).
 *
 * <p>Replicas: a cluster with share w of n replicas gets round(n * w / 100) by largest remainder, so the parts add
 * up to n, but never fewer than 1 while w > 0 (a cluster that takes traffic must serve it). Autoscaling bounds
 * scale the same way, each at least 1 and max >= min.
 *
 * <p>Failover: a cluster that has not served (unreachable, or no available pod of its serving version) for
 * {@code after} gets effective weight 0; the shares of the rest grow in proportion to their weights (largest
 * remainder to 100). It comes back after serving again for {@code restore} (hysteresis: a flapping member does not
 * flap the traffic). When every weighted cluster has failed, the configured weights stand: there is nowhere better.
 */
public final class Weights {
    private Weights() {}

    /** Shares (summing to 100 or less) -> parts of {@code total}; shares of 0 get 0. */
    public static Map<String, Integer> split(int total, Map<String, Integer> shares) {
        Map<String, Integer> out = new LinkedHashMap<>();
        int sum = shares.values().stream().mapToInt(Integer::intValue).sum();
        if (sum <= 0) {
            shares.keySet().forEach(k -> out.put(k, 0));
            return out;
        }
        List<double[]> rest = new ArrayList<>();
        List<String> names = new ArrayList<>(shares.keySet());
        int given = 0;
        for (int i = 0; i < names.size(); i++) {
            double exact = (double) total * shares.get(names.get(i)) / sum;
            int floor = (int) Math.floor(exact);
            out.put(names.get(i), floor);
            given += floor;
            rest.add(new double[] {exact - floor, i});
        }
        rest.sort(Comparator.<double[]>comparingDouble(r -> -r[0]).thenComparingDouble(r -> r[1]));
        for (int i = 0; i < total - given && i < rest.size(); i++) {
            String name = names.get((int) rest.get(i)[1]);
            out.merge(name, 1, Integer::sum);
        }
        for (String n : names) {
            if (shares.get(n) > 0 && out.get(n) < 1) {
                out.put(n, 1);
            }
        }
        return out;
    }

    /** A bound (min or max replicas) for a cluster taking {@code share} percent: at least 1. */
    public static int bound(int total, int share) {
        return Math.max(1, (int) Math.ceil(total * share / 100.0));
    }

    /** A cluster as observed now. */
    public record Observed(String name, int weight, boolean serving) {}

    /** What was recorded for it before (from status). */
    public record Before(boolean failedOver, Instant unhealthySince, Instant healthySince) {
        public static final Before NONE = new Before(false, null, null);
    }

    /** The verdict for one cluster. */
    public record Effective(String name, int weight, int effective, boolean failedOver, Instant unhealthySince,
            Instant healthySince) {}

    /** @return the clusters in the order given, and when to look again (null: nothing pending) */
    public record Result(List<Effective> clusters, Duration recheck) {
        public Effective of(String name) {
            return clusters.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
        }
    }

    public static Result failover(List<Observed> now, Map<String, Before> before, Instant at, Duration after,
            Duration restore) {
        List<Effective> staged = new ArrayList<>();
        Duration recheck = null;
        for (Observed o : now) {
            Before b = before.getOrDefault(o.name(), Before.NONE);
            Instant unhealthy = o.serving() ? null : b.unhealthySince() != null ? b.unhealthySince() : at;
            boolean failed;
            Instant healthy = null;
            if (o.weight() == 0) {
                failed = false;
                unhealthy = null;
            } else if (b.failedOver()) {
                healthy = o.serving() ? (b.healthySince() != null ? b.healthySince() : at) : null;
                failed = healthy == null || at.isBefore(healthy.plus(restore));
                if (failed && healthy != null) {
                    recheck = min(recheck, Duration.between(at, healthy.plus(restore)));
                }
            } else {
                failed = unhealthy != null && !at.isBefore(unhealthy.plus(after));
                if (!failed && unhealthy != null) {
                    recheck = min(recheck, Duration.between(at, unhealthy.plus(after)));
                }
            }
            staged.add(new Effective(o.name(), o.weight(), 0, failed, unhealthy, healthy));
        }
        Map<String, Integer> shares = new LinkedHashMap<>();
        boolean anyLeft = staged.stream().anyMatch(e -> e.weight() > 0 && !e.failedOver());
        for (Effective e : staged) {
            shares.put(e.name(), anyLeft && e.failedOver() ? 0 : e.weight());
        }
        Map<String, Integer> effective = split(100, shares);
        List<Effective> out = new ArrayList<>();
        for (Effective e : staged) {
            int w = shares.get(e.name()) == 0 ? 0 : effective.get(e.name());
            out.add(new Effective(e.name(), e.weight(), w, e.failedOver(), e.unhealthySince(), e.healthySince()));
        }
        return new Result(out, recheck);
    }

    private static Duration min(Duration a, Duration b) {
        Duration d = a == null || b.compareTo(a) < 0 ? b : a;
        return d.isNegative() || d.isZero() ? Duration.ofMillis(50) : d;
    }
}
