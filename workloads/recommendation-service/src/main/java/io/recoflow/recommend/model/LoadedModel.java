package io.recoflow.recommend.model;

import io.recoflow.common.ModelMetadata;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A model version in memory, reference counted so a hot swap never closes it under a running request: the registry
 * holds one reference, every request one more; the last release closes the native resources.
 */
public final class LoadedModel {
    private static final AtomicLong IDS = new AtomicLong();
    private final long id = IDS.incrementAndGet();
    private final long version;
    private final ModelMetadata metadata;
    private final Map<String, Integer> index;
    private final ScoringModel model;
    private final String source;
    private final AtomicInteger refs = new AtomicInteger(1);
    private volatile List<String> popular = List.of();

    public LoadedModel(long version, ModelMetadata metadata, ScoringModel model) {
        this(version, metadata, model, null);
    }

    /** @param source where it was loaded from (directory or TF Serving predict URL): the same version from elsewhere is another model */
    public LoadedModel(long version, ModelMetadata metadata, ScoringModel model, String source) {
        this.version = version;
        this.metadata = metadata;
        this.model = model;
        this.source = source;
        List<String> items = metadata.items();
        Map<String, Integer> idx = new HashMap<>(items.size() * 2);
        for (int i = 0; i < items.size(); i++) {
            idx.putIfAbsent(items.get(i), i);
        }
        this.index = idx;
    }

    public long version() {
        return version;
    }

    /** Unique per loaded instance: the same version loaded again (or from elsewhere) is another model. */
    public long id() {
        return id;
    }

    public String source() {
        return source;
    }

    public ModelMetadata metadata() {
        return metadata;
    }

    public int itemCount() {
        return metadata.items().size();
    }

    /** Index of an item id in the model, or -1 when the model does not know it. */
    public int indexOf(String itemId) {
        Integer i = index.get(itemId);
        return i == null ? -1 : i;
    }

    /** The item id at an index, or null when the model returned an index outside its item list. */
    public String itemAt(int i) {
        List<String> items = metadata.items();
        return i >= 0 && i < items.size() ? items.get(i) : null;
    }

    /** The model's answer to an empty history (the trainer's graphs return popularity), best first. */
    public List<String> popular() {
        return popular;
    }

    void popular(List<String> items) {
        this.popular = List.copyOf(items);
    }

    public Scores score(int[] history, int k) throws Exception {
        return model.score(history, k);
    }

    /** See {@link ScoringModel#cacheable()}. */
    public boolean cacheable() {
        return model.cacheable();
    }

    /** See {@link ScoringModel#inline()}. */
    public boolean inline() {
        return model.inline();
    }

    /** Takes a reference for one request; false when the version was already closed (retry with a newer one). */
    public boolean tryAcquire() {
        for (;;) {
            int n = refs.get();
            if (n <= 0) {
                return false;
            }
            if (refs.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    public void release() {
        if (refs.decrementAndGet() == 0) {
            model.close();
        }
    }

    /** In-flight requests plus the registry's own reference (0 once closed). */
    int references() {
        return refs.get();
    }

    /** Closes now whatever holds it; only at shutdown, when no request can be running. */
    void forceClose() {
        if (refs.getAndSet(0) > 0) {
            model.close();
        }
    }
}
