package io.recoflow.recommend;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A directory laid out the way the kubelet mounts a ConfigMap volume, for tests (also in the test-jar for e2e):
 * {@code KEY -> ..data/KEY}, {@code ..data -> ..<timestamp>}, and an update writes a new timestamped directory, swaps
 * {@code ..data} atomically (rename of a new symlink over it) and deletes the old directory.
 */
public final class ConfigMapVolume {
    private final Path dir;
    private int generation;
    private Path current;

    public ConfigMapVolume(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** The path a container reads, e.g. {@code /etc/recoflow/serving.json}. */
    public Path file(String key) {
        return dir.resolve(key);
    }

    /** Publishes a whole new set of keys (the kubelet always swaps all of them at once). */
    public synchronized void write(Map<String, String> files) {
        try {
            Path next = Files.createDirectory(dir.resolve("..2026_12_01_00_00_00." + (++generation)));
            for (Map.Entry<String, String> f : files.entrySet()) {
                Files.writeString(next.resolve(f.getKey()), f.getValue());
            }
            Path tmp = Files.createSymbolicLink(dir.resolve("..data_tmp"), next.getFileName());
            Files.move(tmp, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            for (String key : files.keySet()) {
                Path link = dir.resolve(key);
                if (!Files.isSymbolicLink(link)) {
                    Files.createSymbolicLink(link, Path.of("..data", key));
                }
            }
            if (current != null) {
                delete(current);
            }
            current = next;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path p) throws IOException {
        try (Stream<Path> all = Files.walk(p)) {
            for (Path x : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }
}
