package io.recoflow.operator.model;

import io.recoflow.common.contract.Serving;

/** Container ports per runtime; the embedded runtime's come from the contract the service reads. */
public final class Ports {
    public static final int TFS_GRPC = 8500;
    public static final int TFS_REST = 8501;
    public static final int EMBEDDED_HTTP = Serving.HTTP_PORT;
    public static final int EMBEDDED_MANAGEMENT = Serving.MANAGEMENT_PORT;

    private Ports() {}
}
