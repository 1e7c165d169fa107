package io.recoflow.benchmarks.operatorscale;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * One Prometheus text-format scrape of the operator's /metrics, parsed: what a Prometheus server would store, so
 * percentiles are computed the way {@code histogram_quantile(q, increase(..._bucket[phase]))} computes them.
 */
final class Scrape {
    record Sample(String name, Map<String, String> labels, double value) {}

    final String text;
    final List<Sample> samples;

    private Scrape(String text, List<Sample> samples) {
        this.text = text;
        this.samples = samples;
    }

    static Scrape parse(String text) {
        List<Sample> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space;
            String name;
            Map<String, String> labels = new TreeMap<>();
            if (brace >= 0 && brace < line.indexOf(' ')) {
                name = line.substring(0, brace);
                int end = parseLabels(line, brace + 1, labels);
                space = end + 1;
            } else {
                space = line.indexOf(' ');
                name = line.substring(0, space);
            }
            String rest = line.substring(space).trim();
            int sp = rest.indexOf(' ');
            String v = sp < 0 ? rest : rest.substring(0, sp);
            out.add(new Sample(name, labels, parseValue(v)));
        }
        return new Scrape(text, out);
    }

    /** @return the index of the closing brace */
    private static int parseLabels(String line, int i, Map<String, String> labels) {
        while (line.charAt(i) != '}') {
            int eq = line.indexOf('=', i);
            String key = line.substring(i, eq).trim();
            int j = eq + 2; // past ="
            StringBuilder value = new StringBuilder();
            while (line.charAt(j) != '"') {
                char c = line.charAt(j);
                if (c == '\\') {
                    j++;
                    c = line.charAt(j) == 'n' ? '\n' : line.charAt(j);
                }
                value.append(c);
                j++;
            }
            labels.put(key, value.toString());
            i = j + 1;
            if (line.charAt(i) == ',') {
                i++;
            }
        }
        return i;
    }

    private static double parseValue(String v) {
        return switch (v) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(v);
        };
    }

    int bytes() {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Sum of every series of {@code name} whose labels pass {@code labels}. */
    double sum(String name, Predicate<Map<String, String>> labels) {
        return samples.stream().filter(s -> s.name.equals(name) && labels.test(s.labels))
                .mapToDouble(Sample::value).sum();
    }

    double sum(String name) {
        return sum(name, l -> true);
    }

    /** Cumulative bucket counts of a histogram, summed over series that pass the filter: le -> count. */
    TreeMap<Double, Double> buckets(String histogram, Predicate<Map<String, String>> labels) {
        TreeMap<Double, Double> out = new TreeMap<>();
        for (Sample s : samples) {
            if (s.name.equals(histogram + "_bucket") && labels.test(s.labels)) {
                out.merge(parseValue(s.labels.get("le")), s.value, Double::sum);
            }
        }
        return out;
    }

    /** Series count and bytes per metric family prefix (the first two words of the name), largest first. */
    Map<String, long[]> sizeByFamily() {
        Map<String, long[]> out = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String name = line.startsWith("#") ? line.split(" ").length > 2 ? line.split(" ")[2] : "#" : line;
            int cut = name.indexOf('{');
            name = cut >= 0 ? name.substring(0, cut) : name.split(" ")[0];
            String[] words = name.split("_");
            String family = words.length >= 2 ? words[0] + "_" + words[1] : words[0];
            long[] acc = out.computeIfAbsent(family, k -> new long[2]);
            if (!line.startsWith("#")) {
                acc[0]++;
            }
            acc[1] += line.getBytes(StandardCharsets.UTF_8).length + 1;
        }
        Map<String, long[]> sorted = new LinkedHashMap<>();
        out.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]))
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /** later - earlier, bucket by bucket (the increase over a phase). */
    static TreeMap<Double, Double> increase(TreeMap<Double, Double> earlier, TreeMap<Double, Double> later) {
        TreeMap<Double, Double> out = new TreeMap<>();
        later.forEach((le, n) -> out.put(le, n - earlier.getOrDefault(le, 0.0)));
        return out;
    }

    /**
     * Prometheus' histogram_quantile: linear interpolation inside the bucket the rank falls in (the lower bound
     * of the first bucket is 0). Returns NaN for an empty histogram; the upper bound of the last finite bucket
     * when the rank falls in +Inf.
     */
    static double quantile(double q, TreeMap<Double, Double> cumulative) {
        if (cumulative.isEmpty()) {
            return Double.NaN;
        }
        double total = cumulative.lastEntry().getValue();
        if (total <= 0) {
            return Double.NaN;
        }
        double rank = q * total;
        double prevLe = 0;
        double prevCount = 0;
        for (var e : cumulative.entrySet()) {
            if (e.getValue() >= rank) {
                if (e.getKey().isInfinite()) {
                    return prevLe;
                }
                double inBucket = e.getValue() - prevCount;
                return inBucket <= 0 ? e.getKey() : prevLe + (e.getKey() - prevLe) * (rank - prevCount) / inBucket;
            }
            prevLe = e.getKey();
            prevCount = e.getValue();
        }
        return prevLe;
    }

    /** The bucket (lower, upper] the q-quantile falls in: the resolution of the figure above. */
    static double[] quantileBucket(double q, TreeMap<Double, Double> cumulative) {
        if (cumulative.isEmpty() || cumulative.lastEntry().getValue() <= 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double rank = q * cumulative.lastEntry().getValue();
        double prevLe = 0;
        for (var e : cumulative.entrySet()) {
            if (e.getValue() >= rank) {
                return new double[] {prevLe, e.getKey()};
            }
            prevLe = e.getKey();
        }
        return new double[] {prevLe, Double.POSITIVE_INFINITY};
    }
}
