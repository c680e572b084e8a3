package io.embedgate.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.testing.Api;
import io.embedgate.testing.PackagedApp;

/**
 * The packaged application with {@code EMBEDGATE_JSON_LOGS=true}: every console line is one JSON
 * object, and the access-log line carries its fields as structured values.
 */
class JsonLogsIT {

    @Test
    void consoleLinesAreJsonWithStructuredAccessFields() throws Exception {
        FakeOpenAi fake = FakeOpenAi.start();
        File log = new File("target/json-logs.log");
        PackagedApp gateway = PackagedApp.launch(Map.of("OPENAI_BASE_URL", fake.baseUrl(), "OPENAI_API_KEY", fake.apiKey(),
                "EMBEDGATE_JSON_LOGS", "true"), log);
        try {
            gateway.awaitReady();
            HttpResponse<String> r = gateway.embed("""
                    {"model":"text-embedding-3-small","input":["json log"],"orq":{"name":"nightly \\"job\\""}}""");
            assertEquals(200, r.statusCode(), r.body());
            String requestId = r.headers().firstValue("x-request-id").orElseThrow();
            JsonNode access = null;
            for (int i = 0; i < 100 && access == null; i++) {
                Thread.sleep(50);
                List<String> lines = Files.readAllLines(log.toPath()).stream().filter(l -> !l.isBlank()).toList();
                for (String line : lines) {
                    JsonNode n = Api.JSON.readTree(line); // throws if any line is not JSON
                    assertNotNull(n.get("timestamp"), line);
                    if ("io.embedgate.access".equals(n.path("loggerName").asText())) {
                        access = n;
                    }
                }
            }
            assertNotNull(access, "an access-log line");
            JsonNode mdc = access.get("mdc");
            assertEquals(requestId, mdc.get("request_id").asText());
            assertEquals("text-embedding-3-small", mdc.get("model").asText());
            assertEquals("openai", mdc.get("provider").asText());
            assertEquals("200", mdc.get("status").asText());
            assertEquals("1", mdc.get("inputs").asText());
            assertEquals("nightly _job_", mdc.get("orq_name").asText(), "client text is sanitised");
            assertTrue(Double.parseDouble(mdc.get("latency_ms").asText()) >= 0);
            assertFalse(Files.readString(log.toPath()).contains(fake.apiKey()));
        } finally {
            gateway.close();
            fake.close();
        }
    }

}
