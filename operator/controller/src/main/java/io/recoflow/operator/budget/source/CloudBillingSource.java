package io.recoflow.operator.budget.source;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import java.net.URI;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import javax.net.ssl.SSLContext;

/**
 * Month-to-date spend from the clouds' own bills: AWS Cost Explorer ({@link CostExplorer}) for clusters on
 * {@code aws}, Azure Cost Management ({@link CostManagement}) for clusters on {@code azure}, daily, grouped by the
 * tag {@value #CLUSTER_TAG} whose value is the ClusterTarget name. Only resources carrying that tag count: put it
 * on every cluster's resources (on AWS also activate it as a cost allocation tag; on AKS the cluster's tags reach
 * the node resource group). A bill has no namespaces, so {@code byNamespace} is empty and a query naming namespaces
 * is refused.
 *
 * <p>Bills are late: AWS refreshes Cost Explorer at least once a day, Azure within 8 to 24 hours, so today's and
 * yesterday's costs are partial and {@link Spend#asOf()} is the query's now, not the data's. What is missing is an
 * exception, never a smaller sum: a cluster with no tagged cost at all in the period ({@code CostDataUnavailable},
 * e.g. on the 1st, before the first bill, or when the tag is not on its resources) or whose newest cost is more
 * than {@value #LATE_DAYS} days old ({@code CostDataStale}), and a Cost Explorer answer that skips a day.
 *
 * <p>Bills change a few times a day, so ask at most hourly: Cost Explorer charges USD 0.01 per request (per page),
 * Cost Management throttles a scope to a few queries a minute.
 *
 * <p>Tested against local HTTP stubs that answer in the documented shapes of {@code GetCostAndUsage}, the Cost
 * Management query and the Entra ID token endpoint; no cloud is reachable from the build machines.
 */
public final class CloudBillingSource implements CostSource, AutoCloseable {
    /**
     * The cost allocation tag naming a resource's cluster. Not {@code recoflow.io/cluster}: Azure refuses '/' in
     * tag names, and one key for both clouds keeps the tagging in the Pulumi stacks the same.
     */
    public static final String CLUSTER_TAG = "recoflow-cluster";
    static final int LATE_DAYS = 2;

    /** Where the clouds are; tests point them at stubs (tls: trust for an https stub, null for the JDK's). */
    public record Endpoints(URI costExplorer, URI management, URI authority, SSLContext tls) {
        public static final Endpoints PUBLIC = new Endpoints(null, URI.create("https://management.azure.com"),
                URI.create("https://login.microsoftonline.com"), null);
    }

    private final CostExplorer aws;
    private final CostManagement azure;

    /** timeout: for one HTTP call (connect, and waiting for the answer). */
    public CloudBillingSource(CloudCredentials credentials, Duration timeout) {
        this(credentials, Endpoints.PUBLIC, timeout);
    }

    public CloudBillingSource(CloudCredentials credentials, Endpoints endpoints, Duration timeout) {
        this.aws = credentials.aws() == null ? null
                : new CostExplorer(credentials.aws(), endpoints.costExplorer(), timeout);
        if (credentials.azure() == null) {
            this.azure = null;
        } else {
            java.net.http.HttpClient.Builder jdk = java.net.http.HttpClient.newBuilder();
            if (endpoints.tls() != null) {
                jdk.sslContext(endpoints.tls());
            }
            this.azure = new CostManagement(credentials.azure(), endpoints.management(), endpoints.authority(),
                    new JdkHttpClientBuilder(jdk).connectionTimeout(timeout).responseTimeout(timeout)
                            .readTimeout(timeout).build());
        }
    }

