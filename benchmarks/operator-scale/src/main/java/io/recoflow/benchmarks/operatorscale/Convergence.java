package io.recoflow.benchmarks.operatorscale;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Watches what the operator writes (status of RecommendationModels and ModelVersions, through the driver's own
 * informers, so no polling LIST loads the mock) and notes when each object first meets the phase's goal and when
 * all of them meet it at once.
 */
final class Convergence {
    /** One kind's goal for the current phase. */
    final class Goal<T extends HasMetadata> implements ResourceEventHandler<T> {
        private final SharedIndexInformer<T> informer;
        private volatile Predicate<T> goal = t -> true;

        Goal(SharedIndexInformer<T> informer) {
            this.informer = informer;
            informer.addEventHandler(this);
        }

        /** The goal of the next {@link #phase}. */
        void expect(Predicate<T> goal) {
            this.goal = goal;
        }

        private void seed() {
            for (T t : informer.getStore().list()) {
                see(t);
            }
        }

        private void see(T t) {
            String key = kind(t) + "/" + Cache.metaNamespaceKeyFunc(t);
            long now = System.nanoTime();
            if (goal.test(t)) {
                if (pending.remove(key)) {
                    lastMet = now;
                }
                firstMet.putIfAbsent(key, now);
            } else {
                pending.add(key);
            }
        }

        @Override
        public void onAdd(T t) {
            see(t);
        }

        @Override
        public void onUpdate(T before, T t) {
            see(t);
        }

        @Override
        public void onDelete(T t, boolean unknown) {
        }
    }

    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> firstMet = new ConcurrentHashMap<>();
    private volatile long lastMet;
    private volatile long start;

    private final List<Goal<?>> goals = new ArrayList<>();

    /**
     * Starts a phase with the goals set by {@link Goal#expect}: forgets what met the previous goals and marks every
     * cached object that does not meet its goal yet as pending; time is counted from {@code startNanos}.
     */
    void phase(long startNanos) {
        start = startNanos;
        pending.clear();
        firstMet.clear();
        lastMet = startNanos;
        goals.forEach(Goal::seed);
    }

    <T extends HasMetadata> Goal<T> track(SharedIndexInformer<T> informer) {
        Goal<T> g = new Goal<>(informer);
        goals.add(g);
        return g;
    }

    int pending() {
        return pending.size();
    }

    /** Seconds from the phase start to the moment the last pending object met its goal. */
    double seconds() {
        return (lastMet - start) / 1e9;
    }

    /** A few pending keys, to say what is stuck on a timeout. */
    List<String> stuck(int n) {
        List<String> out = new ArrayList<>();
        for (String k : pending) {
            if (out.size() >= n) {
                break;
            }
            out.add(k);
        }
        return out;
    }

    /** Seconds from the phase start at which each object of {@code kind} first met the goal, sorted. */
    List<Double> firstMetSeconds(String kind) {
        List<Double> out = new ArrayList<>();
        firstMet.forEach((k, t) -> {
            if (k.startsWith(kind + "/")) {
                out.add((t - start) / 1e9);
            }
        });
        Collections.sort(out);
        return out;
    }

    private static String kind(HasMetadata h) {
        return h.getKind() == null ? h.getClass().getSimpleName() : h.getKind();
    }
}
