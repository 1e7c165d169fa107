package io.recoflow.trainer.data;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** Reads the time formats the inputs use. Times without a zone are read as UTC. */
public final class Times {
    private Times() {}

    /**
     * Epoch seconds from: digits (epoch seconds), ISO instant/offset date-time, ISO local date-time ('T' or space),
     * or ISO date (start of day).
     *
     * @throws IllegalArgumentException when none of these fits
     */
    public static long parse(String s) {
        String t = s.trim();
        if (!t.isEmpty() && t.chars().allMatch(Character::isDigit)) {
            return Long.parseLong(t);
        }
        try {
            if (t.length() == 10) {
                return LocalDate.parse(t).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
            }
            String iso = t.length() > 10 && t.charAt(10) == ' ' ? t.substring(0, 10) + 'T' + t.substring(11) : t;
            if (iso.endsWith("Z")) {
                return Instant.parse(iso).getEpochSecond();
            }
            if (iso.length() > 19 && (iso.indexOf('+', 19) > 0 || iso.indexOf('-', 19) > 0)) {
                return OffsetDateTime.parse(iso).toEpochSecond();
            }
            return LocalDateTime.parse(iso).toEpochSecond(ZoneOffset.UTC);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException("not a time: '" + s + "'", e);
        }
    }
}
