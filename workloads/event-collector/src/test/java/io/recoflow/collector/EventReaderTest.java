package io.recoflow.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.recoflow.common.Event;
import io.recoflow.common.EventType;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The streaming reader: every reason at once, and the same answers a tree parse gave. */
class EventReaderTest {
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private final EventReader reader = new EventReader(Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void readsEveryFieldIncludingNumericIdsAndEpochMillis() {
        EventReader.Result r = single("{\"eventId\":\"e1\",\"type\":\"rec_impression\",\"userId\":17850,"
                + "\"itemId\":\"85123A\",\"timestamp\":1764590400000,\"experiment\":\"ns/x\",\"variant\":\"b\","
                + "\"modelVersion\":\"7\",\"items\":[\"85123A\",22423]}");
        assertThat(r.errors()).isEmpty();
        assertThat(r.events()).containsExactly(new Event("e1", EventType.REC_IMPRESSION, "17850", "85123A",
                Instant.ofEpochMilli(1764590400000L), "ns/x", "b", "7", List.of("85123A", "22423")));
    }

    @Test
    void namesEveryReasonOfOneEvent() {
        EventReader.Result r = single("{\"eventId\":{\"nested\":[1,2]},\"type\":3,\"userId\":true,\"itemId\":\"i\","
                + "\"timestamp\":\"yesterday\",\"colour\":{\"r\":1},\"variant\":[\"x\"],\"items\":[\"a\",{}]}");
        assertThat(r.ok()).isFalse();
        assertThat(r.events()).isEmpty();
        assertThat(r.errors()).containsExactlyInAnyOrder(
                "colour is not a known field",
                "eventId must be a string",
                "userId must be a string",
                "type must be a string (one of view, add_to_cart, purchase, rec_impression, rec_click)",
                "timestamp 'yesterday' is not ISO-8601 (e.g. 2011-12-09T12:50:00Z) or epoch milliseconds",
                "variant must be a string",
                "items must be an array of item ids");
    }

    @Test
    void nullIsAbsent() {
        assertThat(single("{\"eventId\":null,\"type\":\"view\",\"userId\":\"u\",\"itemId\":\"i\","
                + "\"timestamp\":\"2026-12-01T11:00:00Z\",\"items\":null,\"variant\":null}").errors())
                .containsExactly("eventId is required");
    }

    @Test
    void malformedJsonAnywhereIsTheOnlyReason() {
        assertThat(batch("[{\"eventId\":\"e 1\"}, {\"eventId\": ", 500).errors()).singleElement().asString()
                .startsWith("body is not valid JSON (line 1, column");
        assertThat(batch("[" + "{}, ".repeat(600) + "{\"a\":}]", 500).errors()).singleElement().asString()
                .startsWith("body is not valid JSON");
        assertThat(single("[1, 2").errors()).singleElement().asString().startsWith("body is not valid JSON");
        assertThat(single("{\"userId\":\"a\",\"userId\":\"b\"}").errors()).singleElement().asString()
                .startsWith("body is not valid JSON");
        assertThat(single("   ").errors()).containsExactly("body is empty");
        assertThat(single("").errors()).containsExactly("body is empty");
    }

    @Test
    void batchShapes() {
        String good = "{\"eventId\":\"e1\",\"type\":\"view\",\"userId\":\"u\",\"itemId\":\"i\","
                + "\"timestamp\":\"2026-12-01T11:00:00Z\"}";
        assertThat(batch("[" + good + "," + good.replace("e1", "e2") + "]", 500).events())
                .extracting(Event::eventId).containsExactly("e1", "e2");
        assertThat(batch("[" + good + ",7,{\"eventId\":\"x\",\"type\":\"view\"}]", 500).errors())
                .containsExactlyInAnyOrder("events[1] must be a JSON object", "events[2].userId is required",
                        "events[2].itemId is required", "events[2].timestamp is required (ISO-8601)");
        assertThat(batch("[" + (good + ",").repeat(3) + good + "]", 3).errors())
                .containsExactly("batch has 4 events; at most 3 are allowed");
        assertThat(batch("[]", 3).errors()).containsExactly("batch must contain at least one event");
        assertThat(batch(good, 3).errors()).containsExactly("body must be a JSON array of events");
        assertThat(single("[" + good + "]").errors()).singleElement().asString().contains("/v1/events:batch");
    }

    /** The hand-read timestamps agree with {@code OffsetDateTime.parse}, in what they accept and what they answer. */
    @Test
    void readsTimestampsExactlyAsTheFormatterDoes() {
        java.util.Random random = new java.util.Random(42);
        for (int k = 0; k < 20_000; k++) {
            Instant at = Instant.ofEpochSecond(random.nextLong(-2_000_000_000L, 40_000_000_000L),
                    random.nextInt(1_000_000_000));
            int digits = random.nextInt(10);
            int offsetMinutes = random.nextInt(5) == 0 ? 0 : random.nextInt(-18 * 60, 18 * 60 + 1);
            java.time.ZoneOffset zone = java.time.ZoneOffset.ofTotalSeconds(offsetMinutes * 60);
            String text = java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss"
                            + (digits == 0 ? "" : "." + "S".repeat(digits)) + "XXX")
                    .format(at.atOffset(zone));
            assertThat(EventReader.instant(text)).as(text)
                    .isEqualTo(java.time.OffsetDateTime.parse(text).toInstant());
        }
        for (String text : List.of("2011-12-09T12:50:00Z", "2011-12-09t12:50:00z", "2011-12-09T12:50:00.1+05:30",
                "2011-12-09T12:50:00-00:00", "2011-12-09T12:50Z", "2011-12-09T12:50:00.Z", "+12011-12-09T12:50:00Z", "2011-12-09T12:50:00+05")) {
            assertThat(EventReader.instant(text)).as(text).isEqualTo(java.time.OffsetDateTime.parse(text).toInstant());
        }
        for (String bad : List.of("2011-02-30T00:00:00Z", "2011-12-09T24:00:00Z", "2011-12-09T12:60:00Z",
                "2011-12-09T12:50:60Z", "2011-12-09T12:50:00.1234567890Z",
                "2011-12-09T12:50:00+18:30", "2011-12-09T12:50:00", "2011-12-09 12:50:00Z", "2011-1a-09T12:50:00Z",
                "2011-12-09T12:50:00+5:30", "yesterday", "")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> EventReader.instant(bad)).as(bad)
                    .isInstanceOf(java.time.DateTimeException.class);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> java.time.OffsetDateTime.parse(bad)).as(bad)
                    .isInstanceOf(java.time.DateTimeException.class);
        }
    }

    private EventReader.Result single(String body) {
        return reader.single(body.getBytes(StandardCharsets.UTF_8));
    }

    private EventReader.Result batch(String body, int max) {
        return reader.batch(body.getBytes(StandardCharsets.UTF_8), max);
    }
}
