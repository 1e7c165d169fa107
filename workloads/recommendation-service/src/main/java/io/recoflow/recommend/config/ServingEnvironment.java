package io.recoflow.recommend.config;

import io.recoflow.common.contract.Serving;
import io.recoflow.recommend.RecommendApplication;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * Maps the environment the operator renders ({@link Serving}'s {@code RECOFLOW_*} names) onto this service's
 * properties, so a pod with exactly that environment works. Compiling against the contract's constants means a
 * renamed variable breaks the build instead of silently being ignored.
 *
 * <p>The mapped values rank just above the OS environment: command-line arguments and test properties still win, and
 * without these variables the local defaults of {@code recommendation-service.yml} apply (API and actuator on 8082).
 * Only the recommendation service's own application is touched ({@code spring.config.name}): in e2e the collector
 * and the feature worker run in the same JVM and see the same {@code spring.factories}.
 */
public class ServingEnvironment implements EnvironmentPostProcessor, Ordered {
    public static final String SOURCE = "recoflowServingEnvironment";

    /** Contract variable -> property, in the order they are documented. */
    static final Map<String, String> PROPERTIES = properties();
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");

    private static Map<String, String> properties() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(Serving.ENV_HTTP_PORT, "server.port");
        m.put(Serving.ENV_MANAGEMENT_PORT, "management.server.port");
        m.put(Serving.ENV_RUNTIME, "recoflow.recommend.serving.runtime");
        m.put(Serving.ENV_SERVING_FILE, "recoflow.recommend.serving.file");
        m.put(Serving.ENV_MODEL_BASE_PATH, "recoflow.recommend.model.base-dir");
        m.put(Serving.ENV_MODEL_NAME, "recoflow.recommend.model.tf-serving-model-name");
        m.put(Serving.ENV_TF_SERVING_URL, "recoflow.recommend.model.tf-serving-url");
        m.put(Serving.ENV_EXPERIMENTS_FILE, "recoflow.recommend.experiments.file");
        return Map.copyOf(m);
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        if (!RecommendApplication.CONFIG_NAME.equals(env.getProperty("spring.config.name"))) {
            return;
        }
        Map<String, Object> mapped = new LinkedHashMap<>();
        PROPERTIES.forEach((name, property) -> {
            String value = env.getProperty(name);
            if (value != null && !value.isBlank()) {
                mapped.put(property, convert(name, value.trim()));
            }
        });
        if (mapped.isEmpty()) {
            return;
        }
        MapPropertySource source = new MapPropertySource(SOURCE, mapped);
        if (env.getPropertySources().contains(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME)) {
            env.getPropertySources().addBefore(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, source);
        } else {
            env.getPropertySources().addLast(source);
        }
    }

    static String convert(String name, String value) {
        if (name.equals(Serving.ENV_MODEL_BASE_PATH)) {
            return localPath(value);
        }
        if (name.equals(Serving.ENV_RUNTIME) && !value.equals(Serving.RUNTIME_EMBEDDED)
                && !value.equals(Serving.RUNTIME_TF_SERVING)) {
            throw new IllegalStateException(Serving.ENV_RUNTIME + " must be " + Serving.RUNTIME_EMBEDDED + " or "
                    + Serving.RUNTIME_TF_SERVING + ", not '" + value + "'");
        }
        return value;
    }

    /** A plain path or a {@code file:} URI; any other scheme (s3://...) has to be synced to a local directory first. */
    static String localPath(String value) {
        if (value.startsWith("file:")) {
            return Path.of(URI.create(value)).toString();
        }
        if (SCHEME.matcher(value).find()) {
            throw new IllegalStateException(Serving.ENV_MODEL_BASE_PATH
                    + " must be a local directory or a file:// URI (the service reads models from its filesystem), not "
                    + value);
        }
        return value;
    }

    /** After the config files are read, so {@code spring.config.name} from any source is known. */
    @Override
    public int getOrder() {
        return ConfigDataEnvironmentPostProcessor.ORDER + 1;
    }
}
