package io.recoflow.recommend.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Everything under {@code recoflow.recommend.*}. Defaults suit a local run: no auth, no rate limit. */
@ConfigurationProperties("recoflow.recommend")
public class RecommendProperties {
    private final Redis redis = new Redis();
    private final Model model = new Model();
    private final Experiments experiments = new Experiments();
    private final ServingSettings serving = new ServingSettings();
    private final Popularity popularity = new Popularity();
    private final Impressions impressions = new Impressions();
    private final Security security = new Security();
    private final Admission admission = new Admission();
    private int maxK = 100;

    public Redis getRedis() { return redis; }
    public Model getModel() { return model; }
    public Experiments getExperiments() { return experiments; }
    public ServingSettings getServing() { return serving; }
    public Popularity getPopularity() { return popularity; }
    public Impressions getImpressions() { return impressions; }
    public Security getSecurity() { return security; }
    public Admission getAdmission() { return admission; }
    public int getMaxK() { return maxK; }
    public void setMaxK(int maxK) { this.maxK = maxK; }

    public static class Redis {
        private String host = "localhost";
        private int port = 6379;
        private String password;
        private Duration timeout = Duration.ofMillis(50);
        /** At least {@code admission.max-concurrent}, so an admitted request never waits for a connection. */
        private int poolSize = 64;
        /**
         * Once the breaker is open, requests skip Redis for this long instead of each paying a connect attempt; then
         * one request probes Redis. Short, so a Redis hiccup costs few fallbacks.
         */
        private Duration retryAfterFailure = Duration.ofMillis(200);
        /**
         * A timed-out call during which the process itself was stalled at least this long (GC, CPU starvation, as
         * the pause detector saw it) is the service's delay, not Redis': it is shed with a 503 and does not count
         * towards opening the breaker.
         */
        private Duration stallTolerance = Duration.ofMillis(10);

        public String getHost() { return host; }
        public void setHost(String host) { this.host = host; }
        public int getPort() { return port; }
        public void setPort(int port) { this.port = port; }
        public String getPassword() { return password; }
        public void setPassword(String password) { this.password = password; }
        public Duration getTimeout() { return timeout; }
        public void setTimeout(Duration timeout) { this.timeout = timeout; }
        public int getPoolSize() { return poolSize; }
        public void setPoolSize(int poolSize) { this.poolSize = poolSize; }
        public Duration getRetryAfterFailure() { return retryAfterFailure; }
        public void setRetryAfterFailure(Duration retryAfterFailure) { this.retryAfterFailure = retryAfterFailure; }
        public Duration getStallTolerance() { return stallTolerance; }
        public void setStallTolerance(Duration stallTolerance) { this.stallTolerance = stallTolerance; }
    }

    /**
     * Bounded concurrency on {@code /v1/recommendations}: above capacity the service answers what it can with the
     * model and sheds the rest with 503 + Retry-After, instead of letting every request slow down until Redis calls
     * time out and turn into popularity fallbacks.
     */
    public static class Admission {
        /**
         * Requests working at once; 0 = 8 per CPU: a request waits on Redis part of its time, and at 6,000 req/s and
         * ~1 ms each about 6 are in flight on average, so bursts need room above that.
         */
        private int maxConcurrent = 0;
        /** How long a request may wait for a permit before it is shed. */
        private Duration maxWait = Duration.ofMillis(10);
        /** The Retry-After of a shed request (whole seconds, at least 1). */
        private Duration retryAfter = Duration.ofSeconds(1);

        public int getMaxConcurrent() { return maxConcurrent; }
        public void setMaxConcurrent(int maxConcurrent) { this.maxConcurrent = maxConcurrent; }
        public Duration getMaxWait() { return maxWait; }
        public void setMaxWait(Duration maxWait) { this.maxWait = maxWait; }
        public Duration getRetryAfter() { return retryAfter; }
        public void setRetryAfter(Duration retryAfter) { this.retryAfter = retryAfter; }
    }

    public static class Model {
        /** Base directory of integer-versioned SavedModels (see ModelArtifact); metadata is always read from here. */
        private Path baseDir = Path.of("models");
        private Duration pollInterval = Duration.ofSeconds(5);
        /** How many newest versions stay loaded besides those an experiment variant pins (ignored with a serving file). */
        private int keepLatest = 2;
        private Duration scoringTimeout = Duration.ofMillis(200);
        /** Scoring threads (a bulkhead: TF runs are CPU bound); 0 = number of CPUs. */
        private int scoringThreads = 0;
        private int scoringQueue = 256;
        /** Slots of the score cache (the last scores per model, history and k); 0 = off. */
        private int scoreCacheSize = 16_384;
        private int warmupRuns = 20;
        /** Score item-item SavedModels in Java from their own variables, after a parity check against the graph. */
        private boolean javaFastPath = true;
        /**
         * TensorFlow Serving's REST base URL. Without a serving file: score through it instead of the embedded
         * SavedModel, by version. With a tensorflow-serving serving file: overrides the file's {@code endpoint}.
         */
        private String tfServingUrl;
        /** TF Serving's model name; unset = the serving file's {@code model}, or {@code recommender} without one. */
        private String tfServingModelName;

