package io.recoflow.common;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits one RFC-4180 line (quotes, doubled quotes; no embedded newlines, which neither the Online Retail file nor the
 * interactions format has). Shared by the trainer, the load test and the worker benchmark.
 */
public final class Csv {
    private Csv() {}

    /** Returns the fields, or null when a quote is left open (a malformed line). */
    public static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cur.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (quoted) {
            return null;
        }
        out.add(cur.toString());
        return out;
    }
}
