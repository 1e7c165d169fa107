package io.recoflow.operator.budget;

import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;

/**
 * The period-end forecast: spend so far plus the recent daily run rate for the rest of the period. The run rate is
 * the mean of the last (up to) 7 complete days of the daily series, so a launch day or a weekend does not dominate;
 * with no complete day yet it is spend so far over the elapsed time. Linear trends were considered and left out:
 * on a few days of data a fitted slope swings more than the run rate, and a budget alarm should not.
 */
public final class Forecast {
    static final int WINDOW_DAYS = 7;

    private Forecast() {}

    public record Result(double usd, String method) {}

    /** The first instant of the monthly period that contains {@code now} (UTC). */
    public static Instant periodStart(Instant now) {
        YearMonth m = YearMonth.from(now.atZone(ZoneOffset.UTC));
        return m.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    public static Instant periodEnd(Instant now) {
        YearMonth m = YearMonth.from(now.atZone(ZoneOffset.UTC));
        return m.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /**
     * @param daily USD per UTC day since the period start, oldest first; the last entry is today's (incomplete)
     */
    public static Result of(double spent, List<Double> daily, Instant now) {
        Instant start = periodStart(now);
        Instant end = periodEnd(now);
        double remainingDays = Duration.between(now, end).toMillis() / 86_400_000.0;
        int complete = daily == null ? 0 : Math.max(0, daily.size() - 1);
        if (complete == 0) {
            double elapsedDays = Duration.between(start, now).toMillis() / 86_400_000.0;
            double rate = elapsedDays <= 0 ? 0 : spent / elapsedDays;
            return new Result(spent + rate * remainingDays, String.format(Locale.ROOT,
                    "run rate: $%.2f/day (spend so far over %.2f days) x %.2f days left", rate, elapsedDays,
                    remainingDays));
        }
        int n = Math.min(WINDOW_DAYS, complete);
        double sum = 0;
        for (int i = complete - n; i < complete; i++) {
            sum += daily.get(i);
        }
        double rate = sum / n;
        return new Result(spent + rate * remainingDays, String.format(Locale.ROOT,
                "run rate: $%.2f/day (mean of the last %d complete days) x %.2f days left", rate, n, remainingDays));
    }
}
