package io.recoflow.trainer.data;

import io.recoflow.common.Csv;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Interactions loaded from a file, with the cleaning report and the sha256 of the uncompressed bytes.
 *
 * <p>Two formats, told apart by the header: the UCI Online Retail CSV ({@code InvoiceNo,StockCode,...}) and the generic
 * {@code user,item,timestamp[,weight]} CSV. Either may be gzipped ({@code .gz}).
 */
public record Dataset(Path source, Format format, String sha256, List<Interaction> interactions, CleaningReport report) {

    public enum Format { ONLINE_RETAIL, INTERACTIONS }

    // Drop reasons, in the order they are checked.
    public static final String MALFORMED = "malformed";
    public static final String CANCELLATION = "cancellation";
    public static final String MISSING_CUSTOMER = "missing_customer";
    public static final String NON_POSITIVE_QUANTITY = "non_positive_quantity";
    public static final String NON_PRODUCT_CODE = "non_product_code";
    public static final String MISSING_FIELD = "missing_field";
    public static final String BAD_TIMESTAMP = "bad_timestamp";
    public static final String BAD_WEIGHT = "bad_weight";

    /** Real products are 5 digits plus optional letters; POST, DOT, M, D, C2, S, B, BANK CHARGES, AMAZONFEE, CRUK, PADS, DCGS..., GIFT_0001_... are not. */
    private static final Pattern PRODUCT = Pattern.compile("[0-9]{5}[A-Z]*");

    public static Dataset load(Path file) throws IOException {
        MessageDigest sha = newSha256();
        try (InputStream raw = Files.newInputStream(file);
                DigestInputStream digest = new DigestInputStream(
                        file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw, sha);
                BufferedReader in = new BufferedReader(new InputStreamReader(digest, StandardCharsets.UTF_8), 1 << 16)) {
            String header = in.readLine();
            if (header == null) {
                throw new IOException(file + ": empty file");
            }
            List<String> cols = Csv.split(stripBom(header));
            CleaningReport report = new CleaningReport();
            List<Interaction> out = new ArrayList<>();
            Format format;
            if (cols != null && cols.size() >= 7 && cols.get(0).equals("InvoiceNo") && cols.get(1).equals("StockCode")) {
                format = Format.ONLINE_RETAIL;
                readRetail(in, cols, out, report);
            } else if (cols != null && cols.size() >= 3 && cols.get(0).trim().equals("user")
                    && cols.get(1).trim().equals("item") && cols.get(2).trim().equals("timestamp")) {
                format = Format.INTERACTIONS;
                readGeneric(in, cols.size() > 3, out, report);
            } else {
                throw new IOException(file + ": unknown header '" + header
                        + "' (expected Online Retail columns or user,item,timestamp[,weight])");
            }
            while (in.read() >= 0) {
                // drain so that the digest covers the whole file
            }
            return new Dataset(file, format, HexFormat.of().formatHex(sha.digest()), out, report);
        }
    }

    private static void readRetail(BufferedReader in, List<String> header, List<Interaction> out, CleaningReport r)
            throws IOException {
        int invoice = header.indexOf("InvoiceNo");
        int code = header.indexOf("StockCode");
        int qty = header.indexOf("Quantity");
        int date = header.indexOf("InvoiceDate");
        int customer = header.indexOf("CustomerID");
        if (qty < 0 || date < 0 || customer < 0) {
            throw new IOException("Online Retail header lacks Quantity, InvoiceDate or CustomerID: " + header);
        }
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isEmpty()) {
                continue;
            }
            r.row();
            List<String> f = Csv.split(line);
            if (f == null || f.size() != header.size()) {
                r.drop(MALFORMED);
                continue;
            }
            if (f.get(invoice).startsWith("C") || f.get(invoice).startsWith("c")) {
                r.drop(CANCELLATION);
                continue;
            }
            String user = f.get(customer).trim();
            if (user.isEmpty()) {
                r.drop(MISSING_CUSTOMER);
                continue;
            }
            long time;
            int quantity;
            try {
                quantity = Integer.parseInt(f.get(qty).trim());
                time = Times.parse(f.get(date));
            } catch (IllegalArgumentException e) {
                r.drop(MALFORMED);
                continue;
            }
            if (quantity <= 0) {
                r.drop(NON_POSITIVE_QUANTITY);
                continue;
            }
            String item = f.get(code).trim().toUpperCase(Locale.ROOT);
            if (!PRODUCT.matcher(item).matches()) {
                r.drop(NON_PRODUCT_CODE);
                continue;
            }
            // One invoice line is one purchase; quantities (up to 80,995 for wholesalers) would swamp the signal.
            out.add(new Interaction(user, item, time, 1f));
            r.keep();
        }
    }

    private static void readGeneric(BufferedReader in, boolean weighted, List<Interaction> out, CleaningReport r)
            throws IOException {
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            r.row();
            List<String> f = Csv.split(line);
            if (f == null || f.size() < 3 || f.size() > 4) {
                r.drop(MALFORMED);
                continue;
            }
            String user = f.get(0).trim();
            String item = f.get(1).trim();
            if (user.isEmpty() || item.isEmpty()) {
                r.drop(MISSING_FIELD);
                continue;
            }
            long time;
            try {
                time = Times.parse(f.get(2));
            } catch (IllegalArgumentException e) {
                r.drop(BAD_TIMESTAMP);
                continue;
            }
            float w = 1f;
            if (weighted && f.size() == 4 && !f.get(3).isBlank()) {
                try {
                    w = Float.parseFloat(f.get(3).trim());
                } catch (NumberFormatException e) {
                    w = Float.NaN;
                }
                if (!(w > 0) || Float.isInfinite(w)) {
                    r.drop(BAD_WEIGHT);
                    continue;
                }
            }
            out.add(new Interaction(user, item, time, w));
            r.keep();
        }
    }

    private static String stripBom(String s) {
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
