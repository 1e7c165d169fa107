package io.recoflow.operator.api.status;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Where a cluster serves the model. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Endpoint {
    public String cluster;
    public String grpc;
    public String http;
    public Integer weight;

    public Endpoint() {}

    public Endpoint(String cluster, String grpc, String http, Integer weight) {
        this.cluster = cluster;
        this.grpc = grpc;
        this.http = http;
        this.weight = weight;
    }
}
