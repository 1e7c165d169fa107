package io.recoflow.common.contract;

/**
 * What the operator renders for a FeaturePipeline's collector, feature worker and lake sink, and what those apps
 * read: environment names, ports, the features file and the sink's targets. The names are the apps' Spring
 * properties in relaxed environment form ({@code recoflow.worker.bootstrap-servers} =
 * {@code RECOFLOW_WORKER_BOOTSTRAPSERVERS}), so no app needs a mapping file; both sides compile against these
 * constants, so a rename breaks the build instead of silently disconnecting them.
 */
public final class Pipeline {
    /** Default topic names; a pipeline may rename them (then every app gets the names below). */
    public static final String EVENTS_TOPIC = "recoflow.events";
    public static final String IMPRESSIONS_TOPIC = "recoflow.impressions";
    public static final String DEAD_LETTER_TOPIC = "recoflow.events.DLT";

    /** Collector: {@code recoflow.collector.*}. */
    public static final String COLLECTOR_BOOTSTRAP = "RECOFLOW_COLLECTOR_BOOTSTRAPSERVERS";
    public static final String COLLECTOR_TOPIC = "RECOFLOW_COLLECTOR_TOPIC";
    /** Kafka client properties file (TLS/SASL settings, {@code key=value}); the Secret holding it is mounted. */
    public static final String COLLECTOR_KAFKA_PROPERTIES = "RECOFLOW_COLLECTOR_KAFKAPROPERTIESFILE";

    /** Feature worker: {@code recoflow.worker.*}. */
    public static final String WORKER_BOOTSTRAP = "RECOFLOW_WORKER_BOOTSTRAPSERVERS";
    public static final String WORKER_GROUP = "RECOFLOW_WORKER_GROUPID";
    /** Comma-separated topics the worker consumes (events, impressions). */
    public static final String WORKER_TOPICS = "RECOFLOW_WORKER_TOPICS";
    public static final String WORKER_DEAD_LETTER_TOPIC = "RECOFLOW_WORKER_DEADLETTERTOPIC";
    public static final String WORKER_KAFKA_PROPERTIES = "RECOFLOW_WORKER_KAFKAPROPERTIESFILE";
    public static final String WORKER_REDIS_HOST = "RECOFLOW_WORKER_REDISHOST";
    public static final String WORKER_REDIS_PORT = "RECOFLOW_WORKER_REDISPORT";
    public static final String WORKER_REDIS_TLS = "RECOFLOW_WORKER_REDISTLS";
    /** From a Secret key (valueFrom), never a literal. */
    public static final String WORKER_REDIS_PASSWORD = "RECOFLOW_WORKER_REDISPASSWORD";
    /** Path of the {@link FeatureSettings} file; absent = the built-in defaults. */
    public static final String WORKER_FEATURES_FILE = "RECOFLOW_WORKER_FEATURESFILE";

    /** Lake sink: {@code recoflow.sink.*}. */
    public static final String SINK_BOOTSTRAP = "RECOFLOW_SINK_BOOTSTRAPSERVERS";
    public static final String SINK_GROUP = "RECOFLOW_SINK_GROUPID";
    public static final String SINK_TOPICS = "RECOFLOW_SINK_TOPICS";
    public static final String SINK_KAFKA_PROPERTIES = "RECOFLOW_SINK_KAFKAPROPERTIESFILE";
    /** Comma-separated targets: {@code s3://bucket/prefix}, {@code abfss://container@account.dfs.core.windows.net/prefix}. */
    public static final String SINK_TARGETS = "RECOFLOW_SINK_TARGETS";
    /** A file closes at this many bytes of Parquet ... */
    public static final String SINK_FLUSH_BYTES = "RECOFLOW_SINK_FLUSHBYTES";
    /** ... or this long after its first row (a Spring duration, e.g. {@code 60s}), whichever comes first. */
    public static final String SINK_FLUSH_INTERVAL = "RECOFLOW_SINK_FLUSHINTERVAL";
    /** S3: endpoint override (S3-compatible stores, tests) and region; credentials from the pod's identity. */
    public static final String SINK_S3_ENDPOINT = "RECOFLOW_SINK_S3ENDPOINT";
    public static final String SINK_S3_REGION = "RECOFLOW_SINK_S3REGION";
    /** Azure Blob: endpoint override (Azurite, tests); credentials from workload identity or this Secret key. */
    public static final String SINK_AZURE_ENDPOINT = "RECOFLOW_SINK_AZUREENDPOINT";
    public static final String SINK_AZURE_CONNECTION_STRING = "RECOFLOW_SINK_AZURECONNECTIONSTRING";

    /** Every pipeline app: the API (collector) and /actuator on these ports, as the model servers. */
    public static final int HTTP_PORT = Serving.HTTP_PORT;
    public static final int MANAGEMENT_PORT = Serving.MANAGEMENT_PORT;
    public static final String ENV_HTTP_PORT = "SERVER_PORT";
    public static final String ENV_MANAGEMENT_PORT = "MANAGEMENT_SERVER_PORT";

    /** Where the pipeline's feature settings ConfigMap is mounted in the worker, and its key. */
    public static final String FEATURES_MOUNT = "/etc/recoflow/features";
    public static final String FEATURES_KEY = "features.json";
    public static final String FEATURES_FILE = FEATURES_MOUNT + "/" + FEATURES_KEY;
    /** Where a Kafka client-properties Secret is mounted, and its key. */
    public static final String KAFKA_MOUNT = "/etc/recoflow/kafka";
    public static final String KAFKA_PROPERTIES_KEY = "client.properties";

    /**
     * The worker's per-partition lag gauge in Prometheus form (labels {@code topic}, {@code partition}): the HPA's
     * external/pods metric when KEDA is absent.
     */
    public static final String WORKER_LAG_METRIC = "recoflow_worker_consumer_lag";
    /** Age in seconds of the newest event the worker applied. */
    public static final String WORKER_FRESHNESS_METRIC = "recoflow_worker_freshness_seconds";

    private Pipeline() {}
}
