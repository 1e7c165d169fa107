package io.recoflow.loadtest;

import io.recoflow.common.Csv;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/** Customers and the items they bought, from the Online Retail CSV (feeders for the load test). */
public final class RetailData {
    public final Map<String, List<String>> itemsByCustomer;
    public final List<String> items;

    private RetailData(Map<String, List<String>> itemsByCustomer, List<String> items) {
        this.itemsByCustomer = itemsByCustomer;
        this.items = items;
    }

    // the collector's id rule (EventValidator): a few stock codes such as "BANK CHARGES" fail it
    private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[A-Za-z0-9._:@/-]{1,128}");

    /** Rows without a customer id, cancellations (invoice starting with C) and invalid item ids are skipped. */
    public static RetailData load(Path csvGz) throws IOException {
        Map<String, Set<String>> byCustomer = new LinkedHashMap<>();
        Set<String> items = new LinkedHashSet<>();
        for (String[] line : lines(csvGz)) {
            items.add(line[1]);
            byCustomer.computeIfAbsent(line[0], c -> new LinkedHashSet<>()).add(line[1]);
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        byCustomer.forEach((c, s) -> out.put(c, List.copyOf(s)));
        return new RetailData(out, List.copyOf(items));
    }

    /** Every invoice line kept by {@link #load}'s rules, in file order: {customer, item}. */
    public static List<String[]> lines(Path csvGz) throws IOException {
        List<String[]> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(csvGz), 1 << 16), StandardCharsets.UTF_8))) {
            String header = r.readLine();
            if (header == null || !header.startsWith("InvoiceNo,StockCode")) {
                throw new IOException(csvGz + " does not look like Online Retail (header " + header + ")");
            }
            String line;
            while ((line = r.readLine()) != null) {
                List<String> f = Csv.split(line);
                if (f == null || f.size() < 8 || f.get(6).isEmpty() || f.get(0).startsWith("C")) {
                    continue;
                }
                String item = f.get(1).trim().toUpperCase(Locale.ROOT);
                if (!ID.matcher(item).matches()) {
                    continue;
                }
                lines.add(new String[] {f.get(6), item});
            }
        }
        return lines;
    }
}
