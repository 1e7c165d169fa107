package io.recoflow.featureworker;

import static org.assertj.core.api.Assertions.assertThat;

import io.recoflow.common.contract.Serving;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class WorkerPropertiesTest {

    /** The operator renders the same variable for the service and the worker (Serving's contract). */
    @Test
    void theContractsVariableNamesTheExperimentFile() {
        assertThat(bind(Map.of(Serving.ENV_EXPERIMENTS_FILE, Serving.EXPERIMENTS_FILE)).experiments().path())
                .isEqualTo(Path.of("/etc/recoflow/experiment/experiments.yaml"));
        WorkerProperties none = bind(Map.of());
        assertThat(none.experiments().path()).isNull();
        assertThat(none.experiments().pollInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(none.experiments().refreshInterval()).isEqualTo(Duration.ofSeconds(5));
        // the worker's own property still wins
        assertThat(bind(Map.of(Serving.ENV_EXPERIMENTS_FILE, "/a", "recoflow.worker.experiments.file", "/b"))
                .experiments().path()).isEqualTo(Path.of("/b"));
    }

    private static WorkerProperties bind(Map<String, Object> env) {
        StandardEnvironment e = new StandardEnvironment();
        // hermetic: only the given variables, whatever the machine running the test has set
        e.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        e.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        e.getPropertySources().addFirst(new MapPropertySource("test", env));
        e.getPropertySources().addLast(new MapPropertySource("defaults", WorkerApplication.defaults()));
        return Binder.get(e).bindOrCreate("recoflow.worker", WorkerProperties.class);
    }
}
