package io.recoflow.operator.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.recoflow.operator.api.ModelVersion;
import io.recoflow.operator.api.spec.Stage;
import io.recoflow.operator.api.spec.Strategy;
import io.recoflow.operator.api.status.ModelPhase;
import io.recoflow.operator.api.status.VersionPhase;
import io.recoflow.operator.core.Conditions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A ModelVersion's message follows its phase: once another version has taken over, the one that served says so
 * (ready, archived) instead of still saying "serving" or "rolling out".
 */
class VersionMessageTest extends OperatorHarness {

    @Test
    void replacedVersionNoLongerSaysItServes() throws Exception {
        String base = Fixtures.artifact(models, 1, 0.30);
        Fixtures.artifact(models, 2, 0.34);
        create(Fixtures.model("retail-recs", Strategy.CANARY, 600));
        create(Fixtures.version("retail-recs", 1, base, Stage.PRODUCTION));
        create(Fixtures.version("retail-recs", 2, base, Stage.CANDIDATE));
        await(Duration.ofSeconds(30), () -> rm("retail-recs"), r -> r.getStatus() != null
                && r.getStatus().phase == ModelPhase.Serving && Long.valueOf(1).equals(r.getStatus().servingVersion));
        ModelVersion v1 = await(Duration.ofSeconds(30), () -> mv("retail-recs-v1"),
                m -> m.getStatus() != null && m.getStatus().phase == VersionPhase.Serving);
        assertThat(v1.getStatus().message).contains("serving");

        promote("retail-recs-v2");
        await(Duration.ofSeconds(30), () -> mv("retail-recs-v2"), m -> m.getStatus().phase == VersionPhase.RollingOut
                && m.getStatus().message.contains("rolling out"));
        // through the canary steps (10% 60 s, 50% 60 s, 100% 30 s) to Serving
        advanceUntil(Duration.ofSeconds(2), Duration.ofSeconds(600), () -> {
            var r = rm("retail-recs");
            return r.getStatus().phase == ModelPhase.Serving && Long.valueOf(2).equals(r.getStatus().servingVersion);
        });
        await(Duration.ofSeconds(30), () -> rm("retail-recs"),
                r -> Conditions.isTrue(r.getStatus().conditions, Conditions.READY));

        ModelVersion v2 = await(Duration.ofSeconds(30), () -> mv("retail-recs-v2"),
                m -> m.getStatus().phase == VersionPhase.Serving);
        assertThat(v2.getStatus().message).isEqualTo("version 2 is serving");
        assertThat(Conditions.get(v2.getStatus().conditions, Conditions.READY).orElseThrow().getMessage())
                .isEqualTo("version 2 is serving");
        // v1 still says production in Git (not re-staged yet): the newer production version won
        v1 = await(Duration.ofSeconds(30), () -> mv("retail-recs-v1"), m -> m.getStatus().phase == VersionPhase.Ready);
        assertNotServing(v1);

        client.resources(ModelVersion.class).inNamespace(NS).withName("retail-recs-v1").edit(mv -> {
            mv.getSpec().stage = Stage.ARCHIVED;
            return mv;
        });
        v1 = await(Duration.ofSeconds(30), () -> mv("retail-recs-v1"),
                m -> m.getStatus().phase == VersionPhase.Archived);
        assertNotServing(v1);
        assertThat(v1.getStatus().message).contains("archived");
        assertThat(mv("retail-recs-v2").getStatus().message).isEqualTo("version 2 is serving");
    }

    private static void assertNotServing(ModelVersion mv) {
        assertThat(mv.getStatus().message).doesNotContain("serving").doesNotContain("rolling out");
        assertThat(Conditions.get(mv.getStatus().conditions, Conditions.READY).orElseThrow().getMessage())
                .doesNotContain("serving").doesNotContain("rolling out");
    }
}
