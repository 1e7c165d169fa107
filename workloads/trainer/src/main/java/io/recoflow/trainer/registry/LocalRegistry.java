package io.recoflow.trainer.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.recoflow.common.Json;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A model registry in a directory: {@code DIR/<model>/registry.json} holds the versions and aliases. Writes take a file
 * lock and replace the file atomically, so concurrent trainers on one file system cannot lose a version.
 */
public final class LocalRegistry implements ModelRegistry {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final ObjectMapper JSON = Json.mapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path root;

    /** File content. */
    record State(List<Entry> versions, Map<String, String> aliases) {}

    record Entry(String version, String source, String runId, Map<String, String> params, Map<String, Double> metrics,
            String createdAt) {}

    public LocalRegistry(Path root) {
        this.root = root;
    }

    @Override
    public Version register(String model, String source, Map<String, String> params, Map<String, Double> metrics)
            throws IOException {
        return update(model, s -> {
            String v = Integer.toString(s.versions().size() + 1);
            Entry e = new Entry(v, source, "local-" + v, new LinkedHashMap<>(params), new LinkedHashMap<>(metrics),
                    java.time.Instant.now().toString());
            s.versions().add(e);
            return toVersion(model, e, s);
        });
    }

    @Override
    public void setAlias(String model, String alias, String version) throws IOException {
        if (!NAME.matcher(alias).matches()) {
            throw new IllegalArgumentException("bad alias '" + alias + "'");
        }
        update(model, s -> {
            if (s.versions().stream().noneMatch(e -> e.version().equals(version))) {
                throw new IllegalArgumentException(model + " has no version " + version);
            }
            s.aliases().put(alias, version);
            return null;
        });
    }

    @Override
    public Optional<Version> byAlias(String model, String alias) throws IOException {
        State s = read(model);
        String v = s.aliases().get(alias);
        return v == null ? Optional.empty() : version(model, v);
    }

    @Override
    public Optional<Version> version(String model, String version) throws IOException {
        State s = read(model);
        return s.versions().stream().filter(e -> e.version().equals(version)).findFirst()
                .map(e -> toVersion(model, e, s));
    }

    public List<Version> versions(String model) throws IOException {
        State s = read(model);
        return s.versions().stream().map(e -> toVersion(model, e, s)).toList();
    }

    private static Version toVersion(String model, Entry e, State s) {
        List<String> aliases = s.aliases().entrySet().stream().filter(a -> a.getValue().equals(e.version()))
                .map(Map.Entry::getKey).sorted().toList();
        return new Version(model, e.version(), e.source(), e.runId(), Map.copyOf(e.params()),
                Map.copyOf(e.metrics()), aliases);
    }

    private Path file(String model) {
        if (!NAME.matcher(model).matches()) {
            throw new IllegalArgumentException("bad model name '" + model + "'");
        }
        return root.resolve(model).resolve("registry.json");
    }

    private State read(String model) throws IOException {
        Path f = file(model);
        if (!Files.exists(f)) {
            return new State(new ArrayList<>(), new LinkedHashMap<>());
        }
        State s = JSON.readValue(f.toFile(), State.class);
        return new State(new ArrayList<>(s.versions()), new LinkedHashMap<>(s.aliases()));
    }

    private interface Change<T> {
        T apply(State s);
    }

    private <T> T update(String model, Change<T> change) throws IOException {
        Path f = file(model);
        Files.createDirectories(f.getParent());
        try (FileChannel lockFile = FileChannel.open(f.resolveSibling(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
                FileLock lock = lockFile.lock()) {
            State s = read(model);
            T out = change.apply(s);
            Path tmp = Files.createTempFile(f.getParent(), ".registry", ".json");
            JSON.writeValue(tmp.toFile(), s);
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return out;
        }
    }
}
