package io.recoflow.operator.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.recoflow.operator.api.spec.Stage;
import io.recoflow.operator.api.spec.Strategy;
import io.recoflow.operator.api.status.ModelPhase;
import io.recoflow.operator.config.Settings;
import io.recoflow.operator.core.Conditions;
import io.recoflow.operator.core.Reason;
import io.recoflow.operator.testing.ApiRequest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The API server refuses an owned object (here the Service: the cluster ran out of service IPs). The refusal is
 * visible where ops look (Ready=False with the API server's words, one Warning event however often it repeats), and
 * the reconcile is retried with backoff for as long as it takes, past the few attempts JOSDK's default allows.
 */
class ApplyFailureTest extends OperatorHarness {
    static final String REFUSAL = "Internal error occurred: failed to allocate a serviceIP: range is full";
    /** JOSDK's default retry gives up after this many retries. */
    static final int JOSDK_DEFAULT_MAX_RETRIES = 5;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Override
    MeterRegistry meters() {
        return registry;
    }

    /** The production backoff (1 s doubling) at a tenth of the pace, so that seven attempts take ~6 s, not 63 s. */
    @Override
    Settings settings() {
        return Settings.forTests().withRetryInterval(Duration.ofMillis(100));
    }

    @Test
    void refusedWriteIsReportedAndRetriedUntilTheApiServerAcceptsIt() throws Exception {
        cluster.fail(r -> r.verb().equals("create") && r.resource().equals("services"), 500, REFUSAL);
        String base = Fixtures.artifact(models, 1, 0.30);
        create(Fixtures.model("retail-recs", Strategy.CANARY, 120));
        create(Fixtures.version("retail-recs", 1, base, Stage.PRODUCTION));

        var rm = await(Duration.ofSeconds(30), () -> rm("retail-recs"), r -> r.getStatus() != null
                && Conditions.hasReason(r.getStatus().conditions, Conditions.READY, Reason.ApplyFailed));
        Condition ready = Conditions.get(rm.getStatus().conditions, Conditions.READY).orElseThrow();
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getMessage()).contains(REFUSAL).contains("HTTP 500");
        assertThat(rm.getStatus().servingVersion).isNull();
        awaitEvent("retail-recs", "Warning", "ApplyFailed");

        // retried beyond what JOSDK's default allows, each attempt one more refused create
        await(Duration.ofSeconds(60), () -> maxRetryNumber() > JOSDK_DEFAULT_MAX_RETRIES
                && serviceCreates() > JOSDK_DEFAULT_MAX_RETRIES + 1, retried -> retried);
        assertThat(client.services().inNamespace(NS).withName("retail-recs").get()).isNull();
        // the same refusal again and again is one Event, not one per attempt
        List<Event> warnings = events("retail-recs").stream().filter(e -> "ApplyFailed".equals(e.getReason()))
                .toList();
        assertThat(warnings).singleElement().satisfies(e -> {
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getMessage()).contains(REFUSAL);
        });

        cluster.clearFaults();
        rm = await(Duration.ofSeconds(90), () -> rm("retail-recs"), r -> r.getStatus().phase == ModelPhase.Serving
                && Conditions.isTrue(r.getStatus().conditions, Conditions.READY));
        assertThat(rm.getStatus().servingVersion).isEqualTo(1L);
        assertThat(client.services().inNamespace(NS).withName("retail-recs").get()).isNotNull();
        awaitEvent("retail-recs", "Normal", "Applied");
        assertThat(events("retail-recs").stream().filter(e -> "ApplyFailed".equals(e.getReason()))).hasSize(1);
    }

    private long serviceCreates() {
        return cluster.requests().stream().map(ApiRequest::rule).filter("/services:create"::equals).count();
    }

    /** The highest retry number JOSDK has started a RecommendationModel reconcile with. */
    private int maxRetryNumber() {
        return registry.find("operator.sdk.reconciliations.started").tag("kind", "RecommendationModel").counters()
                .stream().filter(c -> c.count() > 0)
                .map(Counter::getId).map(id -> id.getTag("reconciliations.retries.number"))
                .filter(n -> n != null).mapToInt(Integer::parseInt).max().orElse(0);
    }
}
