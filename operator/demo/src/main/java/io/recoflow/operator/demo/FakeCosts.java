package io.recoflow.operator.demo;

import io.recoflow.operator.api.budget.CloudCostBudget;
import io.recoflow.operator.budget.Forecast;
import io.recoflow.operator.budget.Sources;
import io.recoflow.operator.budget.source.CostQuery;
import io.recoflow.operator.budget.source.CostSource;
import io.recoflow.operator.budget.source.Spend;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * SIMULATED cost data: the demo has no OpenCost and no cloud bills, so every budget reads this whatever its
 * spec.source says (the tests run OpenCostSource against a real Prometheus holding OpenCost series and
 * CloudBillingSource against stubs of Cost Explorer and Cost Management). Spend accrues on the operator's clock at
 * fixed hourly rates per cluster, the way OpenCost prices nodes: eks-prod (AWS) {@value #EKS_HOURLY} USD/h, aks-prod
 * (Azure) {@value #AKS_HOURLY} USD/h, so that a whole month of it stays under 72 % of the example's $500 and a new
 * month starts with no action; and, from {@link #runaway} to {@link #stopRunaway}, a GPU node pool on eks-prod. The
 * daily series is the same arithmetic per UTC day, so the forecast sees what it would see from a real source.
 */
final class FakeCosts extends Sources {
    static final String EKS = "eks-prod";
    static final String AKS = "aks-prod";
    static final double EKS_HOURLY = 0.32;
    static final double AKS_HOURLY = 0.16;
    static final int GPU_NODES = 12;
    /** p4d.24xlarge, the on-demand list price in us-east-1. */
    static final double GPU_NODE_HOURLY = 32.77;
    static final double GPU_HOURLY = GPU_NODES * GPU_NODE_HOURLY;
    private static final Duration DAY = Duration.ofDays(1);

    private volatile Instant gpuFrom;
    private volatile Instant gpuTo;

    @Override
    public CostSource of(CloudCostBudget b, Function<String, Map<String, String>> secret) {
        return this::monthToDate;
    }

    /**
     * Starts the GPU pool far enough back that the month to date at {@code now} is {@code spent}.
     *
     * @return when it started
     */
    Instant runaway(Instant now, double spent) {
        Instant start = Forecast.periodStart(now);
        double base = (EKS_HOURLY + AKS_HOURLY) * hours(start, now);
        Instant from = now.minusMillis(Math.round((spent - base) / GPU_HOURLY * 3_600_000));
        if (from.isBefore(start) || from.isAfter(now)) {
            throw new IllegalArgumentException("$" + spent + " is not reachable by " + now + " (base $" + base + ")");
        }
        gpuTo = null;
        gpuFrom = from;
        return from;
    }

    void stopRunaway(Instant at) {
        gpuTo = at;
    }

    Spend monthToDate(CostQuery q) {
        Map<String, Double> byCluster = new TreeMap<>();
        Map<String, Double> byCloud = new TreeMap<>();
        for (var c : q.clusters().entrySet()) {
            double usd = usd(c.getKey(), q.periodStart(), q.now());
            byCluster.put(c.getKey(), usd);
            if (!c.getValue().isEmpty()) {
                byCloud.merge(c.getValue(), usd, Double::sum);
            }
        }
        List<Double> daily = new ArrayList<>();
        for (Instant d = q.periodStart(); d.isBefore(q.now()); d = d.plus(DAY)) {
            Instant end = d.plus(DAY).isBefore(q.now()) ? d.plus(DAY) : q.now();
            double day = 0;
            for (String c : q.clusters().keySet()) {
                day += usd(c, d, end);
            }
            daily.add(day);
        }
        double total = byCluster.values().stream().mapToDouble(Double::doubleValue).sum();
        // no namespace breakdown: an empty map is what a source that cannot break down returns
        return new Spend(total, byCloud, byCluster, Map.of(), daily, q.now());
    }

    /** One cluster's spend in [from, to). */
    private double usd(String cluster, Instant from, Instant to) {
        double rate = EKS.equals(cluster) ? EKS_HOURLY : AKS.equals(cluster) ? AKS_HOURLY : 0;
        double usd = rate * hours(from, to);
        Instant gFrom = gpuFrom;
        Instant gTo = gpuTo;
        if (EKS.equals(cluster) && gFrom != null) {
            Instant a = gFrom.isAfter(from) ? gFrom : from;
            Instant b = gTo != null && gTo.isBefore(to) ? gTo : to;
            usd += GPU_HOURLY * hours(a, b);
        }
        return usd;
    }

    private static double hours(Instant from, Instant to) {
        return Math.max(0, Duration.between(from, to).toMillis() / 3_600_000.0);
    }
}
