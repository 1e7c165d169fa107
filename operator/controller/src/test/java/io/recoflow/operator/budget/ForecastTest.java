package io.recoflow.operator.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForecastTest {
    @Test
    void periodIsTheUtcCalendarMonth() {
        Instant now = Instant.parse("2026-12-15T10:00:00Z");
        assertThat(Forecast.periodStart(now)).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(Forecast.periodEnd(now)).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
    }

    @Test
    void runRateIsTheMeanOfTheLastSevenCompleteDays() {
        // Dec 10, 12:00: nine complete days (1..9) and today; the last seven complete days cost 10..16, mean 13
        List<Double> daily = List.of(1.0, 1.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 5.0);
        double spent = daily.stream().mapToDouble(Double::doubleValue).sum(); // 98
        Forecast.Result f = Forecast.of(spent, daily, Instant.parse("2026-12-10T12:00:00Z"));
        // 21.5 days left (Dec 10 12:00 -> Jan 1 00:00): 98 + 13 * 21.5 = 377.5
        assertThat(f.usd()).isCloseTo(377.5, within(1e-9));
        assertThat(f.method()).contains("$13.00/day").contains("last 7 complete days").contains("21.50 days left");
    }

    @Test
    void withoutACompleteDayTheRateIsSpendOverElapsedTime() {
        // Dec 1, 06:00: $5 in 0.25 days = $20/day; 30.75 days left: 5 + 20 * 30.75 = 620
        Forecast.Result f = Forecast.of(5, List.of(5.0), Instant.parse("2026-12-01T06:00:00Z"));
        assertThat(f.usd()).isCloseTo(620, within(1e-9));
        assertThat(Forecast.of(0, List.of(), Instant.parse("2026-12-01T00:00:00Z")).usd()).isZero();
    }
}
