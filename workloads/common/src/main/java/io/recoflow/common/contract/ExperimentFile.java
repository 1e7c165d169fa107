package io.recoflow.common.contract;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.recoflow.common.MountedFile;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The experiment file ({@link ExperimentConfig}) as last read and accepted, for the workloads that poll it (the
 * recommendation service routes by it, the feature worker counts by it). {@link #reload()} re-reads it when its
 * {@link MountedFile} stamp changed; a file that is not valid YAML/JSON or fails {@link ExperimentConfig#validate()}
 * keeps the previous config, and an absent file means no experiment. Needs jackson-dataformat-yaml and slf4j, which
 * {@code workloads/common} declares optional: the operator only renders the file.
 */
public final class ExperimentFile {
    public enum Reload { UNCHANGED, APPLIED, INVALID, UNREADABLE }

    private static final Logger log = LoggerFactory.getLogger(ExperimentFile.class);
    // YAML is a superset of JSON, so one parser reads the operator's JSON and a hand-written YAML file alike.
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path file;
    private volatile ExperimentConfig config = ExperimentConfig.NONE;
    private String stamp = "";

    public ExperimentFile(Path file) {
        this.file = file;
    }

    public Path path() {
        return file;
    }

    public ExperimentConfig config() {
        return config;
    }

    /** YAML or JSON; empty content is no experiment. */
    public static ExperimentConfig parse(byte[] content) throws IOException {
        return content.length == 0 ? ExperimentConfig.NONE
                : ExperimentConfig.checked(YAML.readValue(content, ExperimentConfig.class));
    }

    /** APPLIED only when the accepted config differs from the current one (a symlink swap to equal content is not). */
    public synchronized Reload reload() {
        MountedFile.Read read = MountedFile.read(file);
        String now = read.stamp();
        if (!read.missing() && read.bytes() == null) {
            log.warn("cannot read experiment file {}: {}", file, now);
            return Reload.UNREADABLE;
        }
        if (now.equals(stamp)) {
            return Reload.UNCHANGED;
        }
        stamp = now; // an invalid content is logged once, not on every poll
        ExperimentConfig next;
        if (read.missing()) {
            next = ExperimentConfig.NONE;
        } else {
            try {
                next = parse(read.bytes());
            } catch (IOException e) {
                log.warn("experiment file {} rejected, keeping the previous config: {}", file, e.getMessage());
                return Reload.INVALID;
            }
        }
        if (next.equals(config)) {
            return Reload.UNCHANGED;
        }
        if (next.experiments().size() > 1) {
            log.warn("experiment file {} has {} experiments; only the first ({}) is used",
                    file, next.experiments().size(), next.first().name());
        }
        config = next;
        return Reload.APPLIED;
    }
}
