package io.recoflow.trainer;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the shared Online Retail files (surefire passes the directory as {@code recoflow.dataset.dir}). */
public final class TestData {
    private TestData() {}

    public static Path sample() {
        String dir = System.getProperty("recoflow.dataset.dir", "../../../shared/datasets/online-retail");
        Path p = Path.of(dir, "online_retail_sample.csv.gz");
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("sample data set not found at " + p.toAbsolutePath()
                    + " (set -Drecoflow.dataset.dir)");
        }
        return p;
    }
}
