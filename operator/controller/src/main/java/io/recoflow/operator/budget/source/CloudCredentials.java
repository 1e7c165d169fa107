package io.recoflow.operator.budget.source;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * What {@link CloudBillingSource} signs in with, one set per cloud (null where the budget has no cluster on it).
 * The reconciler reads the budget's Secret and passes its {@code data} to {@link #fromSecret}; the source itself
 * never reads Kubernetes. toString never shows a secret.
 */
public record CloudCredentials(Aws aws, Azure azure) {
    /** Secret keys {@code accessKeyId}, {@code secretAccessKey}, optional {@code sessionToken}. */
    public record Aws(String accessKeyId, String secretAccessKey, String sessionToken) {
        @Override
        public String toString() {
            return "Aws[accessKeyId=" + accessKeyId + ", secretAccessKey=***"
                    + (sessionToken == null ? "" : ", sessionToken=***") + "]";
        }
    }

    /**
     * Secret keys {@code tenantId}, {@code clientId}, {@code clientSecret} (a service principal that may read cost,
     * e.g. with the Cost Management Reader role) and {@code scope}, the Cost Management scope such as
     * {@code /subscriptions/<id>}.
     */
    public record Azure(String tenantId, String clientId, String clientSecret, String scope) {
        @Override
        public String toString() {
            return "Azure[tenantId=" + tenantId + ", clientId=" + clientId + ", clientSecret=***, scope=" + scope
                    + "]";
        }
    }

    /**
     * From a Secret's {@code data} (base64 values, as the API server returns them). A cloud whose keys are all
     * absent is null; one with some of its keys is refused, naming the missing ones.
     */
    public static CloudCredentials fromSecret(Map<String, String> data) throws CostException {
        Map<String, String> d = data == null ? Map.of() : data;
        Aws aws = null;
        if (present(d, "accessKeyId", "secretAccessKey", "sessionToken")) {
            require(d, "AWS", "accessKeyId", "secretAccessKey");
            aws = new Aws(decode(d, "accessKeyId"), decode(d, "secretAccessKey"), decode(d, "sessionToken"));
        }
        Azure azure = null;
        if (present(d, "tenantId", "clientId", "clientSecret", "scope")) {
            require(d, "Azure", "tenantId", "clientId", "clientSecret", "scope");
            azure = new Azure(decode(d, "tenantId"), decode(d, "clientId"), decode(d, "clientSecret"),
                    decode(d, "scope"));
        }
        return new CloudCredentials(aws, azure);
    }

    private static boolean present(Map<String, String> d, String... keys) {
        for (String k : keys) {
            if (d.get(k) != null && !d.get(k).isBlank()) {
                return true;
            }
        }
        return false;
    }

    private static void require(Map<String, String> d, String cloud, String... keys) throws CostException {
        List<String> missing = new ArrayList<>();
        for (String k : keys) {
            if (d.get(k) == null || d.get(k).isBlank()) {
                missing.add(k);
            }
        }
        if (!missing.isEmpty()) {
            throw new CostException(CostException.MISSING, false, "the credentials Secret has some " + cloud
                    + " keys but not " + missing);
        }
    }

    private static String decode(Map<String, String> d, String key) throws CostException {
        String v = d.get(key);
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return new String(Base64.getDecoder().decode(v.strip()), StandardCharsets.UTF_8).strip();
        } catch (IllegalArgumentException e) {
            throw new CostException(CostException.MISSING, false, "the credentials Secret's " + key
                    + " is not base64: pass the Secret's data, not stringData");
        }
    }
}
