package io.recoflow.operator.api.experiment;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.variants.map(v, v.weight).sum() == 100", message = "variant weights must sum to 100")
@ValidationRule(value = "size(self.variants.filter(v, has(v.control) && v.control)) == 1",
        message = "exactly one variant must be the control")
@ValidationRule(value = "self.variants.all(v, size(self.variants.filter(w, w.name == v.name)) == 1)",
        message = "variant names must be unique")
@ValidationRule(value = "self.variants.all(v, size(self.variants.filter(w, w.modelVersion == v.modelVersion)) == 1)",
        message = "each variant needs its own ModelVersion")
public class ABExperimentSpec {
    public static final long DEFAULT_ATTRIBUTION_SECONDS = 86_400;

    @Required
    @Pattern("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
    @ValidationRule(value = "self == oldSelf", message = "modelRef is immutable")
    @JsonPropertyDescription("Name of the RecommendationModel (same namespace) whose users are split.")
    public String modelRef;

    @Required
    @Size(min = 2, max = 5)
    @JsonPropertyDescription("2 to 5 variants, weights summing to 100, exactly one marked control.")
    public List<Variant> variants;

    @Size(min = 1, max = 63)
    @JsonPropertyDescription("Hash salt of the user split (default: the experiment's namespace/name). A new salt "
            + "reshuffles users.")
    public String salt;

    @Default("conversion")
    @JsonPropertyDescription("conversion: share of exposed users who purchase within attributionWindowSeconds "
            + "after an impression; ctr: share of exposed users who click a recommendation; clicksPerUser.")
    public Metric primaryMetric;

    @Size(max = 2)
    @JsonPropertyDescription("Metrics reported next to the primary one (and usable by guardrails.secondary).")
    public List<Metric> secondaryMetrics;

    @Min(60)
    @Max(2_592_000)
    @Default("86400")
    @JsonPropertyDescription("Seconds after an impression a purchase still counts for conversion (default 86400).")
    public Long attributionWindowSeconds;

    public Guardrails guardrails;

    public Analysis analysis;

    @Default("keepControl")
    @JsonPropertyDescription("promote: the winner becomes the model's serving target (through status; no spec is "
            + "written) and an MLflow winner gets the alias champion; keepControl (default): the split ends and "
            + "the model keeps serving its production version; report: the decision is reported and the split "
            + "keeps running until the experiment is deleted.")
    public OnConclusion onConclusion;

    public enum Metric {
        @JsonProperty("conversion")
        CONVERSION,
        @JsonProperty("ctr")
        CTR,
        @JsonProperty("clicksPerUser")
        CLICKS_PER_USER
    }

    public enum OnConclusion {
        @JsonProperty("promote")
        PROMOTE,
        @JsonProperty("keepControl")
        KEEP_CONTROL,
        @JsonProperty("report")
        REPORT
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Variant {
        @Required
        @Pattern("^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$")
        @Size(max = 32)
        public String name;

        @Required
        @Pattern("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
        @Size(max = 253)
        @JsonPropertyDescription("Name of a ModelVersion of the same RecommendationModel.")
        public String modelVersion;

        @Required
        @Min(0)
        @Max(100)
        @JsonPropertyDescription("Percent of users.")
        public Integer weight;

        @JsonPropertyDescription("The baseline every other variant is compared with.")
        public Boolean control;

        public boolean isControl() {
            return Boolean.TRUE.equals(control);
        }

        /** {@code control} is left out (not false) for a treatment, as a user writes it. */
        public static Variant of(String name, String modelVersion, int weight, boolean control) {
            Variant v = new Variant();
            v.name = name;
            v.modelVersion = modelVersion;
            v.weight = weight;
            v.control = control ? true : null;
            return v;
        }
    }

    /** Per variant limits; a breach stops the experiment (the split ends) with the measured value. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Guardrails {
        @Min(1)
        @Max(60000)
        @JsonPropertyDescription("Highest p95 scoring latency (ms) of any variant's model version.")
        public Integer p95LatencyMs;

        @Min(0)
        @Max(1)
        @JsonPropertyDescription("Highest share of non-ok scoring calls of any variant's model version.")
        public Double maxErrorRate;

        @Min(0)
        @Max(1)
        @JsonPropertyDescription("Highest share of a variant's responses answered by the popularity fallback.")
        public Double maxFallbackRate;

        public SecondaryGuardrail secondary;

        @Pattern("^[0-9]+(s|m|h)$")
        @JsonPropertyDescription("Rate window of the latency, error and fallback queries (default 5m).")
        public String window;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class SecondaryGuardrail {
        @Required
        public Metric metric;

        @Required
        @Min(0)
        @Max(1)
        @JsonPropertyDescription("Largest relative drop of the metric vs control (0.1 = 10 %), judged at the "
                + "sequential test's confidence.")
        public Double maxRelativeDrop;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "!has(self.minDurationSeconds) || !has(self.maxDurationSeconds) "
            + "|| self.minDurationSeconds <= self.maxDurationSeconds",
            message = "minDurationSeconds must be <= maxDurationSeconds")
    public static class Analysis {
        public static final double DEFAULT_ALPHA = 0.05;
        public static final double DEFAULT_SRM_P = 0.001;
        public static final long DEFAULT_MIN_USERS = 1000;
        public static final long DEFAULT_MIN_SECONDS = 3600;
        public static final long DEFAULT_MAX_SECONDS = 14 * 86_400;
        public static final long DEFAULT_CHECK_SECONDS = 60;

        @Default("sequential")
        @JsonPropertyDescription("sequential (default): always-valid inference, checked every checkIntervalSeconds "
                + "(peeking is safe); fixed: one z-test at maxDurationSeconds.")
        public Method method;

        @Min(0.001)
        @Max(0.2)
        @Default("0.05")
        public Double alpha;

        @Min(1)
        @Default("1000")
        @JsonPropertyDescription("No decision before every variant has this many exposed users.")
        public Long minUsersPerVariant;

        @Min(0)
        @Default("3600")
        @JsonPropertyDescription("No decision before the split has run this long (a weekly cycle: 604800).")
        public Long minDurationSeconds;

        @Min(60)
        @Max(5_184_000)
        @Default("1209600")
        @JsonPropertyDescription("Undecided by then: Inconclusive (fixed: the one evaluation). At most 60 days, the "
                + "feature worker's retention of the counts.")
        public Long maxDurationSeconds;

        @Min(0.000001)
        @Max(0.05)
        @Default("0.001")
        @JsonPropertyDescription("Sample ratio mismatch: a chi-square p-value of the user split below this stops "
                + "any decision (GrowthBook and Eppo use 0.001).")
        public Double srmPValue;

        @Min(5)
        @Max(86400)
        @Default("60")
        public Long checkIntervalSeconds;

        public enum Method {
            @JsonProperty("sequential")
            SEQUENTIAL,
            @JsonProperty("fixed")
            FIXED
        }
    }
}
