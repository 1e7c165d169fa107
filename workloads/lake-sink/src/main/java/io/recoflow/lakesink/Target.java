package io.recoflow.lakesink;

import java.net.URI;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One data-lake target from {@code recoflow.sink.targets}.
 *
 * @param kind s3 or azure (the {@code target} tag of the metrics)
 * @param container S3 bucket or Blob container
 * @param account Azure storage account; null for S3
 * @param prefix object key prefix without leading or trailing slash; may be empty
 */
public record Target(String kind, String container, String account, String prefix) {
    public static final String S3 = "s3";
    public static final String AZURE = "azure";
    private static final Pattern ABFSS = Pattern.compile("([a-z0-9-]+)@([a-z0-9]+)\\.dfs\\.core\\.windows\\.net");

    public static Target parse(String uri) {
        URI u = URI.create(uri.trim());
        String prefix = u.getPath() == null ? "" : u.getPath().replaceAll("^/+|/+$", "");
        if ("s3".equals(u.getScheme()) && u.getHost() != null) {
            return new Target(S3, u.getHost(), null, prefix);
        }
        if ("abfss".equals(u.getScheme()) && u.getAuthority() != null) {
            Matcher m = ABFSS.matcher(u.getAuthority());
            if (m.matches()) {
                return new Target(AZURE, m.group(1), m.group(2), prefix);
            }
        }
        throw new IllegalArgumentException("target must be s3://bucket/prefix or "
                + "abfss://container@account.dfs.core.windows.net/prefix: " + uri);
    }

    /** The blob endpoint an abfss URI maps to (Data Lake Gen2 accounts serve the Blob API too). */
    public String blobEndpoint() {
        return "https://" + account + ".blob.core.windows.net";
    }

    /** {@code path} under the prefix. */
    public String key(String path) {
        return prefix.isEmpty() ? path : prefix + "/" + path;
    }

    @Override
    public String toString() {
        return kind.equals(S3) ? "s3://" + container + "/" + prefix
                : "abfss://" + container + "@" + account + ".dfs.core.windows.net/" + prefix;
    }
}
