package io.recoflow.benchmarks.sparkals;

import io.recoflow.common.ModelMetadata;
import io.recoflow.trainer.export.SavedModelExporter;
import io.recoflow.trainer.model.ModelExport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * Where the job meets storage. The trainer's code reads and writes local files; the data, the champion's artifact
 * and the output of a run on a cluster are URIs (s3a, abfss...) that the driver reaches through Hadoop's FileSystem
 * with the Spark session's Hadoop configuration (endpoints, credentials). Local paths and file: URIs are used as
 * they are.
 */
final class Stage implements AutoCloseable {
    private final Configuration conf;
    private final Path tmp;

    Stage(Configuration conf) throws IOException {
        this.conf = conf;
        this.tmp = Files.createTempDirectory("recoflow-retrain-");
    }

    static boolean isLocal(String s) {
        return s.startsWith("/") || s.startsWith("file:");
    }

    static Path local(String s) {
        return s.startsWith("file:") ? Path.of(URI.create(s)) : Path.of(s);
    }

    /** A local copy of a file or directory (the path itself when it is local). */
    Path fetch(String uri) throws IOException {
        if (isLocal(uri)) {
            return local(uri);
        }
        org.apache.hadoop.fs.Path src = new org.apache.hadoop.fs.Path(uri);
        Path dst = Files.createTempDirectory(tmp, "in-").resolve(src.getName());
        src.getFileSystem(conf).copyToLocalFile(false, src, new org.apache.hadoop.fs.Path(dst.toUri()), true);
        return dst;
    }

    /**
     * Exports to {@code out/<version>}; returns the version directory as the registry's source. On an object store
     * the version appears file by file, but nothing points at it before the registry entry, written after the copy.
     */
    String export(ModelExport model, ModelMetadata meta, String out) throws IOException {
        if (isLocal(out)) {
            return SavedModelExporter.export(model, meta, local(out)).toAbsolutePath().toUri().toString();
        }
        org.apache.hadoop.fs.Path dst = new org.apache.hadoop.fs.Path(out.replaceAll("/+$", "") + "/"
                + meta.version());
        FileSystem fs = dst.getFileSystem(conf);
        if (fs.exists(dst)) {
            throw new IOException(dst + " already exists: versions are immutable");
        }
        Path dir = SavedModelExporter.export(model, meta, tmp.resolve("out"));
        fs.copyFromLocalFile(false, false, new org.apache.hadoop.fs.Path(dir.toUri()), dst);
        return dst.toString();
    }

    void delete(String uri) throws IOException {
        if (isLocal(uri)) {
            deleteTree(local(uri));
        } else {
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(uri);
            p.getFileSystem(conf).delete(p, true);
        }
    }

    @Override
    public void close() throws IOException {
        deleteTree(tmp);
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.delete(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
