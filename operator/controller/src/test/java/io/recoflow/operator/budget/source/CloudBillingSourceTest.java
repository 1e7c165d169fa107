package io.recoflow.operator.budget.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recoflow.operator.budget.source.HttpStub.Reply;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CloudBillingSource against local stubs of AWS Cost Explorer (GetCostAndUsage), Azure Cost Management (query) and
 * the Entra ID token endpoint, answering in the documented JSON shapes: no cloud is reachable from the build
 * machines, so the real services are not called.
 */
class CloudBillingSourceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant START = Instant.parse("2026-12-01T00:00:00Z");
    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
    private static final String TOKEN_PATH = "/tenant-1/oauth2/v2.0/token";
    private static final String QUERY_PATH = "/subscriptions/sub-1/providers/Microsoft.CostManagement/query";
    private static final CloudCredentials CREDENTIALS = new CloudCredentials(
            new CloudCredentials.Aws("AKIDTEST", "secret-key", "session-1"),
            new CloudCredentials.Azure("tenant-1", "client-1", "client-secret", "/subscriptions/sub-1"));

    @TempDir
    static Path dir;
    static HttpStub.Tls tls;
    HttpStub ce;
    HttpStub azure;

    @BeforeAll
    static void certificate() throws Exception {
        tls = new HttpStub.Tls(dir);
    }

    @BeforeEach
    void stubs() throws Exception {
        ce = HttpStub.http();
        azure = HttpStub.https(tls);
        azure.route(TOKEN_PATH, r -> Reply.json("""
                {"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"stub-token"}"""));
    }

    @AfterEach
    void stop() {
        ce.close();
        azure.close();
    }

    CloudBillingSource source(Duration timeout) {
        return new CloudBillingSource(CREDENTIALS,
                new CloudBillingSource.Endpoints(ce.uri, azure.uri, azure.uri, tls.client), timeout);
    }

    static CostQuery query(Map<String, String> clusters) {
        return new CostQuery(START, NOW, clusters, List.of());
    }

    @Test
    void bothCloudsMonthToDateFollowingPages() throws Exception {
        // Cost Explorer: page 1 has 12-01 and 12-02 (and the untagged rest, "recoflow-cluster$"), page 2 has more of
        // 12-02 and 12-03, as Cost Explorer splits groups over pages
        ce.route("/", r -> JSON.readTree(r.body()).has("NextPageToken")
                ? Reply.json(cePage(null, day("2026-12-02", "aws-east", "0.5"), day("2026-12-03", "aws-east", "3.5")))
                : Reply.json(cePage("page-2", day("2026-12-01", "aws-east", "10.0", "", "99"),
                        day("2026-12-02", "aws-east", "12.0"))));
        // Cost Management: 12-01 and 12-02 on page 1, 12-03 behind nextLink
        azure.route(QUERY_PATH, r -> r.query().contains("skiptoken")
                ? Reply.json(azurePage(null, row(4.0, 20261203, "azure-west")))
                : Reply.json(azurePage(azure.uri + QUERY_PATH + "?api-version=2023-03-01&$skiptoken=p2",
                        row(20.0, 20261201, "azure-west"), row(21.0, 20261202, "azure-west"))));

        Spend s;
        try (CloudBillingSource source = source(Duration.ofSeconds(5))) {
            s = source.monthToDate(query(Map.of("aws-east", "aws", "azure-west", "azure")));
        }

        // aws-east: 10 + 12 + 0.5 + 3.5 = 26 (the untagged 99 is not the cluster's); azure-west: 20 + 21 + 4 = 45
        assertThat(s.byCluster()).containsOnlyKeys("aws-east", "azure-west");
        assertThat(s.byCluster().get("aws-east")).isCloseTo(26.0, within(1e-9));
        assertThat(s.byCluster().get("azure-west")).isCloseTo(45.0, within(1e-9));
        assertThat(s.byCloud().get("aws")).isCloseTo(26.0, within(1e-9));
        assertThat(s.byCloud().get("azure")).isCloseTo(45.0, within(1e-9));
        assertThat(s.totalUSD()).isCloseTo(71.0, within(1e-9));
        // per day: 10 + 20, 12 + 0.5 + 21, 3.5 + 4
        assertThat(s.daily()).hasSize(3);
        assertThat(s.daily().get(0)).isCloseTo(30.0, within(1e-9));
        assertThat(s.daily().get(1)).isCloseTo(33.5, within(1e-9));
        assertThat(s.daily().get(2)).isCloseTo(7.5, within(1e-9));
        assertThat(s.byNamespace()).isEmpty();
        assertThat(s.asOf()).isEqualTo(NOW);

        // what the AWS SDK sent: one request per page, signed with the static keys for ce in us-east-1
        List<HttpStub.Request> aws = ce.requests("/");
        assertThat(aws).hasSize(2);
        assertThat(aws.get(0).headers().get("x-amz-target")).isEqualTo("AWSInsightsIndexService.GetCostAndUsage");
        assertThat(aws.get(0).headers().get("authorization")).startsWith("AWS4-HMAC-SHA256 Credential=AKIDTEST/")
                .contains("/us-east-1/ce/aws4_request");
        assertThat(aws.get(0).headers().get("x-amz-security-token")).isEqualTo("session-1");
        JsonNode first = JSON.readTree(aws.get(0).body());
        assertThat(first.path("TimePeriod").path("Start").asText()).isEqualTo("2026-12-01");
        assertThat(first.path("TimePeriod").path("End").asText()).isEqualTo("2026-12-04"); // exclusive: today counts
        assertThat(first.path("Granularity").asText()).isEqualTo("DAILY");
        assertThat(first.path("Metrics").toString()).isEqualTo("[\"UnblendedCost\"]");
        assertThat(first.path("GroupBy").toString()).isEqualTo("[{\"Type\":\"TAG\",\"Key\":\"recoflow-cluster\"}]");
        assertThat(first.path("Filter").path("Tags").path("Key").asText()).isEqualTo("recoflow-cluster");
        assertThat(first.path("Filter").path("Tags").path("Values").toString()).isEqualTo("[\"aws-east\"]");
        assertThat(first.has("NextPageToken")).isFalse();
        assertThat(JSON.readTree(aws.get(1).body()).path("NextPageToken").asText()).isEqualTo("page-2");

        // what azure-identity sent for the token: the client-credentials grant for ARM's scope
        List<HttpStub.Request> token = azure.requests(TOKEN_PATH);
        assertThat(token).hasSize(1);
        Map<String, String> form = form(token.get(0).body());
        assertThat(form).containsEntry("grant_type", "client_credentials").containsEntry("client_id", "client-1")
                .containsEntry("client_secret", "client-secret");
        assertThat(form.get("scope").split(" ")).contains(azure.uri + "/.default"); // MSAL adds openid profile...

        // what the pipeline sent to Cost Management: the bearer token, the query, the same body on the next page
        List<HttpStub.Request> cm = azure.requests(QUERY_PATH);
        assertThat(cm).hasSize(2);
        assertThat(cm.get(0).method()).isEqualTo("POST");
        assertThat(cm.get(0).query()).isEqualTo("api-version=2023-03-01");
        assertThat(cm.get(0).headers().get("authorization")).isEqualTo("Bearer stub-token");
        JsonNode body = JSON.readTree(cm.get(0).body());
        assertThat(body.path("type").asText()).isEqualTo("ActualCost");
        assertThat(body.path("timeframe").asText()).isEqualTo("Custom");
        assertThat(body.path("timePeriod").path("from").asText()).isEqualTo("2026-12-01T00:00:00Z");
        assertThat(body.path("timePeriod").path("to").asText()).isEqualTo("2026-12-03T10:00:00Z");
        JsonNode dataset = body.path("dataset");
        assertThat(dataset.path("granularity").asText()).isEqualTo("Daily");
        assertThat(dataset.path("aggregation").toString())
                .isEqualTo("{\"totalCost\":{\"name\":\"Cost\",\"function\":\"Sum\"}}");
        assertThat(dataset.path("grouping").toString())
                .isEqualTo("[{\"type\":\"TagKey\",\"name\":\"recoflow-cluster\"}]");
        assertThat(dataset.path("filter").path("tags").toString())
                .isEqualTo("{\"name\":\"recoflow-cluster\",\"operator\":\"In\",\"values\":[\"azure-west\"]}");
        assertThat(cm.get(1).query()).contains("$skiptoken=p2");
        assertThat(cm.get(1).body()).isEqualTo(cm.get(0).body());
    }

    @Test
    void awsForbiddenIsCredentialsRejected() {
        ce.route("/", r -> Reply.status(403, """
                {"__type":"AccessDeniedException","Message":"User: arn:aws:iam::1:user/x is not authorized to perform: ce:GetCostAndUsage"}"""));
        assertThatThrownBy(() -> source(Duration.ofSeconds(5)).monthToDate(query(Map.of("aws-east", "aws"))))
                .isInstanceOfSatisfying(CostException.class, e -> {
                    assertThat(e.reason()).isEqualTo("CredentialsRejected");
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("403", "not authorized");
                });
    }

    @Test
    void awsUnknownKeyIsCredentialsRejected() {
        // Cost Explorer sends HTTP 400 with this code for an access key it does not know
        ce.route("/", r -> Reply.status(400, """
                {"__type":"UnrecognizedClientException","message":"The security token included in the request is invalid."}"""));
        assertThatThrownBy(() -> source(Duration.ofSeconds(5)).monthToDate(query(Map.of("aws-east", "aws"))))
                .isInstanceOfSatisfying(CostException.class, e -> assertThat(e.reason())
                        .isEqualTo("CredentialsRejected"));
    }

    @Test
    void awsServerErrorIsUnavailableAfterTheSdkRetried() {
        ce.route("/", r -> Reply.status(500, "{\"__type\":\"InternalServerError\",\"message\":\"boom\"}"));
        assertThatThrownBy(() -> source(Duration.ofSeconds(5)).monthToDate(query(Map.of("aws-east", "aws"))))
                .isInstanceOfSatisfying(CostException.class, e -> {
                    assertThat(e.reason()).isEqualTo("CostDataUnavailable");
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.getMessage()).contains("500");
                });
        // the SDK's standard retries ran out: the last attempt is its maximum ("attempt=4; max=4")
        List<HttpStub.Request> tries = ce.requests("/");
        assertThat(tries).hasSizeGreaterThan(1);
        String last = tries.get(tries.size() - 1).headers().get("amz-sdk-request");
        assertThat(last).isEqualTo("attempt=" + tries.size() + "; max=" + tries.size());
    }

    @Test
    void awsTimeoutIsUnavailable() {
        ce.route("/", r -> new Reply(200, cePage(null, day("2026-12-01", "aws-east", "1")), 3000));
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> source(Duration.ofMillis(300)).monthToDate(query(Map.of("aws-east", "aws"))))
                .isInstanceOfSatisfying(CostException.class, e -> {
                    assertThat(e.reason()).isEqualTo("CostDataUnavailable");
                    assertThat(e.retryable()).isTrue();
                });
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void awsDayMissingFromTheAnswerIsUnavailable() {
        ce.route("/", r -> Reply.json(cePage(null, day("2026-12-01", "aws-east", "1"),
                day("2026-12-03", "aws-east", "1"))));
        assertThatThrownBy(() -> source(Duration.ofSeconds(5)).monthToDate(query(Map.of("aws-east", "aws"))))
                .isInstanceOfSatisfying(CostException.class, e -> {
                    assertThat(e.reason()).isEqualTo("CostDataUnavailable");
                    assertThat(e.getMessage()).contains("no result for 2026-12-02");
                });
    }

    @Test
    void clusterWithoutTaggedCostIsUnavailableNotZero() {
        ce.route("/", r -> Reply.json(cePage(null, day("2026-12-01", "aws-east", "5"), day("2026-12-02", "aws-east",
                "5"), day("2026-12-03"))));
        assertThatThrownBy(() -> source(Duration.ofSeconds(5))
                .monthToDate(query(Map.of("aws-east", "aws", "aws-new", "aws"))))
                .isInstanceOfSatisfying(CostException.class, e -> {
                    assertThat(e.reason()).isEqualTo("CostDataUnavailable");
                    assertThat(e.getMessage()).contains("aws-new", "recoflow-cluster");
                });
    }

    @Test
    void billThatStoppedIsStale() {
        // now is 12-06; the newest cost is on 12-02, more than two days back
        ce.route("/", r -> Reply.json(cePage(null, day("2026-12-01", "aws-east", "5"), day("2026-12-02", "aws-east",
                "5"), day("2026-12-03"), day("2026-12-04"), day("2026-12-05"), day("2026-12-06"))));
        CostQuery q = new CostQuery(START, Instant.parse("2026-12-06T08:00:00Z"), Map.of("aws-east", "aws"),
                List.of());
        assertThatThrownBy(() -> source(Duration.ofSeconds(5)).monthToDate(q))
                .isInstanceOfSatisfying(CostException.class, e -> {
                    assertThat(e.reason()).isEqualTo("CostDataStale");
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.getMessage()).contains("aws-east", "2026-12-02");
                });
    }

    @Test
    void azureForbiddenIsCredentialsRejected() {
        azure.route(QUERY_PATH, r -> Reply.status(403, """
                {"error":{"code":"AuthorizationFailed","message":"The client 'client-1' does not have authorization to perform action 'Microsoft.CostManagement/query/action'"}}"""));
        assertThatThrownBy(() -> source(Duration.ofSeconds(5)).monthToDate(query(Map.of("azure-west", "azure"))))
                .isInstanceOfSatisfying(CostException.class, e -> {
                    assertThat(e.reason()).isEqualTo("CredentialsRejected");
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("AuthorizationFailed");
                });
    }

    @Test
    void azureWrongSecretIsCredentialsRejected() {
        azure.route(TOKEN_PATH, r -> Reply.status(401, """
                {"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.","error_codes":[7000215]}"""));
        azure.route(QUERY_PATH, r -> Reply.json(azurePage(null)));
        assertThatThrownBy(() -> source(Duration.ofSeconds(5)).monthToDate(query(Map.of("azure-west", "azure"))))
                .isInstanceOfSatisfying(CostException.class, e -> {
                    assertThat(e.reason()).isEqualTo("CredentialsRejected");
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("AADSTS7000215");
                });
        assertThat(azure.requests(QUERY_PATH)).isEmpty();
    }

    @Test
    void azureServerErrorIsUnavailableAfterRetries() {
        azure.route(QUERY_PATH, r -> Reply.status(503, "{\"error\":{\"code\":\"ServiceUnavailable\","
                + "\"message\":\"try later\"}}"));
        assertThatThrownBy(() -> source(Duration.ofSeconds(5)).monthToDate(query(Map.of("azure-west", "azure"))))
                .isInstanceOfSatisfying(CostException.class, e -> {
                    assertThat(e.reason()).isEqualTo("CostDataUnavailable");
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.getMessage()).contains("503", "ServiceUnavailable");
                });
        assertThat(azure.requests(QUERY_PATH)).hasSize(3); // the first try and two retries
    }

    @Test
    void azureTimeoutIsUnavailable() {
        azure.route(QUERY_PATH, r -> new Reply(200, azurePage(null, row(1.0, 20261201, "azure-west")), 3000));
        assertThatThrownBy(() -> source(Duration.ofMillis(300)).monthToDate(query(Map.of("azure-west", "azure"))))
                .isInstanceOfSatisfying(CostException.class, e -> {
                    assertThat(e.reason()).isEqualTo("CostDataUnavailable");
                    assertThat(e.retryable()).isTrue();
                });
    }

    @Test
    void azureBillInAnotherCurrencyIsRefused() {
        azure.route(QUERY_PATH, r -> Reply.json(azurePage(null, "[20.0, 20261201, \"recoflow-cluster\", "
                + "\"azure-west\", \"EUR\"]")));
        assertThatThrownBy(() -> source(Duration.ofSeconds(5)).monthToDate(query(Map.of("azure-west", "azure"))))
                .isInstanceOfSatisfying(CostException.class, e -> {
                    assertThat(e.reason()).isEqualTo("CostQueryUnsupported");
                    assertThat(e.getMessage()).contains("EUR");
                });
    }

    @Test
    void namespacesCannotComeFromABill() {
        CostQuery q = new CostQuery(START, NOW, Map.of("aws-east", "aws"), List.of("shop"));
        assertThatThrownBy(() -> source(Duration.ofSeconds(5)).monthToDate(q))
                .isInstanceOfSatisfying(CostException.class, e -> assertThat(e.reason())
                        .isEqualTo("CostQueryUnsupported"));
        assertThat(ce.requests).isEmpty();
    }

    @Test
    void cloudWithoutCredentialsIsCredentialsMissing() {
        CloudBillingSource awsOnly = new CloudBillingSource(new CloudCredentials(CREDENTIALS.aws(), null),
                new CloudBillingSource.Endpoints(ce.uri, azure.uri, azure.uri, tls.client), Duration.ofSeconds(5));
        assertThatThrownBy(() -> awsOnly.monthToDate(query(Map.of("azure-west", "azure"))))
                .isInstanceOfSatisfying(CostException.class, e -> {
                    assertThat(e.reason()).isEqualTo("CredentialsMissing");
                    assertThat(e.getMessage()).contains("azure-west", "tenantId");
                });
    }

    @Test
    void credentialsFromSecretData() throws Exception {
        CloudCredentials c = CloudCredentials.fromSecret(Map.of("accessKeyId", b64("AKID"), "secretAccessKey",
                b64("s3cr3t\n"), "tenantId", b64("t"), "clientId", b64("c"), "clientSecret", b64("cs"), "scope",
                b64("/subscriptions/1")));
        assertThat(c.aws()).isEqualTo(new CloudCredentials.Aws("AKID", "s3cr3t", null));
        assertThat(c.azure()).isEqualTo(new CloudCredentials.Azure("t", "c", "cs", "/subscriptions/1"));
        assertThat(c.toString()).doesNotContain("s3cr3t", "cs,").contains("AKID");
        assertThat(CloudCredentials.fromSecret(Map.of("accessKeyId", b64("AKID"), "secretAccessKey", b64("s")))
                .azure()).isNull();
        assertThatThrownBy(() -> CloudCredentials.fromSecret(Map.of("tenantId", b64("t"), "clientId", b64("c"))))
                .isInstanceOfSatisfying(CostException.class, e -> {
                    assertThat(e.reason()).isEqualTo("CredentialsMissing");
                    assertThat(e.getMessage()).contains("clientSecret", "scope");
                });
    }

    // --- the documented answer shapes

    /** One ResultsByTime entry: a day and its groups as (cluster tag value, amount) pairs. */
    static String day(String date, String... clusterAmount) {
        List<String> groups = new ArrayList<>();
        for (int i = 0; i < clusterAmount.length; i += 2) {
            groups.add("{\"Keys\":[\"recoflow-cluster$" + clusterAmount[i] + "\"],\"Metrics\":{\"UnblendedCost\":"
                    + "{\"Amount\":\"" + clusterAmount[i + 1] + "\",\"Unit\":\"USD\"}}}");
        }
        String end = java.time.LocalDate.parse(date).plusDays(1).toString();
        return "{\"TimePeriod\":{\"Start\":\"" + date + "\",\"End\":\"" + end + "\"},\"Total\":{},\"Groups\":["
                + String.join(",", groups) + "],\"Estimated\":true}";
    }

    static String cePage(String next, String... days) {
        return "{\"GroupDefinitions\":[{\"Type\":\"TAG\",\"Key\":\"recoflow-cluster\"}],\"ResultsByTime\":["
                + String.join(",", days) + "],\"DimensionValueAttributes\":[]"
                + (next == null ? "" : ",\"NextPageToken\":\"" + next + "\"") + "}";
    }

    static String row(double cost, int usageDate, String cluster) {
        return "[" + cost + ", " + usageDate + ", \"recoflow-cluster\", \"" + cluster + "\", \"USD\"]";
    }

    static String azurePage(String nextLink, String... rows) {
        return "{\"id\":\"/subscriptions/sub-1/providers/Microsoft.CostManagement/query/q1\",\"name\":\"q1\","
                + "\"type\":\"Microsoft.CostManagement/query\",\"properties\":{\"nextLink\":"
                + (nextLink == null ? "null" : "\"" + nextLink + "\"")
                + ",\"columns\":[{\"name\":\"Cost\",\"type\":\"Number\"},{\"name\":\"UsageDate\",\"type\":\"Number\"},"
                + "{\"name\":\"TagKey\",\"type\":\"String\"},{\"name\":\"TagValue\",\"type\":\"String\"},"
                + "{\"name\":\"Currency\",\"type\":\"String\"}],\"rows\":[" + String.join(",", rows) + "]}}";
    }

    static Map<String, String> form(String body) {
        Map<String, String> out = new HashMap<>();
        for (String kv : body.split("&")) {
            String[] p = kv.split("=", 2);
            out.put(URLDecoder.decode(p[0], StandardCharsets.UTF_8),
                    p.length > 1 ? URLDecoder.decode(p[1], StandardCharsets.UTF_8) : "");
        }
        return out;
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
