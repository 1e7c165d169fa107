package io.recoflow.common.contract;

/**
 * What the operator renders for a model server and the recommendation service reads: environment names, ports,
 * probe paths and the files mounted from the slot's ConfigMap. Both sides compile against these constants, so a
 * rename breaks the build instead of silently disconnecting them.
 */
public final class Serving {
    /** {@code embedded} or {@code tensorflow-serving}: how the service scores (see {@link ServingConfig#runtime}). */
    public static final String ENV_RUNTIME = "RECOFLOW_RUNTIME";
    /** Registered model name (TF Serving's model name). */
    public static final String ENV_MODEL_NAME = "RECOFLOW_MODEL_NAME";
    /** Local directory of integer-versioned SavedModels (embedded runtime). */
    public static final String ENV_MODEL_BASE_PATH = "RECOFLOW_MODEL_BASE_PATH";
    /** Path of the {@link ServingConfig} JSON file: served versions and the canary split. Reloaded on change. */
    public static final String ENV_SERVING_FILE = "RECOFLOW_SERVING_FILE";
    /** Base URL of TF Serving's REST API (tensorflow-serving runtime); overrides {@link ServingConfig#endpoint}. */
    public static final String ENV_TF_SERVING_URL = "RECOFLOW_TF_SERVING_URL";
    /**
     * Path of the experiment file ({@link ExperimentConfig}, YAML or JSON): the service routes A/B tests by it and
     * the feature worker counts their outcomes by it. Polled; absent file = no experiment.
     */
    public static final String ENV_EXPERIMENTS_FILE = "RECOFLOW_EXPERIMENTS_FILE";
    /** Port of the recommendation API. */
    public static final String ENV_HTTP_PORT = "RECOFLOW_HTTP_PORT";
    /** Port of /actuator (health probes, Prometheus metrics). */
    public static final String ENV_MANAGEMENT_PORT = "RECOFLOW_MANAGEMENT_PORT";

    public static final int HTTP_PORT = 8080;
    public static final int MANAGEMENT_PORT = 8081;
    public static final String READINESS_PATH = "/actuator/health/readiness";
    public static final String LIVENESS_PATH = "/actuator/health/liveness";
    public static final String METRICS_PATH = "/actuator/prometheus";

    /** Where the slot's ConfigMap is mounted, and its keys. */
    public static final String MOUNT = "/etc/recoflow";
    public static final String SERVING_KEY = "serving.json";
    public static final String TFS_CONFIG_KEY = "models.config";
    public static final String EXPERIMENTS_KEY = "experiments.yaml";
    /**
     * Where the experiment ConfigMap (one key, {@link #EXPERIMENTS_KEY}) is mounted in the service and the feature
     * worker: its own directory, because the worker has no slot ConfigMap at {@link #MOUNT}.
     */
    public static final String EXPERIMENTS_MOUNT = "/etc/recoflow/experiment";
    /** {@link #ENV_EXPERIMENTS_FILE}'s value when the operator mounts the experiment ConfigMap. */
    public static final String EXPERIMENTS_FILE = EXPERIMENTS_MOUNT + "/" + EXPERIMENTS_KEY;

    /** TF Serving's version labels that the canary split selects. */
    public static final String STABLE_LABEL = "stable";
    public static final String CANARY_LABEL = "canary";

    public static final String RUNTIME_EMBEDDED = "embedded";
    public static final String RUNTIME_TF_SERVING = "tensorflow-serving";

    private Serving() {}
}
