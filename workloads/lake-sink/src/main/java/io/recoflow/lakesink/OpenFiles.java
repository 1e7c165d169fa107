package io.recoflow.lakesink;

import io.recoflow.common.Event;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.parquet.hadoop.ParquetWriter;

/**
 * A partition's open Parquet files from offset {@link #start()}: one per event date (UTC), rows written column-wise
 * as they arrive. {@link #seal()} closes them into the objects of one flush, all named after {@code start}.
 */
final class OpenFiles {
    /** One object of a flush; {@code key} is relative to the target's prefix. */
    record Sealed(String key, byte[] bytes, long rows) {}

    private final TopicPartition tp;
    private final long start;
    private final long rowGroupBytes;
    private final Map<LocalDate, File> files = new TreeMap<>();
    private long next;
    private long rows;
    private long firstRowAt;

    OpenFiles(TopicPartition tp, long start, long rowGroupBytes) {
        this.tp = tp;
        this.start = start;
        this.next = start;
        this.rowGroupBytes = rowGroupBytes;
    }

    long start() {
        return start;
    }

    /** The offset after the last record taken (written or skipped): where the flush ends. */
    long next() {
        return next;
    }

    long rows() {
        return rows;
    }

    /** Wall-clock millis of the first row, 0 while there is none. */
    long firstRowAt() {
        return firstRowAt;
    }

    void add(Event e, long offset, long now) {
        LocalDate date = LocalDate.ofInstant(e.timestamp(), ZoneOffset.UTC);
        try {
            File f = files.computeIfAbsent(date, d -> new File());
            f.writer.write(new EventParquet.Row(e, tp.topic(), tp.partition(), offset));
            f.rows++;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        if (rows++ == 0) {
            firstRowAt = now;
        }
        next = offset + 1;
    }

    /** A record that is not written (poison) still moves the end of the flush past it. */
    void skip(long offset) {
        next = offset + 1;
    }

    /** Parquet bytes so far: written pages plus what the column writers buffer. */
    long bytes() {
        long sum = 0;
        for (File f : files.values()) {
            sum += f.writer.getDataSize();
        }
        return sum;
    }

    /** {@code <event_date=YYYY-MM-DD>/<topic>-<partition>-<start>.parquet}, one per date. */
    List<Sealed> seal() throws IOException {
        List<Sealed> out = new ArrayList<>(files.size());
        for (Map.Entry<LocalDate, File> f : files.entrySet()) {
            f.getValue().writer.close();
            out.add(new Sealed(key(f.getKey()), f.getValue().file.bytes(), f.getValue().rows));
        }
        files.clear();
        return out;
    }

    String key(LocalDate date) {
        return "event_date=" + date + "/" + tp.topic() + "-" + tp.partition() + "-" + start + ".parquet";
    }

    /** Drops the open files (revoked partition, or the buffer of a failed loop). */
    void discard() {
        for (File f : files.values()) {
            try {
                f.writer.close();
            } catch (IOException | RuntimeException ignored) {
                // in memory only: nothing to clean up
            }
        }
        files.clear();
    }

    private final class File {
        final MemoryFile file = new MemoryFile();
        final ParquetWriter<EventParquet.Row> writer;
        long rows;

        File() {
            try {
                writer = EventParquet.writer(file, rowGroupBytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
