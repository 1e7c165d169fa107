package io.recoflow.lakesink;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.TopicPartition;

/**
 * A partition's flush intent, {@code [start, end)}: written to a target before that flush's data objects, so a
 * replay after a crash knows where the uncommitted attempt cut (see {@link SinkLoop}). The key starts with
 * {@code _}, which Spark, Hive and Trino skip when they read the prefix as a table.
 */
record Manifest(long start, long end) {
    private static final Pattern JSON = Pattern.compile("\\{\"start\":(\\d+),\"end\":(\\d+)}");

    static String key(TopicPartition tp) {
        return "_recoflow_sink/" + tp.topic() + "-" + tp.partition() + ".json";
    }

    byte[] bytes() {
        return ("{\"start\":" + start + ",\"end\":" + end + "}").getBytes(StandardCharsets.UTF_8);
    }

    static Manifest parse(byte[] bytes) {
        Matcher m = JSON.matcher(new String(bytes, StandardCharsets.UTF_8).trim());
        if (!m.matches()) {
            throw new IllegalStateException("unreadable sink manifest");
        }
        return new Manifest(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
    }
}
