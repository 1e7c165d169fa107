package io.recoflow.operator.budget.source;

import java.net.URI;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.costexplorer.CostExplorerClient;
import software.amazon.awssdk.services.costexplorer.CostExplorerClientBuilder;
import software.amazon.awssdk.services.costexplorer.model.DateInterval;
import software.amazon.awssdk.services.costexplorer.model.Expression;
import software.amazon.awssdk.services.costexplorer.model.GetCostAndUsageRequest;
import software.amazon.awssdk.services.costexplorer.model.GetCostAndUsageResponse;
import software.amazon.awssdk.services.costexplorer.model.Granularity;
import software.amazon.awssdk.services.costexplorer.model.Group;
import software.amazon.awssdk.services.costexplorer.model.GroupDefinition;
import software.amazon.awssdk.services.costexplorer.model.GroupDefinitionType;
import software.amazon.awssdk.services.costexplorer.model.MatchOption;
import software.amazon.awssdk.services.costexplorer.model.MetricValue;
import software.amazon.awssdk.services.costexplorer.model.ResultByTime;
import software.amazon.awssdk.services.costexplorer.model.TagValues;

/**
 * The one place that talks to AWS Cost Explorer: {@code GetCostAndUsage}, daily unblended cost grouped by the
 * cluster tag, following {@code NextPageToken}. Each call costs USD 0.01 (per page), so the caller asks seldom.
 */
final class CostExplorer implements AutoCloseable {
    static final String METRIC = "UnblendedCost";
    // the error codes Cost Explorer (a JSON protocol service) sends with HTTP 400 for bad or unauthorised credentials
    private static final Set<String> AUTH_ERRORS = Set.of("AccessDeniedException", "UnrecognizedClientException",
            "InvalidSignatureException", "InvalidClientTokenId", "ExpiredTokenException", "SignatureDoesNotMatch",
            "MissingAuthenticationTokenException", "IncompleteSignatureException");

    private final CostExplorerClient client;

    /** endpoint: null for AWS's own ({@code ce.us-east-1.amazonaws.com}, the service's only endpoint). */
    CostExplorer(CloudCredentials.Aws keys, URI endpoint, Duration timeout) {
        AwsCredentials credentials = keys.sessionToken() == null
                ? AwsBasicCredentials.create(keys.accessKeyId(), keys.secretAccessKey())
                : AwsSessionCredentials.create(keys.accessKeyId(), keys.secretAccessKey(), keys.sessionToken());
        CostExplorerClientBuilder b = CostExplorerClient.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(credentials))
                .httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(timeout).socketTimeout(timeout))
                // the SDK's standard retries (3 attempts) stay within the reconcile's patience
                .overrideConfiguration(o -> o.apiCallAttemptTimeout(timeout).apiCallTimeout(timeout.multipliedBy(3)));
        if (endpoint != null) {
            b.endpointOverride(endpoint);
        }
        this.client = b.build();
    }

    /**
     * USD per day (start inclusive, end exclusive) per cluster tag value; every day of the interval is a key, with
     * an empty map on a day without cost.
     */
    SortedMap<LocalDate, Map<String, Double>> dailyByCluster(LocalDate start, LocalDate end,
            Collection<String> clusters) throws CostException {
        GetCostAndUsageRequest.Builder request = GetCostAndUsageRequest.builder()
                .timePeriod(DateInterval.builder().start(start.toString()).end(end.toString()).build())
                .granularity(Granularity.DAILY)
                .metrics(METRIC)
                .groupBy(GroupDefinition.builder().type(GroupDefinitionType.TAG)
                        .key(CloudBillingSource.CLUSTER_TAG).build())
                .filter(Expression.builder().tags(TagValues.builder().key(CloudBillingSource.CLUSTER_TAG)
                        .values(List.copyOf(clusters)).matchOptions(MatchOption.EQUALS).build()).build());
        SortedMap<LocalDate, Map<String, Double>> days = new TreeMap<>();
        String token = null;
        do {
            GetCostAndUsageResponse page = call(request.nextPageToken(token).build());
            for (ResultByTime r : page.resultsByTime()) {
                Map<String, Double> day = days.computeIfAbsent(date(r), d -> new HashMap<>());
                for (Group g : r.groups()) {
                    // a tag group's key is "<tag key>$<value>"; "$" alone is the untagged rest
                    String key = g.keys().isEmpty() ? "" : g.keys().get(0);
                    String cluster = key.substring(key.indexOf('$') + 1);
                    if (clusters.contains(cluster)) {
                        day.merge(cluster, usd(g.metrics().get(METRIC), r), Double::sum);
                    }
                }
            }
            token = page.nextPageToken();
        } while (token != null && !token.isEmpty());
        for (LocalDate d = start; d.isBefore(end); d = d.plusDays(1)) {
            if (!days.containsKey(d)) {
                throw CostException.unavailable("Cost Explorer returned no result for " + d + " (asked for "
                        + start + " to " + end + ")");
            }
        }
        return days;
    }

    private GetCostAndUsageResponse call(GetCostAndUsageRequest request) throws CostException {
        try {
            return client.getCostAndUsage(request);
        } catch (AwsServiceException e) {
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            String what = "Cost Explorer answered HTTP " + e.statusCode() + (code == null ? "" : " " + code) + ": "
                    + (e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage());
            if (e.statusCode() == 401 || e.statusCode() == 403 || AUTH_ERRORS.contains(code)) {
                throw CostException.rejected(what, e);
            }
            throw CostException.unavailable(what, e);
        } catch (SdkClientException e) {
            throw CostException.unavailable("Cost Explorer unreachable: " + e.getMessage(), e);
        }
    }

    private static LocalDate date(ResultByTime r) throws CostException {
        try {
            return LocalDate.parse(r.timePeriod().start().substring(0, 10));
        } catch (RuntimeException e) {
            throw CostException.unavailable("Cost Explorer result without a readable TimePeriod.Start: "
                    + r.timePeriod());
        }
    }

    private static double usd(MetricValue v, ResultByTime r) throws CostException {
        if (v == null || v.amount() == null) {
            throw CostException.unavailable("Cost Explorer result for " + r.timePeriod().start() + " has a group "
                    + "without " + METRIC);
        }
        if (!"USD".equals(v.unit())) {
            throw CostException.unsupported("Cost Explorer reports " + METRIC + " in " + v.unit()
                    + "; budgets are in USD");
        }
        try {
            return Double.parseDouble(v.amount());
        } catch (NumberFormatException e) {
            throw CostException.unavailable("Cost Explorer amount is not a number: " + v.amount());
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
