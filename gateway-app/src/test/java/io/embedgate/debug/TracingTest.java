package io.embedgate.debug;

import static io.embedgate.testing.Api.embed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.fakes.Fault;
import io.embedgate.testing.FakeUpstreamsResource;
import io.embedgate.testing.InjectFake;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** With tracing on: a server span per request carrying the routing decisions, and a span per upstream attempt under it. */
@QuarkusTest
@WithTestResource(FakeUpstreamsResource.class)
@TestProfile(TracingTest.Tracing.class)
class TracingTest {

    public static class Tracing implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.otel.sdk.disabled", "false", "quarkus.otel.bsp.schedule.delay", "20ms",
                    "quarkus.otel.exporter.otlp.traces.endpoint", "http://127.0.0.1:1");
        }
    }

    @Inject
    InMemorySpanExporter spans;
    @InjectFake
    FakeOpenAi fake;

    @Test
    void requestAndAttemptSpansCarryTheRoutingDecisions() throws Exception {
        spans.reset();
        fake.reset();
        fake.enqueue(Fault.respond(503, """
                {"error":{"message":"overloaded","type":"server_error"}}"""));
        embed("""
                {"model":"routed-small","input":"traced","provider":{"ignore":["openai-b"]},"orq":{"retry":{"count":1}}}""")
                .then().statusCode(200);
        SpanData server = null;
        List<SpanData> attempts = List.of();
        for (int i = 0; i < 200 && (server == null || attempts.size() < 2); i++) {
            Thread.sleep(20);
            List<SpanData> all = spans.getFinishedSpanItems();
            server = all.stream().filter(s -> s.getKind() == SpanKind.SERVER && s.getName().contains("/v1/embeddings")).findFirst()
                    .orElse(null);
            attempts = all.stream().filter(s -> s.getName().equals("embedgate.upstream openai")).toList();
        }
        assertTrue(server != null, "a server span for the request");
        assertEquals("routed-small", server.getAttributes().get(AttributeKey.stringKey("embedgate.model")));
        assertEquals("openai", server.getAttributes().get(AttributeKey.stringKey("embedgate.provider")));
        assertEquals(List.of("routed-small@openai"), server.getAttributes().get(AttributeKey.stringArrayKey("embedgate.candidates")));
        assertTrue(server.getAttributes().get(AttributeKey.stringArrayKey("embedgate.excluded")).toString()
                .contains("openai-b is in provider.ignore"));
        assertEquals(2, attempts.size(), "one span per upstream attempt: the 503 and its retry");
        for (SpanData a : attempts) {
            assertEquals(server.getTraceId(), a.getTraceId());
            assertEquals(server.getSpanId(), a.getParentSpanId());
        }
        SpanData first = attempts.stream().filter(a -> a.getAttributes().get(AttributeKey.longKey("embedgate.attempt")) == 1).findFirst()
                .orElseThrow();
        assertEquals("server_error", first.getAttributes().get(AttributeKey.stringKey("embedgate.outcome")));
        assertEquals(503L, first.getAttributes().get(AttributeKey.longKey("http.response.status_code")));
        assertTrue(first.getAttributes().get(AttributeKey.longKey("embedgate.retry_delay_ms")) != null);
        SpanData second = attempts.stream().filter(a -> a.getAttributes().get(AttributeKey.longKey("embedgate.attempt")) == 2).findFirst()
                .orElseThrow();
        assertEquals("ok", second.getAttributes().get(AttributeKey.stringKey("embedgate.outcome")));
    }
}
