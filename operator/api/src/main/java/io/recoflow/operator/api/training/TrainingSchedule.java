package io.recoflow.operator.api.training;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.recoflow.operator.api.RecommendationModel;

/**
 * When and how a RecommendationModel is retrained: a Kubernetes Job per run (on a cron schedule, after enough new
 * events, or when the recent item distribution drifts from the champion's training data) that trains a challenger,
 * gates it offline against the champion and registers it; on success a candidate ModelVersion (and optionally an
 * ABExperiment champion vs challenger) follows.
 */
@Group(RecommendationModel.GROUP)
@Version(RecommendationModel.VERSION)
@ShortNames("ts")
@AdditionalPrinterColumn(name = "Model", jsonPath = ".spec.modelRef", type = Type.STRING)
@AdditionalPrinterColumn(name = "Schedule", jsonPath = ".spec.schedule", type = Type.STRING)
@AdditionalPrinterColumn(name = "Last", jsonPath = ".status.lastRun.result", type = Type.STRING)
@AdditionalPrinterColumn(name = "Challenger", jsonPath = ".status.challengerVersion", type = Type.INTEGER)
// a string: kubectl prints a future date column as <invalid>
@AdditionalPrinterColumn(name = "Next", jsonPath = ".status.nextRun", type = Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class TrainingSchedule extends CustomResource<TrainingScheduleSpec, TrainingScheduleStatus>
        implements Namespaced {

    @Override
    @Required
    public TrainingScheduleSpec getSpec() {
        return super.getSpec();
    }
}
