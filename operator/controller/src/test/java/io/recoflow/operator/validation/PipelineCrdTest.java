package io.recoflow.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.recoflow.common.contract.FeatureSettings;
import io.recoflow.operator.api.pipeline.FeaturePipeline;
import io.recoflow.operator.api.pipeline.FeaturePipelineSpec;
import io.recoflow.operator.pipeline.DesiredTopic;
import io.recoflow.operator.pipeline.ScalerRenderer;
import io.recoflow.operator.pipeline.StrimziRenderer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a FeaturePipeline renders for other projects' controllers, against their own CRDs (../shared/crds/third-party:
 * KEDA 2.20.2's ScaledObject, Strimzi 1.2.0's KafkaTopic), and the pipeline CRD's feature bounds against the ones
 * the worker enforces ({@link FeatureSettings}).
 */
class PipelineCrdTest {
    static final Path THIRD_PARTY = CrdRulesEvaluationTest.ROOT.resolve("../shared/crds/third-party");
    static CrdValidator keda;
    static CrdValidator strimzi;

    @BeforeAll
    static void load() throws IOException {
        keda = CrdValidator.load(THIRD_PARTY.resolve("keda/keda.sh_scaledobjects.yaml"));
        strimzi = CrdValidator.load(THIRD_PARTY.resolve("strimzi/043-Crd-kafkatopic.yaml"));
    }

    static FeaturePipeline example() throws IOException {
        FeaturePipeline fp = Serialization.unmarshal(Files.readString(CrdRulesEvaluationTest.ROOT
                .resolve("examples/pipeline.yaml")), FeaturePipeline.class);
        fp.getMetadata().setNamespace("recs");
        fp.getMetadata().setUid("b1946ac9-2a6f-4c4f-9d0e-4f2a9b1c0d11");
        return fp;
    }

    /** Metadata emptied: the API server validates it as ObjectMeta whatever a CRD says (SparkApplicationCrdTest). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> json(HasMetadata r) {
        Map<String, Object> m = Serialization.unmarshal(Serialization.asJson(r), Map.class);
        m.put("metadata", Map.of());
        return m;
    }

    @Test
    void theScaledObjectIsAValidKedaObject() throws IOException {
        FeaturePipeline fp = example();
        var so = ScalerRenderer.scaledObject(fp, 12);
        assertThat(keda.validate(json(so), null)).isEmpty();
        assertThat(so.getApiVersion() + "/" + so.getKind()).isEqualTo("keda.sh/v1alpha1/ScaledObject");

        fp.getSpec().worker.autoscaling.targetCPUUtilization = 70;
        assertThat(keda.validate(json(ScalerRenderer.scaledObject(fp, 12)), null)).isEmpty();
    }

    @Test
    void everyKafkaTopicIsAValidStrimziObject() throws IOException {
        FeaturePipeline fp = example();
        fp.getSpec().kafka.topicManagement = FeaturePipelineSpec.TopicManagement.STRIMZI;
        fp.getSpec().kafka.strimziCluster = "events";
        for (DesiredTopic t : DesiredTopic.of(fp)) {
            var kt = StrimziRenderer.generic(StrimziRenderer.render(fp, t));
            assertThat(kt.getApiVersion()).isEqualTo("kafka.strimzi.io/v1");
            assertThat(strimzi.validate(json(kt), null)).as(t.name()).isEmpty();
            assertThat(kt.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", "events");
            // retain must be able to keep them: no garbage collection with the pipeline
            assertThat(kt.getMetadata().getOwnerReferences()).isNullOrEmpty();
        }
    }

    @Test
    void theCrdsFeatureBoundsAreTheWorkers() throws IOException {
        var crd = CrdValidator.load(CrdRulesEvaluationTest.ROOT.resolve("crds/featurepipelines.recoflow.io-v1.yml"));
        JSONSchemaProps features = Serialization.unmarshal(Files.readString(CrdRulesEvaluationTest.ROOT
                .resolve("crds/featurepipelines.recoflow.io-v1.yml")),
                io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition.class)
                .getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema().getProperties().get("spec")
                .getProperties().get("features");
        assertThat(crd).isNotNull();
        var p = features.getProperties();
        assertThat(p.get("recentItemsCap").getMaximum().intValue()).isEqualTo(FeatureSettings.MAX_RECENT_ITEMS);
        assertThat(p.get("covisitWindow").getMaximum().intValue()).isEqualTo(FeatureSettings.MAX_COVISIT_WINDOW);
        assertThat(p.get("covisitCap").getMaximum().intValue()).isEqualTo(FeatureSettings.MAX_COVISIT_CAP);
        assertThat(p.get("popularityWindowsHours").getItems().getSchema().getMaximum().intValue())
                .isEqualTo(FeatureSettings.MAX_WINDOW_HOURS);
        assertThat(p.get("userTtlSeconds").getMinimum().intValue()).isEqualTo(60);
        // and what the worker accepts at the bounds, the CRD accepts
        assertThat(new FeatureSettings(FeatureSettings.MAX_RECENT_ITEMS, 60L, java.util.List.of(1,
                FeatureSettings.MAX_WINDOW_HOURS), FeatureSettings.MAX_COVISIT_WINDOW, FeatureSettings.MAX_COVISIT_CAP)
                .validate()).isEmpty();
    }
}
