package io.embedgate;

import static io.embedgate.testing.Api.embed;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.embedgate.testing.FakeUpstreamsResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** /q/metrics changes exactly as known traffic says, with bounded labels. */
@QuarkusTest
@WithTestResource(FakeUpstreamsResource.class)
class MetricsTest {

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
        String[] ok = { "model=\"text-embedding-3-small\"", "provider=\"openai\"", "status=\"200\"" };
        String[] inputs = { "key_id=\"test\"", "model=\"text-embedding-3-small\"", "provider=\"openai\"" };
        String[] unknown = { "model=\"_unknown\"", "status=\"404\"" };
        String[] upstream = { "provider=\"openai\"", "outcome=\"ok\"" };
        String before = scrape();
        embed("{\"model\":\"text-embedding-3-small\",\"input\":[\"m1\",\"m2\"],\"orq\":{\"contact\":{\"id\":\"contact_SECRET42\"}}}").then().statusCode(200);
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
}
