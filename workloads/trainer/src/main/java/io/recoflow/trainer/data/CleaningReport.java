package io.recoflow.trainer.data;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What loading did with each row: kept, or dropped for the first reason that applied (reasons are checked in a fixed
 * order, so every dropped row is counted exactly once).
 */
public final class CleaningReport {
    private long rows;
    private long kept;
    private final Map<String, Long> dropped = new LinkedHashMap<>();

    void row() {
        rows++;
    }

    void keep() {
        kept++;
    }

    void drop(String reason) {
        dropped.merge(reason, 1L, Long::sum);
    }

    public long rows() {
        return rows;
    }

    public long kept() {
        return kept;
    }

    public Map<String, Long> dropped() {
        return Collections.unmodifiableMap(dropped);
    }

    public long dropped(String reason) {
        return dropped.getOrDefault(reason, 0L);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("rows read %,d, kept %,d", rows, kept));
        dropped.forEach((r, n) -> sb.append(String.format(", %s %,d", r, n)));
        return sb.toString();
    }
}
