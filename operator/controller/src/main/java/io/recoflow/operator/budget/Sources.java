package io.recoflow.operator.budget;

import io.recoflow.operator.api.budget.CloudCostBudget;
import io.recoflow.operator.api.budget.CloudCostBudgetSpec;
import io.recoflow.operator.budget.source.CloudBillingSource;
import io.recoflow.operator.budget.source.CloudCredentials;
import io.recoflow.operator.budget.source.OpenCostSource;
import io.recoflow.operator.core.Prometheus;
import java.net.URI;
import java.time.Duration;
import io.recoflow.operator.budget.source.CostException;
import io.recoflow.operator.budget.source.CostSource;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Builds the cost source a budget's spec names, with its credentials from Secrets in the operator's namespace. */
public class Sources {
    /** One client (and its HTTP client's threads) per Prometheus and timeout, not one per poll. */
    private final java.util.Map<String, Prometheus> prometheus = new java.util.concurrent.ConcurrentHashMap<>();

    /** The client of the Prometheus at {@code url}, shared by every budget and read that names it. */
    public Prometheus prometheus(URI url, Duration timeout) {
        return prometheus.computeIfAbsent(url + " " + timeout, k -> new Prometheus(url, timeout));
    }

    /** @param secret Secret name -> its data (decoded), null when there is no such Secret */
    public CostSource of(CloudCostBudget b, Function<String, Map<String, String>> secret) throws CostException {
        var src = b.getSpec().source;
        if (src.type == CloudCostBudgetSpec.SourceType.OPENCOST) {
            return new OpenCostSource(prometheus(URI.create(src.opencost.prometheusUrl), TIMEOUT));
        }
        CloudCredentials.Aws aws = null;
        if (src.aws != null) {
            Map<String, String> d = data(secret, src.aws.credentialsSecret);
            aws = new CloudCredentials.Aws(required(d, src.aws.credentialsSecret, "accessKeyId"),
                    required(d, src.aws.credentialsSecret, "secretAccessKey"), d.get("sessionToken"));
        }
        CloudCredentials.Azure azure = null;
        if (src.azure != null) {
            String name = src.azure.credentialsSecret;
            Map<String, String> d = data(secret, name);
            azure = new CloudCredentials.Azure(required(d, name, "tenantId"), required(d, name, "clientId"),
                    required(d, name, "clientSecret"), required(d, name, "scope"));
        }
        var pub = CloudBillingSource.Endpoints.PUBLIC;
        var endpoints = new CloudBillingSource.Endpoints(
                src.aws == null || src.aws.endpoint == null ? pub.costExplorer() : URI.create(src.aws.endpoint),
                src.azure == null || src.azure.endpoint == null ? pub.management() : URI.create(src.azure.endpoint),
                src.azure == null || src.azure.authorityHost == null ? pub.authority()
                        : URI.create(src.azure.authorityHost), null);
        return new CloudBillingSource(new CloudCredentials(aws, azure), endpoints, TIMEOUT);
    }

    static final Duration TIMEOUT = Duration.ofSeconds(15);

    private static Map<String, String> data(Function<String, Map<String, String>> secret, String name)
            throws CostException {
        Map<String, String> d = secret.apply(name);
        if (d == null) {
            throw new CostException(CostException.MISSING, false, "Secret " + name + " not found in the operator's "
                    + "namespace (budget credentials are read there only)");
        }
        return d;
    }

    private static String required(Map<String, String> d, String secret, String key) throws CostException {
        String v = d.get(key);
        if (v == null || v.isBlank()) {
            throw new CostException(CostException.MISSING, false, "Secret " + secret + " has no key " + key);
        }
        return v;
    }

    /** The Secrets a budget reads (credentials, webhook): its reconcile wakes when one of them changes. */
    static Set<String> secretNames(CloudCostBudget b) {
        Set<String> out = new LinkedHashSet<>();
        var spec = b.getSpec();
        if (spec == null) {
            return out;
        }
        if (spec.source != null && spec.source.aws != null && spec.source.aws.credentialsSecret != null) {
            out.add(spec.source.aws.credentialsSecret);
        }
        if (spec.source != null && spec.source.azure != null && spec.source.azure.credentialsSecret != null) {
            out.add(spec.source.azure.credentialsSecret);
        }
        if (spec.notify != null && spec.notify.webhookSecret != null) {
            out.add(spec.notify.webhookSecret);
        }
        return out;
    }
}
