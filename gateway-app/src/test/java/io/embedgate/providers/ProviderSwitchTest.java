package io.embedgate.providers;

import static io.embedgate.testing.Api.embed;
import static io.embedgate.testing.Api.json;
import static io.embedgate.testing.Api.vector;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.embedgate.testing.FakeUpstreamsResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The same OpenAI-style request, switched between providers: ordered, unit-length vectors of the requested size. */
@QuarkusTest
@WithTestResource(FakeUpstreamsResource.class)
class ProviderSwitchTest {

    @ParameterizedTest(name = "{0} as {2}")
    @CsvSource(textBlock = """
            openai/text-embedding-3-small, openai,  float
            openai/text-embedding-3-small, openai,  base64
            google/gemini-embedding-001,   google,  float
            google/gemini-embedding-001,   google,  base64
            mistral/codestral-embed,       mistral, float
            mistral/codestral-embed,       mistral, base64
            """)
    void sameRequestAnyProvider(String model, String provider, String encoding) {
        JsonNode body = json(
                embed("{\"model\":\"" + model + "\",\"input\":[\"alpha\",\"beta\",\"gamma\"],\"dimensions\":256,\"encoding_format\":\""
                        + encoding + "\"}").then().statusCode(200).header("x-embedgate-provider", provider)
                        .body("model", equalTo(model.substring(model.indexOf('/') + 1))).extract().response());
        assertEquals(3, body.get("data").size());
        for (int i = 0; i < 3; i++) {
            assertEquals(i, body.get("data").get(i).get("index").asInt());
            float[] v = vector(body, i);
            assertEquals(256, v.length);
            double s = 0;
            for (float f : v) {
                s += (double) f * f;
            }
            assertEquals(1.0, Math.sqrt(s), 1e-5, model + " vector " + i);
        }
        assertNotEquals(vector(body, 0)[0], vector(body, 1)[0]);
    }
}
