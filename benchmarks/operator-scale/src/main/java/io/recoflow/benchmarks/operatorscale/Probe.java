package io.recoflow.benchmarks.operatorscale;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.recoflow.operator.api.RecommendationModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Latency of the mock API server per request kind, one request at a time from this JVM's client, with the server
 * threads' CPU per request. ConfigMaps in their own namespace without the operator's label, so no informer of the
 * operator receives these writes; the two LISTs are the ones the scale brings: all RMs (the driver's or a
 * kubectl's view) and all managed Deployments (one tick of the tests' polling FakeKubelet).
 */
final class Probe {
    private Probe() {}

    static Map<String, Object> run(KubernetesClient client, int reps) {
        Map<String, Object> out = new LinkedHashMap<>();
        List<ConfigMap> made = new ArrayList<>();
        String ns = ScaleBenchmark.PROBE_NS;
        String run = Long.toString(System.nanoTime(), 36);
        out.put("create ConfigMap", time(reps, i -> {
            made.add(client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata()
                    .withName("probe-" + run + "-" + i).endMetadata().addToData("k", "v" + i).build()).create());
            return 1;
        }));
        out.put("get ConfigMap", time(reps, i -> {
            client.configMaps().inNamespace(ns).withName(made.get(i).getMetadata().getName()).get();
            return 1;
        }));
        out.put("update ConfigMap", time(reps, i -> {
            ConfigMap cm = made.get(i);
            cm.getData().put("k", "w" + i);
            made.set(i, client.configMaps().inNamespace(ns).resource(cm).update());
            return 1;
        }));
        out.put("delete ConfigMap", time(reps, i -> {
            client.configMaps().inNamespace(ns).withName(made.get(i).getMetadata().getName()).delete();
            return 1;
        }));
        int lists = Math.max(5, reps / 20);
        out.put("list RecommendationModels (all)", time(lists, i -> client.resources(RecommendationModel.class)
                .inNamespace(ScaleBenchmark.NS).list().getItems().size()));
        out.put("list managed Deployments (FakeKubelet tick)", time(lists, i -> client.apps().deployments()
                .inAnyNamespace().withLabel(ScaleBenchmark.MANAGED, "recoflow-operator").list().getItems().size()));
        return out;
    }

    interface Op {
        int call(int i);
    }

    private static Map<String, Object> time(int reps, Op op) {
        double[] ms = new double[reps];
        int items = 0;
        ThreadCpu.Mark a = ThreadCpu.self();
        for (int i = 0; i < reps; i++) {
            long t = System.nanoTime();
            items = op.call(i);
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        double mockCpu = ThreadCpu.between(a, ThreadCpu.self(), List.of(ThreadCpu.MOCK)).get(ThreadCpu.MOCK);
        Arrays.sort(ms);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("requests", reps);
        m.put("items", items);
        m.put("p50_ms", ScaleBenchmark.round(ms[(int) Math.ceil(0.5 * reps) - 1], 2));
        m.put("p99_ms", ScaleBenchmark.round(ms[(int) Math.ceil(0.99 * reps) - 1], 2));
        m.put("mean_ms", ScaleBenchmark.round(Arrays.stream(ms).average().orElse(Double.NaN), 2));
        m.put("mock_cpu_ms_per_request", ScaleBenchmark.round(1000 * mockCpu / reps, 2));
        return m;
    }
}