        public Path getBaseDir() { return baseDir; }
        public void setBaseDir(Path baseDir) { this.baseDir = baseDir; }
        public Duration getPollInterval() { return pollInterval; }
        public void setPollInterval(Duration pollInterval) { this.pollInterval = pollInterval; }
        public int getKeepLatest() { return keepLatest; }
        public void setKeepLatest(int keepLatest) { this.keepLatest = keepLatest; }
        public Duration getScoringTimeout() { return scoringTimeout; }
        public void setScoringTimeout(Duration scoringTimeout) { this.scoringTimeout = scoringTimeout; }
        public int getScoringThreads() { return scoringThreads; }
        public void setScoringThreads(int scoringThreads) { this.scoringThreads = scoringThreads; }
        public int getScoreCacheSize() { return scoreCacheSize; }
        public void setScoreCacheSize(int scoreCacheSize) { this.scoreCacheSize = scoreCacheSize; }
        public int getScoringQueue() { return scoringQueue; }
        public void setScoringQueue(int scoringQueue) { this.scoringQueue = scoringQueue; }
        public boolean isJavaFastPath() { return javaFastPath; }
        public void setJavaFastPath(boolean javaFastPath) { this.javaFastPath = javaFastPath; }
        public int getWarmupRuns() { return warmupRuns; }
        public void setWarmupRuns(int warmupRuns) { this.warmupRuns = warmupRuns; }
        public String getTfServingUrl() { return tfServingUrl; }
        public void setTfServingUrl(String tfServingUrl) { this.tfServingUrl = tfServingUrl; }
        public String getTfServingModelName() { return tfServingModelName; }
        public void setTfServingModelName(String tfServingModelName) { this.tfServingModelName = tfServingModelName; }
    }

    /**
     * The operator's {@code serving.json} ({@link io.recoflow.common.contract.ServingConfig}): when {@code file} is
     * set, it alone decides which versions are loaded and how users split between stable and canary.
     */
    public static class ServingSettings {
        private Path file;
        private Duration pollInterval = Duration.ofSeconds(2);
        /** {@code embedded} or {@code tensorflow-serving}; unset = the serving file's {@code runtime}. */
        private String runtime;

        public Path getFile() { return file; }
        public void setFile(Path file) { this.file = file; }
        public Duration getPollInterval() { return pollInterval; }
        public void setPollInterval(Duration pollInterval) { this.pollInterval = pollInterval; }
        public String getRuntime() { return runtime; }
        public void setRuntime(String runtime) { this.runtime = runtime; }
    }

    public static class Experiments {
        /** YAML or JSON experiment file (a mounted ConfigMap key); absent = everyone gets the latest model. */
        private Path file;
        private Duration pollInterval = Duration.ofSeconds(2);

        public Path getFile() { return file; }
        public void setFile(Path file) { this.file = file; }
        public Duration getPollInterval() { return pollInterval; }
        public void setPollInterval(Duration pollInterval) { this.pollInterval = pollInterval; }
    }

    public static class Popularity {
        private Duration refreshInterval = Duration.ofSeconds(30);
        /** How many hourly buckets (newest first) are summed. */
        private int hours = 168;
        private int size = 200;

        public Duration getRefreshInterval() { return refreshInterval; }
        public void setRefreshInterval(Duration refreshInterval) { this.refreshInterval = refreshInterval; }
        public int getHours() { return hours; }
        public void setHours(int hours) { this.hours = hours; }
        public int getSize() { return size; }
        public void setSize(int size) { this.size = size; }
    }

    public static class Impressions {
        /** Kafka bootstrap servers; empty = impressions off. */
        private String bootstrapServers;
        private int queueCapacity = 10_000;
        /** Fraction of responses whose impressions are published (analytics sampling at high request rates). */
        private double sampleRate = 1.0;
        /**
         * Kafka compression of impression batches. {@code none} by default: lz4 allocated a fresh 64 KB block buffer
         * per batch (17 MB/s of garbage at 1,600 responses/s, most of the service's allocation); set {@code zstd} or
         * {@code lz4} where network between the service and the brokers costs more than CPU.
         */
        private String compression = "none";
        /** How long the producer waits to fill a batch: impressions are analytics, larger batches cost less. */
        private java.time.Duration linger = java.time.Duration.ofMillis(100);

        public String getCompression() { return compression; }
        public void setCompression(String compression) { this.compression = compression; }
        public java.time.Duration getLinger() { return linger; }
        public void setLinger(java.time.Duration linger) { this.linger = linger; }
        public double getSampleRate() { return sampleRate; }
        public void setSampleRate(double sampleRate) { this.sampleRate = sampleRate; }
        public String getBootstrapServers() { return bootstrapServers; }
        public void setBootstrapServers(String bootstrapServers) { this.bootstrapServers = bootstrapServers; }
        public int getQueueCapacity() { return queueCapacity; }
        public void setQueueCapacity(int queueCapacity) { this.queueCapacity = queueCapacity; }
    }

    public static class Security {
        public enum Mode { NONE, API_KEY, JWT }

        private Mode mode = Mode.NONE;
        /** API keys as {@code clientId:key}; the client id is what the rate limit and logs see. */
        private List<String> apiKeys = new ArrayList<>();
        /** HS256 shared secret (at least 32 bytes). */
        private String jwtSecret;
        /** Sustained requests per second per client; 0 = no rate limit. */
        private double rateLimitPerSecond = 0;
        private int rateLimitBurst = 50;

        public Mode getMode() { return mode; }
        public void setMode(Mode mode) { this.mode = mode; }
        public List<String> getApiKeys() { return apiKeys; }
        public void setApiKeys(List<String> apiKeys) { this.apiKeys = apiKeys; }
        public String getJwtSecret() { return jwtSecret; }
        public void setJwtSecret(String jwtSecret) { this.jwtSecret = jwtSecret; }
        public double getRateLimitPerSecond() { return rateLimitPerSecond; }
        public void setRateLimitPerSecond(double rateLimitPerSecond) { this.rateLimitPerSecond = rateLimitPerSecond; }
        public int getRateLimitBurst() { return rateLimitBurst; }
        public void setRateLimitBurst(int rateLimitBurst) { this.rateLimitBurst = rateLimitBurst; }
    }
}
