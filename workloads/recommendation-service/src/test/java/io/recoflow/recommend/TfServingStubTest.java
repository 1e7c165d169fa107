package io.recoflow.recommend;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The stub itself: a delayed version answers late without holding up the others (the e2e latency guardrail). */
class TfServingStubTest {
    static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final String BODY = "{\"signature_name\":\"serving_default\",\"inputs\":{\"history\":[0],\"k\":2}}";

    @Test
    void delaysOnlyTheChosenVersionOrLabel() throws Exception {
        try (TfServingStub stub = new TfServingStub(5)) {
            stub.delay(2, Duration.ofMillis(600)).delay("labels/canary", Duration.ofMillis(600));
            long t0 = System.nanoTime();
            CompletableFuture<HttpResponse<String>> slow = predict(stub, "versions/2");
            CompletableFuture<HttpResponse<String>> slowLabel = predict(stub, "labels/canary");
            HttpResponse<String> fast = predict(stub, "versions/1").get();
            long fastMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(fast.statusCode()).isEqualTo(200);
            assertThat(slow.isDone()).as("the fast answer came while version 2 was still waiting").isFalse();
            assertThat(fastMs).isLessThan(600);
            assertThat(slow.get().statusCode()).isEqualTo(200);
            assertThat(slowLabel.get().statusCode()).isEqualTo(200);
            assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(600);
            assertThat(stub.calls("recs/versions/2")).isEqualTo(1);
            assertThat(stub.badRequests()).isZero();

            stub.delay(2, Duration.ZERO);
            long t1 = System.nanoTime();
            assertThat(predict(stub, "versions/2").get().body()).contains("indices");
            assertThat((System.nanoTime() - t1) / 1_000_000).isLessThan(600);
        }
    }

    private static CompletableFuture<HttpResponse<String>> predict(TfServingStub stub, String selector) {
        return client.sendAsync(HttpRequest.newBuilder(URI.create(stub.url() + "/v1/models/recs/" + selector + ":predict"))
                .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
