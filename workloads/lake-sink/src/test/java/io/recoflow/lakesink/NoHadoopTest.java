package io.recoflow.lakesink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recoflow.common.Event;
import io.recoflow.common.EventType;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.hadoop.ParquetWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exec jar has no Hadoop: the sink's writer runs here in a class loader of the test classpath without the
 * Hadoop jars (which this test JVM has only for the tests' Parquet reader), and the file it writes reads back.
 */
public class NoHadoopTest {

    @Test
    void writesParquetWithoutHadoopOnTheClasspath(@TempDir Path tmp) throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))
                .split(File.pathSeparator)) {
            if (!entry.contains("/org/apache/hadoop/")) {
                urls.add(Path.of(entry).toUri().toURL());
            }
        }
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new),
                ClassLoader.getPlatformClassLoader())) {
            assertThatThrownBy(() -> loader.loadClass("org.apache.hadoop.conf.Configuration"))
                    .isInstanceOf(ClassNotFoundException.class);
            byte[] bytes = (byte[]) loader.loadClass(NoHadoopTest.class.getName()).getMethod("write").invoke(null);
            assertThat(new String(bytes, 0, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PAR1");

            Lake.Row row = Lake.read("event_date=2010-12-01/t-0-0.parquet", bytes, tmp).get(1);
            assertThat(row.eventId()).isEqualTo("e-1");
            assertThat(row.items()).containsExactly("A", "B");
            assertThat(row.offset()).isEqualTo(11);
        }
    }

    /** Runs in the Hadoop-free class loader. */
    public static byte[] write() throws Exception {
        MemoryFile file = new MemoryFile();
        try (ParquetWriter<EventParquet.Row> w = EventParquet.writer(file, 1 << 20)) {
            for (int i = 0; i < 3; i++) {
                w.write(new EventParquet.Row(new Event("e-" + i, EventType.REC_IMPRESSION, "u", "A",
                        Instant.parse("2010-12-01T08:26:00Z"), null, null, null, List.of("A", "B")), "t", 0, 10 + i));
            }
        }
        return file.bytes();
    }
}
