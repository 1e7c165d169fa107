package io.recoflow.operator.budget.source;

import com.azure.core.credential.TokenCredential;
import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.BearerTokenAuthenticationPolicy;
import com.azure.core.http.policy.ExponentialBackoff;
import com.azure.core.http.policy.RetryPolicy;
import com.azure.core.util.Context;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.aad.msal4j.MsalServiceException;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The one place that talks to Azure Cost Management: the {@code query} API ({@code POST
 * {scope}/providers/Microsoft.CostManagement/query?api-version=2023-03-01}), daily actual cost grouped by the
 * cluster tag, following {@code nextLink}. It goes through azure-core's HTTP pipeline (retries, bearer token) and
 * signs in as a service principal with azure-identity's {@code ClientSecretCredential}.
 */
final class CostManagement {
    static final String API_VERSION = "2023-03-01";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter USAGE_DATE = DateTimeFormatter.BASIC_ISO_DATE;

    private final HttpPipeline pipeline;
    private final URI endpoint;
    private final String scope;

    /**
     * endpoint: Azure Resource Manager, {@code https://management.azure.com} in the public cloud; authority: the
     * Entra ID host, {@code https://login.microsoftonline.com}. Both must be https (MSAL and the bearer-token
     * policy refuse anything else).
     */
    CostManagement(CloudCredentials.Azure keys, URI endpoint, URI authority, HttpClient http) {
        TokenCredential credential = new ClientSecretCredentialBuilder()
                .tenantId(keys.tenantId())
                .clientId(keys.clientId())
                .clientSecret(keys.clientSecret())
                .authorityHost(authority.toString())
                // the authority is a constant here (or a test's stub), never user input: nothing for MSAL's
                // instance discovery to check, and it would be one more call to login.microsoftonline.com
                .disableInstanceDiscovery()
                .httpClient(http)
                .build();
        String base = endpoint.toString().replaceAll("/+$", "");
        this.endpoint = URI.create(base);
        this.scope = "/" + keys.scope().replaceAll("^/+|/+$", "");
        this.pipeline = new HttpPipelineBuilder()
                .httpClient(http)
                // two quick retries for a 429 or 5xx; the reconcile asks again later anyway
                .policies(new RetryPolicy(new ExponentialBackoff(2, Duration.ofMillis(200), Duration.ofSeconds(2))),
                        new BearerTokenAuthenticationPolicy(credential, base + "/.default"))
                .build();
    }

    /**
     * USD per day per cluster tag value, from {@code from} to {@code to}. Cost Management leaves out days without
     * cost, so a day may be absent.
     */
    SortedMap<LocalDate, Map<String, Double>> dailyByCluster(Instant from, Instant to, Collection<String> clusters)
            throws CostException {
        String body = query(from, to, clusters).toString();
        SortedMap<LocalDate, Map<String, Double>> days = new TreeMap<>();
        String url = endpoint + scope + "/providers/Microsoft.CostManagement/query?api-version=" + API_VERSION;
        while (url != null && !url.isEmpty()) {
            JsonNode props = post(url, body).path("properties");
            Columns c = props.path("rows").isEmpty() ? null : Columns.of(props.path("columns"));
            for (JsonNode row : props.path("rows")) {
                String cluster = row.path(c.tagValue).asText("");
                if (!clusters.contains(cluster)) {
                    continue;
                }
                if (!"USD".equalsIgnoreCase(row.path(c.currency).asText())) {
                    throw CostException.unsupported("Cost Management reports cost in " + row.path(c.currency).asText()
                            + " (the billing currency of " + scope + "); budgets are in USD");
                }
                LocalDate day;
                try {
                    day = LocalDate.parse(row.path(c.date).asText(), USAGE_DATE);
                } catch (RuntimeException e) {
                    throw CostException.unavailable("Cost Management row with an unreadable UsageDate: " + row);
                }
                if (!row.path(c.cost).isNumber()) {
                    throw CostException.unavailable("Cost Management row without a numeric cost: " + row);
                }
                days.computeIfAbsent(day, d -> new HashMap<>()).merge(cluster, row.path(c.cost).asDouble(),
                        Double::sum);
            }
            // the next page is asked for with the same body (Cost Management's paging)
            url = props.path("nextLink").asText(null);
        }
        return days;
    }

