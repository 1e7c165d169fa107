package io.recoflow.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What serves the model: TensorFlow Serving, or the recommendation service scoring with embedded TensorFlow Java. */
public enum Runtime {
    @JsonProperty("tensorflow-serving")
    TENSORFLOW_SERVING,
    @JsonProperty("embedded")
    EMBEDDED
}