    @Override
    public Spend monthToDate(CostQuery q) throws CostException {
        if (!q.namespaces().isEmpty()) {
            throw CostException.unsupported("a cloud bill has no namespaces (asked for " + q.namespaces()
                    + "): budget namespaces with the opencost source");
        }
        List<String> onAws = onCloud(q, "aws");
        List<String> onAzure = onCloud(q, "azure");
        List<String> elsewhere = new ArrayList<>(q.clusters().keySet());
        elsewhere.removeAll(onAws);
        elsewhere.removeAll(onAzure);
        if (!elsewhere.isEmpty()) {
            throw CostException.unsupported("no billing source for the cloud of cluster(s) " + elsewhere
                    + " (only aws and azure)");
        }
        LocalDate start = LocalDate.ofInstant(q.periodStart(), ZoneOffset.UTC);
        LocalDate today = LocalDate.ofInstant(q.now(), ZoneOffset.UTC);
        Map<String, SortedMap<LocalDate, Map<String, Double>>> byCloud = new LinkedHashMap<>();
        if (!onAws.isEmpty()) {
            if (aws == null) {
                throw missing("AWS", onAws, "accessKeyId and secretAccessKey");
            }
            // Cost Explorer's end date is exclusive: tomorrow, so today's first costs count
            byCloud.put("aws", complete("AWS", aws.dailyByCluster(start, today.plusDays(1), onAws), onAws, today));
        }
        if (!onAzure.isEmpty()) {
            if (azure == null) {
                throw missing("Azure", onAzure, "tenantId, clientId, clientSecret and scope");
            }
            byCloud.put("azure", complete("Azure", azure.dailyByCluster(q.periodStart(), q.now(), onAzure), onAzure,
                    today));
        }

        Map<String, Double> cloudTotals = new LinkedHashMap<>();
        Map<String, Double> byCluster = new LinkedHashMap<>();
        double[] daily = new double[(int) (today.toEpochDay() - start.toEpochDay()) + 1];
        byCloud.forEach((cloud, days) -> days.forEach((day, clusters) -> clusters.forEach((c, usd) -> {
            int i = (int) (day.toEpochDay() - start.toEpochDay());
            if (i >= 0 && i < daily.length) { // a bill may date a charge outside the period asked for
                cloudTotals.merge(cloud, usd, Double::sum);
                byCluster.merge(c, usd, Double::sum);
                daily[i] += usd;
            }
        })));
        List<Double> days = new ArrayList<>(daily.length);
        for (double d : daily) {
            days.add(d);
        }
        double total = byCluster.values().stream().mapToDouble(Double::doubleValue).sum();
        return new Spend(total, cloudTotals, byCluster, Map.of(), days, q.now());
    }

    /** Every cluster has cost, and recent cost: else the bill is not there yet, or not tagged. */
    private static SortedMap<LocalDate, Map<String, Double>> complete(String cloud,
            SortedMap<LocalDate, Map<String, Double>> days, List<String> clusters, LocalDate today)
            throws CostException {
        Map<String, LocalDate> newest = new TreeMap<>();
        days.forEach((day, costs) -> costs.forEach((c, usd) -> {
            if (usd > 0) {
                newest.merge(c, day, (a, b) -> a.isAfter(b) ? a : b);
            }
        }));
        List<String> none = new ArrayList<>();
        List<String> late = new ArrayList<>();
        for (String c : clusters) {
            LocalDate d = newest.get(c);
            if (d == null) {
                none.add(c);
            } else if (d.isBefore(today.minusDays(LATE_DAYS))) {
                late.add(c + " (newest cost on " + d + ")");
            }
        }
        if (!none.isEmpty()) {
            throw CostException.unavailable("the " + cloud + " bill has no cost tagged " + CLUSTER_TAG + "=<name> "
                    + "this period for cluster(s) " + none + ": bills arrive up to a day late, and only tagged "
                    + "resources count");
        }
        if (!late.isEmpty()) {
            throw CostException.stale("the " + cloud + " bill has had no cost for more than " + LATE_DAYS
                    + " days before " + today + " for: " + String.join(", ", late));
        }
        return days;
    }

    private static List<String> onCloud(CostQuery q, String cloud) {
        List<String> out = new ArrayList<>();
        q.clusters().forEach((c, v) -> {
            if (cloud.equalsIgnoreCase(v)) {
                out.add(c);
            }
        });
        return out;
    }

    private static CostException missing(String cloud, List<String> clusters, String keys) {
        return new CostException(CostException.MISSING, false, "cluster(s) " + clusters + " are on " + cloud
                + " but the credentials Secret has no " + keys);
    }

    @Override
    public void close() {
        if (aws != null) {
            aws.close();
        }
    }
}
