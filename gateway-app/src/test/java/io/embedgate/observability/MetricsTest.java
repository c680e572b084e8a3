package io.embedgate.observability;

import static io.embedgate.testing.Api.embed;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.fakes.Fault;
import io.embedgate.testing.FakeUpstreamsResource;
import io.embedgate.testing.InjectFake;
import io.embedgate.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** /q/metrics changes exactly as known traffic says, with bounded labels. */
@QuarkusTest
@WithTestResource(FakeUpstreamsResource.class)
class MetricsTest {

    @InjectFake
    FakeOpenAi fake;

    @TestHTTPResource("/")
    URL gateway;

    static String scrape() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** The value of the sample with this name and these labels, 0 when absent. */
    static double value(String text, String name, String... labels) {
        for (String line : text.split("\n")) {
            if (!line.startsWith(name + "{")) {
                continue;
            }
            boolean all = true;
            for (String l : labels) {
                all &= line.contains(l);
            }
            if (all) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    @Test
    void countersFollowTraffic() {
        String[] ok = {"model=\"text-embedding-3-small\"", "provider=\"openai\"", "status=\"200\""};
        String[] inputs = {"key_id=\"test\"", "model=\"text-embedding-3-small\"", "provider=\"openai\""};
        String[] unknown = {"model=\"_unknown\"", "status=\"404\""};
        String[] upstream = {"provider=\"openai\"", "outcome=\"ok\""};
        String before = scrape();
        embed("""
                {"model":"text-embedding-3-small","input":["m1","m2"],"orq":{"contact":{"id":"contact_SECRET42"}}}""").then()
                .statusCode(200);
        embed("{\"model\":\"text-embedding-3-small\",\"input\":\"m3\"}").then().statusCode(200);
        embed("{\"model\":\"no-such-model\",\"input\":\"m4\"}").then().statusCode(404);
        String after = scrape();
        assertEquals(2, value(after, "embedgate_requests_total", ok) - value(before, "embedgate_requests_total", ok));
        assertEquals(3, value(after, "embedgate_inputs_total", inputs) - value(before, "embedgate_inputs_total", inputs));
        assertEquals(1, value(after, "embedgate_requests_total", unknown) - value(before, "embedgate_requests_total", unknown));
        assertEquals(2, value(after, "embedgate_upstream_duration_seconds_count", upstream)
                - value(before, "embedgate_upstream_duration_seconds_count", upstream));
        assertTrue(value(after, "embedgate_tokens_total", inputs) > value(before, "embedgate_tokens_total", inputs));
        assertTrue(after.contains("embedgate_circuit_state{provider=\"openai\"}"));
        assertTrue(after.contains("embedgate_request_duration_seconds_bucket"));
        assertFalse(after.contains("contact_SECRET42"), "contact ids are never labels");
        assertFalse(after.contains("no-such-model"), "unknown model names are not labels");
    }

    /** Sends the request over a raw socket and hangs up once the upstream has it (it answers after 1.5 s). */
    private long hangUp(String body) throws Exception {
        fake.reset();
        fake.enqueue(Fault.delay(Duration.ofMillis(1500)));
        byte[] json = body.getBytes(StandardCharsets.UTF_8);
        try (Socket client = new Socket(gateway.getHost(), gateway.getPort())) {
            OutputStream out = client.getOutputStream();
            out.write(("POST /v1/embeddings HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + TestKeys.BEARER
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + json.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(json);
            out.flush();
            long sent = System.nanoTime();
            long deadline = sent + Duration.ofSeconds(5).toNanos();
            while (fake.callCount() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(1, fake.callCount(), "the request reached the upstream");
            return sent;
        }
    }

    @Test
    void aClientThatHangsUpIsCounted499AndItsUpstreamCallIsCancelled() throws Exception {
        String[] closed = {"model=\"text-embedding-3-small\"", "status=\"499\""};
        String[] ok = {"model=\"text-embedding-3-small\"", "status=\"200\""};
        String before = scrape();
        hangUp("{\"model\":\"text-embedding-3-small\",\"input\":\"hang up\"}");
        String after = before;
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (value(after, "embedgate_requests_total", closed) == value(before, "embedgate_requests_total", closed)
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
            after = scrape();
        }
        assertEquals(1, value(after, "embedgate_requests_total", closed) - value(before, "embedgate_requests_total", closed));
        assertEquals(0, value(after, "embedgate_requests_total", ok) - value(before, "embedgate_requests_total", ok),
                "an abandoned request is not a 200");
        // The gateway drops the abandoned work: the upstream finds its connection reset when its
        // answer is due, instead of sending a vector nobody reads.
        deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (fake.abandonedCount() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(1, fake.abandonedCount(), "the upstream call was cancelled");
        embed("{\"model\":\"text-embedding-3-small\",\"input\":\"still serving\"}").then().statusCode(200);
    }

    @Test
    void aClientThatHangsUpOnACachedRequestStillGetsItsAnswerStored() throws Exception {
        String body = "{\"model\":\"text-embedding-3-small\",\"input\":\"hang up " + System.nanoTime()
                + "\",\"orq\":{\"cache\":{\"type\":\"exact_match\",\"ttl\":600}}}";
        long sent = hangUp(body);
        // The upstream call completes (the fake answers after 1.5 s) and fills the cache the request
        // asked for: the client's retry is a hit, and the upstream is not called again.
        long wait = 2500 - (System.nanoTime() - sent) / 1_000_000;
        if (wait > 0) {
            Thread.sleep(wait);
        }
        assertEquals(0, fake.abandonedCount(), "the upstream answer was read");
        embed(body).then().statusCode(200).header("x-embedgate-cache", "hits=1; misses=0");
        assertEquals(1, fake.callCount(), "served from what the abandoned request stored");
    }
}
