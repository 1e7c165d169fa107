package io.recoflow.operator.training;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.recoflow.operator.api.training.TrainingSchedule;
import io.recoflow.operator.api.training.TrainingScheduleSpec;
import io.recoflow.operator.core.Labels;
import io.recoflow.operator.core.Owners;
import io.recoflow.operator.core.PodSecurity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Job of one training run (engine jvm): the trainer image running {@code retrain} with the run's version.
 * restartPolicy Never and the schedule's backoffLimit: a failed attempt is a new pod, and Kubernetes retries it; a
 * failed gate exits 0 (an answer, not an error), so it is never retried.
 */
public final class JobRenderer {
    public static final String SCHEDULE_LABEL = "recoflow.io/training-schedule";
    public static final String VERSION_LABEL = "recoflow.io/training-version";
    public static final String RESULT_PATH = "/dev/termination-log";

    private JobRenderer() {}

    public static String name(TrainingSchedule ts, long version) {
        return ts.getMetadata().getName() + "-" + version;
    }

    /** The trainer's retrain contract (see the trainer's TrainerMain retrain). */
    public static List<String> args(TrainingSchedule ts, String model, long version) {
        TrainingScheduleSpec.Trainer t = ts.getSpec().trainer;
        List<String> a = new ArrayList<>(List.of("retrain",
                "--data", t.data,
                "--model", t.model,
                "--out", t.output,
                "--version", Long.toString(version),
                "--registry", ts.getSpec().registry,
                "--name", ts.getSpec().registeredModel != null ? ts.getSpec().registeredModel : model,
                "--champion-alias", "champion",
                "--challenger-alias", "challenger",
                "--min-ndcg-gain", Double.toString(ts.getSpec().gate == null || ts.getSpec().gate.minNdcgGain == null
                        ? 0.0 : ts.getSpec().gate.minNdcgGain),
                "--result", RESULT_PATH));
        if (t.args != null) {
            a.addAll(t.args);
        }
        return a;
    }

    public static Map<String, String> labels(TrainingSchedule ts, long version) {
        Map<String, String> l = new LinkedHashMap<>(Labels.of(ts, "training-run", "trainer"));
        l.put(SCHEDULE_LABEL, ts.getMetadata().getName());
        l.put(VERSION_LABEL, Long.toString(version));
        return l;
    }

    static List<io.fabric8.kubernetes.api.model.VolumeMount> mounts(TrainingScheduleSpec.Trainer t) {
        List<io.fabric8.kubernetes.api.model.VolumeMount> out = new ArrayList<>();
        if (t.volumes != null) {
            for (int i = 0; i < t.volumes.size(); i++) {
                var m = t.volumes.get(i);
                out.add(new io.fabric8.kubernetes.api.model.VolumeMountBuilder().withName("store-" + i)
                        .withMountPath(m.mountPath).withReadOnly(Boolean.TRUE.equals(m.readOnly)).build());
            }
        }
        return out;
    }

    static List<io.fabric8.kubernetes.api.model.Volume> volumes(TrainingScheduleSpec.Trainer t) {
        List<io.fabric8.kubernetes.api.model.Volume> out = new ArrayList<>();
        if (t.volumes != null) {
            for (int i = 0; i < t.volumes.size(); i++) {
                var m = t.volumes.get(i);
                out.add(new io.fabric8.kubernetes.api.model.VolumeBuilder().withName("store-" + i)
                        .withNewPersistentVolumeClaim().withClaimName(m.claimName)
                        .withReadOnly(Boolean.TRUE.equals(m.readOnly)).endPersistentVolumeClaim().build());
            }
        }
        return out;
    }

    public static Job render(TrainingSchedule ts, String model, long version) {
        TrainingScheduleSpec s = ts.getSpec();
        var resources = s.trainer.resources != null ? s.trainer.resources : new ResourceRequirementsBuilder()
                .addToRequests("cpu", new Quantity("1"))
                .addToRequests("memory", new Quantity("2Gi"))
                .addToLimits("memory", new Quantity("4Gi"))
                .build();
        var container = new ContainerBuilder()
                .withName("trainer")
                .withImage(s.trainer.image)
                .withArgs(args(ts, model, version))
                .withResources(resources)
                // the result JSON: Kubernetes copies the file into the terminated state's message
                .withTerminationMessagePath(RESULT_PATH)
                .withTerminationMessagePolicy("File")
                .withVolumeMounts(mounts(s.trainer))
                // the trainer writes its SavedModel export's scratch files under /tmp: no read-only root
                .withSecurityContext(PodSecurity.container(false))
                .build();
        return new JobBuilder()
                .withMetadata(Owners.meta(ts, name(ts, version), labels(ts, version)))
                .withNewSpec()
                    .withBackoffLimit(s.backoffLimit == null ? 2 : s.backoffLimit)
                    .withNewTemplate()
                        .withNewMetadata().withLabels(labels(ts, version)).endMetadata()
                        .withNewSpec()
                            .withRestartPolicy("Never")
                            .withAutomountServiceAccountToken(false)
                            .withSecurityContext(PodSecurity.pod())
                            .withContainers(container)
                            .withVolumes(volumes(s.trainer))
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
    }
}
