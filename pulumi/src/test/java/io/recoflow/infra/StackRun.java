package io.recoflow.infra;

import com.pulumi.resources.Resource;
import com.pulumi.test.PulumiTest;
import com.pulumi.test.TestOptions;
import io.recoflow.infra.aws.AwsStack;
import io.recoflow.infra.azure.AzureStack;
import io.recoflow.infra.config.AwsSettings;
import io.recoflow.infra.config.AzureSettings;
import io.recoflow.infra.config.ConfigSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One mocked `pulumi up` of a stack, configured from the committed pulumi/&lt;cloud&gt;/Pulumi.&lt;stack&gt;.yaml.
 * Runs are cached per (cloud, stack, overrides): the Pulumi test runtime is a process-wide singleton and a run
 * takes ~1 s, so every test class shares them.
 */
record StackRun(String cloud, String stack, List<RecordingMocks.Recorded> resources, List<Resource> objects,
                Map<String, Object> outputs, Set<String> secretOutputs, List<String> calls) {
    static final List<String> STACKS = List.of("dev", "staging", "prod");
    private static final Map<String, StackRun> CACHE = new ConcurrentHashMap<>();

    static Path projectDir(String cloud) {
        var dir = Path.of(cloud);  // surefire runs in the module directory (pulumi/)
        if (!Files.isDirectory(dir)) throw new IllegalStateException("no Pulumi project dir " + dir.toAbsolutePath());
        return dir;
    }

    static ConfigSource config(String cloud, String stack) {
        return ConfigSource.fromStackFile(projectDir(cloud).resolve("Pulumi." + stack + ".yaml"));
    }

    static AwsSettings awsSettings(String stack) {
        return AwsSettings.of(config("aws", stack));
    }

    static AzureSettings azureSettings(String stack) {
        return AzureSettings.of(config("azure", stack));
    }

    static StackRun aws(String stack, Map<String, String> overrides) {
        return CACHE.computeIfAbsent("aws/" + stack + overrides, k ->
                run("aws", stack, App.AWS_PROJECT, ctx -> AwsStack.define(ctx,
                        AwsSettings.of(config("aws", stack).with(overrides)), Optional.empty())));
    }

    static StackRun aws(String stack) {
        return aws(stack, Map.of());
    }

    static StackRun azure(String stack) {
        return azure(stack, Map.of());
    }

    static StackRun azure(String stack, Map<String, String> overrides) {
        return CACHE.computeIfAbsent("azure/" + stack + overrides, k ->
                run("azure", stack, App.AZURE_PROJECT, ctx -> AzureStack.define(ctx,
                        AzureSettings.of(config("azure", stack).with(overrides)), List.of("198.51.100.7"))));
    }

    private static synchronized StackRun run(String cloud, String stack, String project, java.util.function.Consumer<com.pulumi.Context> program) {
        var mocks = new RecordingMocks();
        try {
            var result = PulumiTest.withMocks(mocks)
                    .withOptions(TestOptions.builder().projectName(project).stackName(stack).build())
                    .runTest(program)
                    .throwOnError();
            var outputs = new LinkedHashMap<String, Object>();
            var secrets = new TreeSet<String>();
            result.outputs().forEach((name, out) -> {
                outputs.put(name, PulumiTest.extractValue(out));
                if (com.pulumi.core.internal.Internal.of(out).isSecret().join()) secrets.add(name);
            });
            return new StackRun(cloud, stack, List.copyOf(mocks.resources), List.copyOf(result.resources()),
                    outputs, Set.copyOf(secrets), List.copyOf(mocks.calls));
        } finally {
            PulumiTest.cleanup();
        }
    }

    List<RecordingMocks.Recorded> ofType(String type) {
        return resources.stream().filter(r -> r.type().equals(type)).toList();
    }

    RecordingMocks.Recorded one(String type) {
        var all = ofType(type);
        if (all.size() != 1) throw new AssertionError("expected one " + type + " but found " + all.size());
        return all.get(0);
    }

    RecordingMocks.Recorded named(String type, String name) {
        return ofType(type).stream().filter(r -> r.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " named " + name));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : new HashMap<>();
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        return o instanceof List<?> l ? (List<Object>) l : List.of();
    }

    /** Walks a path like "vpcConfig.subnetIds" through nested input maps. */
    static Object at(Map<String, Object> inputs, String path) {
        Object cur = inputs;
        for (var key : path.split("\\.")) {
            cur = map(cur).get(key);
            if (cur == null) return null;
        }
        return cur;
    }
}
