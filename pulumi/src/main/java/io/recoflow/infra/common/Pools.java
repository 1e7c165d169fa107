package io.recoflow.infra.common;

import java.util.Map;

/**
 * Node pool labels and taints, identical on EKS and AKS so one set of workload manifests schedules on both:
 * stateless Deployments carry `nodeSelector: recoflow.io/workload=stateless` and tolerate {@link #SPOT_TAINT_KEY};
 * everything else (operator, stateful sets) has no toleration and so never lands on spot capacity.
 */
public final class Pools {
    public static final String POOL = "recoflow.io/pool";
    public static final String CAPACITY = "recoflow.io/capacity";
    public static final String WORKLOAD = "recoflow.io/workload";
    public static final String STATELESS = "stateless";
    public static final String SPOT_TAINT_KEY = "recoflow.io/spot";
    /** The spot taint in kubectl form: key=value:Effect. */
    public static final String SPOT_TAINT = SPOT_TAINT_KEY + "=true:NoSchedule";
    /** AKS puts this taint on every spot pool and rejects pools without it. */
    public static final String AKS_SPOT_TAINT = "kubernetes.azure.com/scalesetpriority=spot:NoSchedule";

    private Pools() {}

    public static Map<String, String> systemLabels() {
        return Map.of(POOL, "system", CAPACITY, "on-demand");
    }

    public static Map<String, String> spotLabels() {
        return Map.of(POOL, "spot", CAPACITY, "spot", WORKLOAD, STATELESS);
    }
}
