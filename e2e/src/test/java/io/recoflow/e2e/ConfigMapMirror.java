package io.recoflow.e2e;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.recoflow.recommend.ConfigMapVolume;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The part of the kubelet that {@code FakeKubelet} leaves out: ConfigMaps of the mock API server shown as
 * ConfigMap volumes ({@link ConfigMapVolume}: {@code ..data} symlink swap) that the in-JVM apps read, re-synced
 * every 100 ms, and a pod's environment built from a Deployment's template with each mount path moved to its
 * volume's directory.
 */
final class ConfigMapMirror implements AutoCloseable {
    private final KubernetesClient client;
    private final List<Mount> mounts = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "configmap-mirror");
        t.setDaemon(true);
        return t;
    });

    ConfigMapMirror(KubernetesClient client) {
        this.client = client;
        timer.scheduleWithFixedDelay(this::tick, 0, 100, TimeUnit.MILLISECONDS);
    }

    /** One volume showing ConfigMap namespace/name; {@link #follow} points it at another (a re-deployed app). */
    final class Mount {
        final ConfigMapVolume volume;
        private volatile String namespace;
        private volatile String name;
        private Map<String, String> shown;

        private Mount(ConfigMapVolume volume, String namespace, String name) {
            this.volume = volume;
            this.namespace = namespace;
            this.name = name;
        }

        Path file(String key) {
            return volume.file(key);
        }

        synchronized void follow(String namespace, String name) {
            this.namespace = namespace;
            this.name = name;
            sync();
        }

        /** Whether the directory shows what the API server has now (an absent ConfigMap: nothing to show). */
        synchronized boolean current() {
            ConfigMap cm = client.configMaps().inNamespace(namespace).withName(name).get();
            return cm == null || Objects.equals(data(cm), shown);
        }

        synchronized void sync() {
            ConfigMap cm = client.configMaps().inNamespace(namespace).withName(name).get();
            if (cm == null) {
                return; // optional volume: the pod starts with an empty directory; a deleted one keeps the last
            }
            Map<String, String> data = data(cm);
            if (!data.equals(shown)) {
                volume.write(data);
                shown = data;
            }
        }
    }

    Mount mount(Path dir, String namespace, String name) throws IOException {
        Mount m = new Mount(new ConfigMapVolume(Files.createDirectories(dir)), namespace, name);
        m.sync();
        mounts.add(m);
        return m;
    }

    /** A pod of a Deployment: its first container's environment and its ConfigMap volumes. */
    record Pod(Map<String, String> env, List<Mount> mounts) {}

    /**
     * The first container's environment, each value under a ConfigMap volume's mount path moved to a directory
     * under {@code root} that mirrors that ConfigMap (the longest mount path wins, as nested mounts do).
     */
    Pod pod(Deployment d, Path root) throws IOException {
        String ns = d.getMetadata().getNamespace();
        Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        Map<String, String> configMaps = new HashMap<>();
        for (Volume v : d.getSpec().getTemplate().getSpec().getVolumes()) {
            if (v.getConfigMap() != null) {
                configMaps.put(v.getName(), v.getConfigMap().getName());
            }
        }
        Map<String, Path> paths = new HashMap<>();
        List<Mount> mine = new ArrayList<>();
        for (VolumeMount vm : c.getVolumeMounts()) {
            String cm = configMaps.get(vm.getName());
            if (cm != null) {
                Mount m = mount(root.resolve(vm.getName()), ns, cm);
                mine.add(m);
                paths.put(vm.getMountPath(), m.volume.dir());
            }
        }
        Map<String, String> env = new HashMap<>();
        for (EnvVar e : c.getEnv()) {
            String value = e.getValue();
            String at = paths.keySet().stream().filter(p -> value != null && (value.equals(p)
                    || value.startsWith(p + "/"))).max(Comparator.comparingInt(String::length)).orElse(null);
            env.put(e.getName(), at == null ? value : paths.get(at) + value.substring(at.length()));
        }
        return new Pod(env, List.copyOf(mine));
    }

    private void tick() {
        for (Mount m : mounts) {
            try {
                m.sync();
            } catch (KubernetesClientException | java.io.UncheckedIOException e) {
                // the mock server is going away, or a test deleted the directory: nothing to mirror any more
            }
        }
    }

    private static Map<String, String> data(ConfigMap cm) {
        return cm.getData() == null ? Map.of() : Map.copyOf(cm.getData());
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
