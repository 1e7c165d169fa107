package io.recoflow.operator.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place the operator talks to Kafka (Admin API): creates the pipeline's topics, adds partitions, corrects
 * drift on the config keys the spec sets, reads consumer lag, deletes topics. One Admin client per bootstrap
 * string, kept across reconciles. Every call has a deadline, so an unreachable cluster costs a reconcile
 * {@link #TIMEOUT} and ends in a {@link KafkaException} with the client's message, never a hang.
 */
public final class KafkaTopics implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(KafkaTopics.class);

    private final Map<String, Admin> admins = new ConcurrentHashMap<>();

    /** Kafka did not answer, or refused something that is not per topic. */
    public static final class KafkaException extends Exception {
        public KafkaException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    Admin admin(String bootstrap) {
        return admins.computeIfAbsent(bootstrap, b -> {
            int ms = (int) TIMEOUT.toMillis();
            Map<String, Object> c = new HashMap<>();
            c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, b);
            c.put(AdminClientConfig.CLIENT_ID_CONFIG, "recoflow-operator");
            c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
            c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
            c.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 5000);
            return Admin.create(c);
        });
    }

    /**
     * Brings each topic to its desired partitions and config; what Kafka refuses for one topic is that topic's
     * message, the others still proceed.
     *
     * @throws KafkaException when the cluster cannot be reached at all
     */
    public List<TopicState> reconcile(String bootstrap, List<DesiredTopic> desired) throws KafkaException {
        Admin admin = admin(bootstrap);
        Set<String> existing = reach(admin.listTopics().names(), "listing topics");
        List<TopicState> out = new ArrayList<>();
        for (DesiredTopic d : desired) {
            out.add(existing.contains(d.name()) ? update(admin, d) : create(admin, d));
        }
        return out;
    }

    private TopicState create(Admin admin, DesiredTopic d) throws KafkaException {
        NewTopic t = new NewTopic(d.name(), d.partitions(), (short) d.replicationFactor()).configs(d.config());
        try {
            get(admin.createTopics(List.of(t)).all(), "creating " + d.name());
            return new TopicState(d.name(), d.partitions(), true, null, "created with " + d.partitions()
                    + " partitions, replication factor " + d.replicationFactor());
        } catch (Refused r) {
            return new TopicState(d.name(), null, false, r.getMessage(), null);
        }
    }

    private TopicState update(Admin admin, DesiredTopic d) throws KafkaException {
        List<String> changes = new ArrayList<>();
        try {
            TopicDescription td = get(admin.describeTopics(List.of(d.name())).allTopicNames(), "describing "
                    + d.name()).get(d.name());
            int partitions = td.partitions().size();
            if (d.partitions() < partitions) {
                return new TopicState(d.name(), partitions, false, "Kafka cannot remove partitions: the topic has "
                        + partitions + ", the spec asks for " + d.partitions(), null);
            }
            if (d.partitions() > partitions) {
                get(admin.createPartitions(Map.of(d.name(), NewPartitions.increaseTo(d.partitions()))).all(),
                        "adding partitions to " + d.name());
                changes.add("partitions " + partitions + " -> " + d.partitions());
                partitions = d.partitions();
            }
            if (!d.config().isEmpty()) {
                ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, d.name());
                Config live = get(admin.describeConfigs(List.of(r)).all(), "reading the config of " + d.name())
                        .get(r);
                List<AlterConfigOp> ops = new ArrayList<>();
                for (var e : d.config().entrySet()) {
                    ConfigEntry now = live.get(e.getKey());
                    if (now == null || !e.getValue().equals(now.value())) {
                        ops.add(new AlterConfigOp(new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET));
                        changes.add(e.getKey() + " " + (now == null ? "unset" : now.value()) + " -> " + e.getValue());
                    }
                }
                if (!ops.isEmpty()) {
                    get(admin.incrementalAlterConfigs(Map.of(r, ops)).all(), "correcting the config of " + d.name());
                }
            }
            return new TopicState(d.name(), partitions, true, null, changes.isEmpty() ? null
                    : String.join(", ", changes));
        } catch (Refused r) {
            return new TopicState(d.name(), null, false, r.getMessage(), changes.isEmpty() ? null
                    : String.join(", ", changes));
        }
    }

    /** The group's lag on these topics' partitions (topics that do not exist count as empty). */
    public Lag lag(String bootstrap, String group, Collection<String> topics) throws KafkaException {
        Admin admin = admin(bootstrap);
        try {
            Set<String> existing = get(admin.listTopics().names(), "listing topics");
            List<String> present = topics.stream().filter(existing::contains).toList();
            if (present.isEmpty()) {
                return new Lag(0, 0, 0);
            }
            Map<String, TopicDescription> described = get(admin.describeTopics(present).allTopicNames(),
                    "describing " + present);
            Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
            described.values().forEach(td -> td.partitions().forEach(p ->
                    ends.put(new TopicPartition(td.name(), p.partition()), OffsetSpec.latest())));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end = get(admin.listOffsets(ends).all(),
                    "reading end offsets");
            Map<TopicPartition, OffsetAndMetadata> committed = get(admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata(), "reading the offsets of group " + group);
            long total = 0;
            long max = 0;
            long done = 0;
            for (var e : end.entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                long at = c == null ? 0 : c.offset();
                long lag = Math.max(0, e.getValue().offset() - at);
                total += lag;
                max = Math.max(max, lag);
                done += at;
            }
            return new Lag(total, max, done);
        } catch (Refused r) {
            throw new KafkaException(r.getMessage(), r);
        }
    }

    /** Deletes the topics that exist (deletionPolicy delete). */
    public void delete(String bootstrap, Collection<String> topics) throws KafkaException {
        Admin admin = admin(bootstrap);
        Set<String> existing = reach(admin.listTopics().names(), "listing topics");
        List<String> present = topics.stream().filter(existing::contains).collect(Collectors.toList());
        if (!present.isEmpty()) {
            try {
                get(admin.deleteTopics(present).all(), "deleting " + present);
            } catch (Refused r) {
                if (!(r.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new KafkaException(r.getMessage(), r);
                }
            }
        }
    }

    /** Kafka answered with an error for this request (its message is what status shows). */
    private static final class Refused extends Exception {
        Refused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** As {@link #get}, for a call whose refusal means the cluster is not usable either (listing topics). */
    private static <T> T reach(KafkaFuture<T> f, String what) throws KafkaException {
        try {
            return get(f, what);
        } catch (Refused r) {
            throw new KafkaException(what + ": " + r.getMessage(), r);
        }
    }

    /**
     * Waits for a future: a timeout or a lost connection is a {@link KafkaException} (the cluster is unreachable),
     * an error Kafka returned is {@link Refused} (the request was wrong).
     */
    private static <T> T get(KafkaFuture<T> f, String what) throws KafkaException, Refused {
        try {
            return f.get(TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException(what + ": interrupted", e);
        } catch (TimeoutException e) {
            throw new KafkaException(what + ": Kafka did not answer within " + TIMEOUT.toSeconds() + "s", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof org.apache.kafka.common.errors.TimeoutException
                    || c instanceof org.apache.kafka.common.errors.DisconnectException) {
                throw new KafkaException(what + ": " + c.getMessage(), c);
            }
            throw new Refused(c.getMessage(), c);
        }
    }

    @Override
    public void close() {
        admins.values().forEach(a -> {
            try {
                a.close(Duration.ofSeconds(2));
            } catch (RuntimeException e) {
                LOG.debug("closing a Kafka admin client: {}", e.toString());
            }
        });
        admins.clear();
    }
}
