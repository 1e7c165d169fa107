package io.recoflow.operator.render;

/** Container ports per runtime. */
public final class Ports {
    public static final int TFS_GRPC = 8500;
    public static final int TFS_REST = 8501;
    public static final int EMBEDDED_HTTP = 8080;

    private Ports() {}
}
