package io.recoflow.common.kafka;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * A Kafka client-properties file ({@code key=value} lines: {@code security.protocol}, {@code ssl.*},
 * {@code sasl.*}), as the operator mounts it from a Secret at {@link io.recoflow.common.contract.Pipeline#KAFKA_MOUNT}.
 * Every Kafka client of a workload merges it into its own config, so TLS and SASL need no code per client.
 */
public final class ClientProperties {
    private ClientProperties() {}

    /**
     * The file's entries; empty when {@code file} is null or blank (plaintext, today's behaviour).
     *
     * @throws IllegalStateException when a file is named but cannot be read: starting without its TLS/SASL settings
     *     would only fail later, less clearly
     */
    public static Map<String, Object> load(String file) {
        Map<String, Object> out = new TreeMap<>();
        if (file == null || file.isBlank()) {
            return out;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalStateException("Kafka client properties file " + file + " is not readable: " + e, e);
        }
        p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k).trim()));
        return out;
    }
}
