package io.recoflow.operator.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.recoflow.operator.testing.FakeJobRunner;
import io.recoflow.common.ModelMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SIMULATED trainer of step 6: {@link FakeJobRunner} stands in for the Job controller and the kubelet, and each
 * training Job's pod ends, {@link #TRAINING} of demo clock after the Job appeared, with exit 0 and the result JSON
 * that the trainer's {@code retrain} writes to {@code /dev/termination-log}: same fields, field order and message
 * wording (workloads/trainer Retrain), figures made up. Nothing is trained or registered; for a challenger that
 * passes, a stand-in SavedModel (a stub graph and a real metadata.json) is written to a {@code file:} output, as the
 * trainer exports before it registers, so that the operator resolves the challenger's ModelVersion. The first run's
 * challenger fails the gate, every later one passes it. e2e's TrainingE2ETest runs the real trainer as the Job.
 */
final class FakeTrainer implements AutoCloseable {
    static final String E2E = "e2e's TrainingE2ETest";
    /** How long a simulated run takes: long enough to see it Running. */
    static final Duration TRAINING = Duration.ofMinutes(3);
    /** The champion: the registry version the alias champion points at, and its held-out figures. */
    static final String CHAMPION_REGISTRY_VERSION = "3";
    static final double CHAMPION_NDCG = 0.2950;
    static final double CHAMPION_RECALL = 0.0761;
    static final int USERS = 1002;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One made-up evaluation: the challenger's figures, the paired gain and its 95 % interval. */
    record Figures(double ndcg, double recall, double gain, double lo, double hi) {}

    static final Figures FAILS = new Figures(0.2968, 0.0766, 0.0018, -0.0029, 0.0066);
    static final Figures PASSES = new Figures(0.3041, 0.0802, 0.0091, 0.0043, 0.0140);

    private final Clock clock;
    private final FakeJobRunner runner;
    /** When each Job was first seen, on the demo clock, in order. */
    private final Map<String, Instant> seen = new ConcurrentHashMap<>();
    private final Map<String, Integer> ordinal = new ConcurrentHashMap<>();

    FakeTrainer(KubernetesClient client, Clock clock) {
        this.clock = clock;
        this.runner = new FakeJobRunner(client).runs(this::run);
    }

    FakeTrainer start() {
        runner.start(100);
        return this;
    }

    private FakeJobRunner.Exit run(Job j) {
        String name = j.getMetadata().getName();
        Instant first = seen.computeIfAbsent(name, n -> {
            ordinal.put(n, ordinal.size());
            return clock.instant();
        });
        if (clock.instant().isBefore(first.plus(TRAINING))) {
            return null;
        }
        List<String> args = j.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
        Figures f = ordinal.get(name) == 0 ? FAILS : PASSES;
        if (passes(args, f)) {
            export(args, f);
        }
        return new FakeJobRunner.Exit(0, result(args, f));
    }

    private static boolean passes(List<String> args, Figures f) {
        return f.gain() >= Double.parseDouble(arg(args, "--min-ndcg-gain")) && f.lo() > 0;
    }

    /** The stand-in SavedModel at BASE/VERSION of a file: --out (the tests' fixture artifacts are the same). */
    private static void export(List<String> args, Figures f) {
        String out = arg(args, "--out");
        if (!out.startsWith("file:")) {
            return;
        }
        long version = Long.parseLong(arg(args, "--version"));
        String[] spec = arg(args, "--model").split(":", 2);
        Map<String, Object> params = new LinkedHashMap<>();
        if (spec.length > 1) {
            for (String kv : spec[1].split(",")) {
                String[] p = kv.split("=", 2);
                params.put(p[0], p.length > 1 ? p[1] : "");
            }
        }
        Path dir = Path.of(URI.create(out)).resolve(Long.toString(version));
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve("saved_model.pb"), new byte[] {0x08, 0x01});
            new ModelMetadata(spec[0], version, params, "0".repeat(64), List.of("85123A", "22423", "47566"), false,
                    metrics(f.ndcg(), f.recall()), Instant.now()).write(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The result JSON the trainer writes for these retrain arguments and figures. */
    static String result(List<String> args, Figures f) {
        String name = arg(args, "--name");
        double minGain = Double.parseDouble(arg(args, "--min-ndcg-gain"));
        long version = Long.parseLong(arg(args, "--version"));
        boolean enough = f.gain() >= minGain;
        boolean passed = passes(args, f);
        String verdict = String.format(Locale.ROOT, "champion = %s version %s (%s): ndcg@%d %.4f vs %.4f, gain %+.4f "
                + "%s %.4f, 95 %% paired bootstrap interval [%+.4f, %+.4f] %s (%,d users, %s)", name,
                CHAMPION_REGISTRY_VERSION, "ease", 10, f.ndcg(), CHAMPION_NDCG, f.gain(), enough ? ">=" : "<", minGain,
                f.lo(), f.hi(), f.lo() > 0 ? "above 0" : "not above 0", USERS, "all purchases");
        String registry = String.valueOf(Integer.parseInt(CHAMPION_REGISTRY_VERSION) + 1);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("result", passed ? "registered" : "gateFailed");
        r.put("version", version);
        r.put("registryVersion", passed ? registry : null);
        r.put("challenger", metrics(f.ndcg(), f.recall()));
        r.put("champion", metrics(CHAMPION_NDCG, CHAMPION_RECALL));
        r.put("gain", f.gain());
        r.put("interval", List.of(f.lo(), f.hi()));
        r.put("message", passed ? String.format("registered %s version %s (%s), alias challenger -> %s: %s", name,
                registry, dir(arg(args, "--out"), version), registry, verdict) : "gate failed, nothing registered: "
                + verdict);
        try {
            return JSON.writeValueAsString(r);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where the trainer exports the version, as it prints it: BASE/VERSION, a file: URI as its path. */
    private static String dir(String out, long version) {
        Path base = out.startsWith("file:") ? Path.of(URI.create(out)) : Path.of(out);
        return base.resolve(Long.toString(version)).toString();
    }

    private static Map<String, Double> metrics(double ndcg, double recall) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("ndcg@10", ndcg);
        m.put("recall@20", recall);
        return m;
    }

    private static String arg(List<String> args, String flag) {
        int i = args.indexOf(flag);
        if (i < 0 || i + 1 >= args.size()) {
            throw new IllegalArgumentException("the training Job has no " + flag + ": " + args);
        }
        return args.get(i + 1);
    }

    @Override
    public void close() {
        runner.close();
    }
}
