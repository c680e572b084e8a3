package io.embedgate.providers;

import static io.embedgate.testing.Api.embed;
import static io.embedgate.testing.Api.json;
import static io.embedgate.testing.Api.vector;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;

import io.embedgate.fakes.FakeAzureOpenAi;
import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.fakes.FakeVectors;
import io.embedgate.fakes.Fault;
import io.embedgate.spi.Embedding;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.Quantization;
import io.embedgate.testing.Api;
import io.embedgate.testing.AzurePresetsResource;
import io.embedgate.testing.InjectFake;
import io.embedgate.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** The azure-openai type through the gateway, against a fake Azure OpenAI resource. */
@QuarkusTest
@WithTestResource(AzurePresetsResource.class)
class AzureProviderTest {

    static final String SMALL = "text-embedding-3-small";

    @InjectFake
    FakeAzureOpenAi azure;

    @TestHTTPResource("/v1")
    URL base;

    @BeforeEach
    void reset() {
        azure.reset();
        azure.maxInputs(FakeOpenAi.MAX_INPUTS);
    }

    static JsonNode parse(String s) {
        try {
            return Api.JSON.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** prod-small is known only through settings.model.prod-small (a map key with a dot): dimensions pass the gateway. */
    @Test
    void classicRouteWithApiVersionKeyHeaderAndTheDeploymentsCapabilities() {
        JsonNode body = json(embed("{\"model\":\"azure-small\",\"input\":[\"alpha\",\"beta\"],\"dimensions\":256}").then().statusCode(200)
                .header("x-embedgate-provider", "azure-openai").extract().response());
        assertArrayEquals(FakeOpenAi.expectedVector(SMALL, "alpha", 256), vector(body, 0));
        assertArrayEquals(FakeOpenAi.expectedVector(SMALL, "beta", 256), vector(body, 1));
        var req = azure.requests().get(0);
        assertEquals("/openai/deployments/prod-small/embeddings?api-version=2024-06-01", req.uri());
        assertEquals(azure.apiKey(), req.header("api-key"));
        assertNull(req.header("authorization"), "never Bearer: Azure reserves it for Entra ID tokens");
        JsonNode sent = parse(req.body());
        assertNull(sent.get("model"), "the deployment route names the model in its path");
        assertEquals("base64", sent.get("encoding_format").asText());
        assertEquals(256, sent.get("dimensions").asInt());
        int tokens = FakeVectors.tokens("alpha") + FakeVectors.tokens("beta"); // the fake's own count, passed on
        assertEquals(tokens, body.get("usage").get("prompt_tokens").asInt());
        assertEquals(tokens, body.get("usage").get("total_tokens").asInt());
    }

    @Test
    void v1RouteSendsTheDeploymentAsModel() {
        JsonNode body = json(embed("{\"model\":\"azure-v1-small\",\"input\":\"gamma\"}").then().statusCode(200).extract().response());
        assertArrayEquals(FakeOpenAi.expectedVector(SMALL, "gamma", null), vector(body, 0));
        var req = azure.requests().get(0);
        assertEquals("/openai/v1/embeddings", req.uri());
        assertEquals(SMALL, parse(req.body()).get("model").asText());
    }

    @Test
    void adaDeploymentIsNotReducibleSoTheGatewayRejectsDimensionsItself() {
        embed("{\"model\":\"azure-ada\",\"input\":\"x\",\"dimensions\":256}").then().statusCode(400).body("error.param",
                equalTo("dimensions"));
        assertEquals(0, azure.callCount());
        JsonNode body = json(embed("{\"model\":\"azure-ada\",\"input\":\"x\"}").then().statusCode(200).extract().response());
        assertArrayEquals(FakeOpenAi.expectedVector("text-embedding-ada-002", "x", null), vector(body, 0));
    }

    /** A legacy deployment takes 16 inputs: the catalogue's max-inputs-per-call=16 splits 40 inputs into 16 + 16 + 8. */
    @Test
    void legacySixteenInputCapIsSplitOver() {
        azure.maxInputs(16);
        JsonNode body = json(embed(Api.manyInputs("azure-legacy16", 40)).then().statusCode(200).extract().response());
        assertEquals(40, body.get("data").size());
        for (int i : new int[]{0, 15, 16, 39}) {
            assertArrayEquals(FakeOpenAi.expectedVector(SMALL, "text-" + i, null), vector(body, i), "input " + i);
        }
        assertEquals(List.of(16, 16, 8), azure.requests().stream().map(r -> parse(r.body()).get("input").size()).toList());
        // Without the cap in the catalogue the deployment's own 400 reaches the client, naming the instance.
        azure.reset();
        embed(Api.manyInputs("azure-small", 40)).then().statusCode(400).body("error.type", equalTo("invalid_request_error"))
                .body("error.message", containsString("'azure-openai'"))
                .body("error.message", containsString("Too many inputs. The max number of inputs is 16."));
    }

    @Test
    void gatewayQuantisesToBinaryForThisFloatOnlyProvider() {
        JsonNode body = json(embed("{\"model\":\"azure-small\",\"input\":\"delta\",\"dimensions\":64,\"encoding_format\":\"base64\","
                + "\"embedding_options\":{\"output_dtype\":\"binary\"}}").then().statusCode(200).extract().response());
        byte[] got = Base64.getDecoder().decode(body.get("data").get(0).get("embedding").asText());
        Embedding.Bytes expected = Quantization.quantize(FakeOpenAi.expectedVector(SMALL, "delta", 64), OutputDtype.BINARY);
        assertArrayEquals(expected.values(), got);
        assertEquals(8, got.length);
        assertFalse(parse(azure.requests().get(0).body()).has("output_dtype"), "Azure is asked for floats");
    }

    @Test
    void deploymentNotFoundIs502NamingTheProvider() {
        embed("{\"model\":\"azure-missing\",\"input\":\"x\"}").then().statusCode(502).body("error.type", equalTo("upstream_error"))
                .body("error.code", equalTo("provider_model_not_found")).body("error.message", containsString("'azure-openai'"))
                .body("error.message", containsString("The API deployment for this resource does not exist"));
        assertEquals("/openai/deployments/ghost-deployment/embeddings?api-version=2024-06-01", azure.requests().get(0).uri());
    }

    @Test
    void wrongKeyIs502WithoutTheKey() {
        Response r = embed("{\"model\":\"azure-badkey-model\",\"input\":\"x\"}");
        r.then().statusCode(502).body("error.code", equalTo("provider_auth_failed")).body("error.message", containsString("azure-badkey"));
        assertEquals(1, azure.callCount(), "the fake really answered 401");
        String all = r.asString() + r.headers();
        assertFalse(all.contains(AzurePresetsResource.WRONG_AZURE_KEY));
        assertFalse(all.contains(azure.apiKey()));
    }

    @Test
    void rateLimitIs429WithAzuresRetryHint() {
        azure.enqueue(FakeAzureOpenAi.rateLimited(7));
        embed("{\"model\":\"azure-small\",\"input\":\"x\"}").then().statusCode(429).header("retry-after", "7")
                .header("retry-after-ms", "7000")
                .body("error.type", equalTo("rate_limit_error")).body("error.message", containsString("azure-openai"));
    }

    @Test
    void serverErrorsAndBadAnswersAre502() {
        azure.enqueue(
                Fault.respond(500, FakeAzureOpenAi.azureError("InternalServerError", "The server had an error."), java.util.Map.of()));
        embed("{\"model\":\"azure-small\",\"input\":\"x\"}").then().statusCode(502).body("error.code", equalTo("provider_error"))
                .body("error.message", containsString("HTTP 500"));
        azure.enqueue(new Fault.MissingVector());
        embed("{\"model\":\"azure-small\",\"input\":[\"a\",\"b\"]}").then().statusCode(502)
                .body("error.code", equalTo("provider_invalid_response"));
    }

    @Test
    void officialOpenAiSdkThroughTheGateway() {
        OpenAIClient client = OpenAIOkHttpClient.builder().apiKey(TestKeys.GATEWAY_KEY).baseUrl(base.toString()).maxRetries(0).build();
        try {
            CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder().model("azure-small")
                    .inputOfArrayOfStrings(List.of("one", "two")).dimensions(128).build());
            assertEquals(2, r.data().size());
            List<Float> got = r.data().get(1).embedding();
            float[] expected = FakeOpenAi.expectedVector(SMALL, "two", 128);
            assertEquals(expected.length, got.size());
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], got.get(i), "value " + i);
            }
            assertTrue(r.usage().promptTokens() > 0);
        } finally {
            client.close();
        }
    }
}
