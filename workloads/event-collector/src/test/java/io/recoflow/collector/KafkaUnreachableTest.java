package io.recoflow.collector;

import static io.recoflow.collector.CollectorTestSupport.base;
import static io.recoflow.collector.CollectorTestSupport.event;
import static io.recoflow.collector.CollectorTestSupport.get;
import static io.recoflow.collector.CollectorTestSupport.json;
import static io.recoflow.collector.CollectorTestSupport.newId;
import static io.recoflow.collector.CollectorTestSupport.post;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** The collector starts without Kafka, reports not ready, and answers 503 + Retry-After instead of hanging. */
class KafkaUnreachableTest {
    static ConfigurableApplicationContext app;
    static String url;

    @BeforeAll
    static void start() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        app = CollectorApplication.start(Map.of(
                "server.port", 0,
                "recoflow.collector.bootstrap-servers", "127.0.0.1:" + dead,
                "recoflow.collector.delivery-timeout", "2s",
                "recoflow.collector.request-timeout", "1s",
                "recoflow.collector.max-block", "1s",
                "recoflow.collector.retry-after", "7s",
                "recoflow.collector.health-timeout", "1s"));
        url = base(app);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void answers503WithRetryAfter() {
        HttpResponse<String> r = post(url + "/v1/events", event(newId(), "view", "u1", "i1"));

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).hasValue("7");
        assertThat(json(r.body()).path("type").asText()).endsWith("/event-log-unavailable");
    }

    @Test
    void isAliveButNotReady() {
        HttpResponse<String> ready = get(url + "/actuator/health/readiness");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(json(ready.body()).path("components").path("kafka").path("status").asText()).isEqualTo("DOWN");
        assertThat(get(url + "/actuator/health/liveness").statusCode()).isEqualTo(200);
    }

    @Test
    void stillRejectsInvalidInputWith400() {
        assertThat(post(url + "/v1/events", "{}").statusCode()).isEqualTo(400);
    }
}
