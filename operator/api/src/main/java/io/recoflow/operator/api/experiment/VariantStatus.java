package io.recoflow.operator.api.experiment;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class VariantStatus {
    public String name;

    public String modelVersion;

    @JsonPropertyDescription("The ModelVersion's version number.")
    public Long version;

    public Boolean control;

    @JsonPropertyDescription("Distinct users shown this variant's recommendations.")
    public Long exposedUsers;

    @JsonPropertyDescription("Exposed users with the primary metric's outcome (purchase or click); for "
            + "clicksPerUser the clicks.")
    public Long convertingUsers;

    @JsonPropertyDescription("Primary metric: convertingUsers / exposedUsers.")
    public Double rate;

    @JsonPropertyDescription("Relative lift of rate vs control (0.05 = +5 %), with its interval.")
    public Double lift;

    public Double liftLower;

    public Double liftUpper;

    @JsonPropertyDescription("Always-valid p-value vs control (sequential: the running minimum over looks).")
    public Double pValue;

    @JsonPropertyDescription("Secondary metrics' rates by name.")
    public Map<String, Double> secondary;
}