    static ObjectNode query(Instant from, Instant to, Collection<String> clusters) {
        ObjectNode q = JSON.createObjectNode();
        q.put("type", "ActualCost");
        q.put("timeframe", "Custom");
        q.putObject("timePeriod").put("from", from.toString()).put("to", to.toString());
        ObjectNode dataset = q.putObject("dataset");
        dataset.put("granularity", "Daily");
        dataset.putObject("aggregation").putObject("totalCost").put("name", "Cost").put("function", "Sum");
        dataset.putArray("grouping").addObject().put("type", "TagKey").put("name", CloudBillingSource.CLUSTER_TAG);
        ObjectNode tags = dataset.putObject("filter").putObject("tags");
        tags.put("name", CloudBillingSource.CLUSTER_TAG).put("operator", "In");
        clusters.stream().sorted().forEach(tags.putArray("values")::add);
        return q;
    }

    private JsonNode post(String url, String body) throws CostException {
        HttpRequest request = new HttpRequest(HttpMethod.POST, url)
                .setHeader(HttpHeaderName.CONTENT_TYPE, "application/json")
                .setBody(body);
        try (HttpResponse rsp = pipeline.sendSync(request, Context.NONE)) {
            String text = rsp.getBodyAsBinaryData() == null ? "" : rsp.getBodyAsBinaryData().toString();
            int status = rsp.getStatusCode();
            if (status == 401 || status == 403) {
                throw CostException.rejected("Cost Management refused the service principal for " + scope + " (HTTP "
                        + status + "): " + azureError(text), null);
            }
            if (status != 200) {
                throw CostException.unavailable("Cost Management answered HTTP " + status + " for " + scope + ": "
                        + azureError(text));
            }
            try {
                return JSON.readTree(text);
            } catch (IOException e) {
                throw CostException.unavailable("Cost Management answered HTTP 200 without JSON for " + scope);
            }
        } catch (RuntimeException e) {
            throw classify(e);
        }
    }

    /** azure-core reports a refused token, a timeout and a refused connection alike: unchecked, wrapped. */
    private static CostException classify(RuntimeException e) {
        MsalServiceException aad = cause(e, MsalServiceException.class);
        if (aad != null && aad.statusCode() != null && aad.statusCode() >= 500) {
            return CostException.unavailable("Entra ID could not issue a token (HTTP " + aad.statusCode() + "): "
                    + aad.getMessage(), e);
        }
        if (aad != null || cause(e, ClientAuthenticationException.class) != null) {
            return CostException.rejected("Entra ID refused the service principal: "
                    + (aad != null ? aad.getMessage() : e.getMessage()), e);
        }
        return CostException.unavailable("Cost Management unreachable: " + e, e);
    }

    private static String azureError(String body) {
        try {
            JsonNode error = JSON.readTree(body).path("error");
            if (error.isObject()) {
                return error.path("code").asText() + ": " + error.path("message").asText();
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: show it as it came
        }
        return body.length() > 300 ? body.substring(0, 300) + "..." : body;
    }

    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** Where each value is in a row; Cost Management orders its columns as it likes. */
    private record Columns(int cost, int date, int tagValue, int currency) {
        static Columns of(JsonNode columns) throws CostException {
            int cost = -1;
            int date = -1;
            int tag = -1;
            int currency = -1;
            for (int i = 0; i < columns.size(); i++) {
                switch (columns.get(i).path("name").asText()) {
                    case "Cost", "PreTaxCost", "totalCost" -> cost = i;
                    case "UsageDate" -> date = i;
                    case "TagValue" -> tag = i;
                    case "Currency" -> currency = i;
                    default -> { }
                }
            }
            if (cost < 0 || date < 0 || tag < 0 || currency < 0) {
                throw CostException.unavailable("Cost Management answer lacks a Cost, UsageDate, TagValue or "
                        + "Currency column: " + columns);
            }
            return new Columns(cost, date, tag, currency);
        }
    }
}
