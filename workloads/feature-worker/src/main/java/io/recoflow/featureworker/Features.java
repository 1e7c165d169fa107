package io.recoflow.featureworker;

import io.recoflow.common.contract.FeatureSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The feature settings ({@code recoflow.worker.features-file}, {@link FeatureSettings}), read once at start. Not
 * polled: a change of caps or TTLs mid-stream would apply two rules to one user's keys at once, and the operator
 * rolls the worker when the settings ConfigMap's hash changes, which also re-reads them on every replica together.
 * A file that is named but missing, unreadable or invalid stops the start with the reason: a worker applying the
 * built-in defaults instead would write features the pipeline did not ask for.
 */
@Configuration
class Features {
    private static final Logger log = LoggerFactory.getLogger(Features.class);

    @Bean
    FeatureSettings featureSettings(WorkerProperties props) {
        FeatureSettings s = load(props.featuresFile());
        log.info("event=features_loaded file={} settings={}", props.featuresFile(), s.toJson().replaceAll("\\s+", ""));
        return s;
    }

    /** The settings in {@code file}, or the defaults when none is named. */
    static FeatureSettings load(String file) {
        if (file == null || file.isBlank()) {
            return FeatureSettings.DEFAULTS;
        }
        String json;
        try {
            json = Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("features file " + file + " does not exist");
        } catch (IOException e) {
            throw new IllegalStateException("features file " + file + " is not readable: " + e);
        }
        FeatureSettings s;
        try {
            s = json.isBlank() ? FeatureSettings.DEFAULTS : FeatureSettings.parse(json);
        } catch (IOException e) {
            throw new IllegalStateException("features file " + file + " is not a feature settings JSON ("
                    + e.getClass().getSimpleName() + ")");
        }
        List<String> problems = s.validate();
        if (!problems.isEmpty()) {
            throw new IllegalStateException("features file " + file + " is invalid: " + String.join("; ", problems));
        }
        return s;
    }
}
