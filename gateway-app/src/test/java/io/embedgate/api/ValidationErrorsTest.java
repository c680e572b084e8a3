package io.embedgate.api;

import static io.embedgate.testing.Api.embed;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.testing.Api;
import io.embedgate.testing.FakeUpstreamsResource;
import io.embedgate.testing.InjectFake;
import io.embedgate.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.ValidatableResponse;

/** Every client mistake is a clear 4xx in the OpenAI envelope, naming the field, and never reaches upstream. */
@QuarkusTest
@WithTestResource(FakeUpstreamsResource.class)
class ValidationErrorsTest {

    @InjectFake
    FakeOpenAi fake;

    @BeforeEach
    void reset() {
        fake.reset();
    }

    static ValidatableResponse rejected(String body, int status, String param) {
        ValidatableResponse r = embed(body).then().statusCode(status)
                .header("content-type", startsWith("application/json"))
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.message", org.hamcrest.Matchers.not(org.hamcrest.Matchers.emptyOrNullString()));
        return param == null ? r.body("error.param", nullValue()) : r.body("error.param", equalTo(param));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            malformed JSON                 | {"model":"text-embedding-3-small","input":   |               | not valid JSON
            trailing garbage               | {"model":"text-embedding-3-small","input":"x"} x |           | not valid JSON
            body is an array               | []                                           |               | must be a JSON object
            model missing                  | {"input":"x"}                                | model         | model is required
            model blank                    | {"model":" ","input":"x"}                    | model         | model is required
            model not a string             | {"model":5,"input":"x"}                      | model         | must be a string
            input missing                  | {"model":"text-embedding-3-small"}           | input         | input is required
            input null                     | {"model":"text-embedding-3-small","input":null} | input      | input is required
            input empty array              | {"model":"text-embedding-3-small","input":[]} | input        | must not be empty
            input empty string             | {"model":"text-embedding-3-small","input":""} | input        | must not be an empty string
            empty string in array          | {"model":"text-embedding-3-small","input":["a",""]} | input  | input[1] must not be an empty string
            input object                   | {"model":"text-embedding-3-small","input":{"a":1}} | input   | must be a string, an array of strings
            mixed array                    | {"model":"text-embedding-3-small","input":["a",1]} | input   | input[1] must be a string
            negative token                 | {"model":"text-embedding-3-small","input":[1,-2]} | input    | non-negative integer token ids
            float token                    | {"model":"text-embedding-3-small","input":[1,2.5]} | input   | non-negative integer token ids
            empty token array              | {"model":"text-embedding-3-small","input":[[1],[]]} | input  | input[1] must be a non-empty array
            inputs alias differs           | {"model":"text-embedding-3-small","input":"a","inputs":"b"} | inputs | aliases
            bad inputs alias               | {"model":"text-embedding-3-small","inputs":[""]} | inputs    | inputs[0] must not be an empty string
            encoding_format invalid        | {"model":"text-embedding-3-small","input":"x","encoding_format":"int8"} | encoding_format | 'float' or 'base64'
            encoding_format not a string   | {"model":"text-embedding-3-small","input":"x","encoding_format":1} | encoding_format | must be a string
            dimensions zero                | {"model":"text-embedding-3-small","input":"x","dimensions":0} | dimensions | at least 1
            dimensions as string           | {"model":"text-embedding-3-small","input":"x","dimensions":"8"} | dimensions | must be an integer
            dimensions fractional          | {"model":"text-embedding-3-small","input":"x","dimensions":8.5} | dimensions | must be an integer
            dimensions above native        | {"model":"text-embedding-3-small","input":"x","dimensions":1537} | dimensions | between 1 and 1536
            dimensions on fixed model      | {"model":"text-embedding-ada-002","input":"x","dimensions":512} | dimensions | does not support specifying dimensions
            user not a string              | {"model":"text-embedding-3-small","input":"x","user":7} | user | must be a string
            """)
    void rejects(String name, String body, String param, String message) {
        ValidatableResponse r = rejected(body, 400, param == null || param.isBlank() ? null : param);
        if (message != null && !message.isBlank()) {
            r.body("error.message", containsString(message));
        }
        assertEquals(0, fake.callCount(), "nothing may reach upstream");
    }

    /**
     * Unknown models, and models whose only provider is disabled, which the message explains. The table's
     * quote character is '"' because the messages hold apostrophes.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            unknown model                       | no-such-model                          | no-such-model
            unknown provider in a pin           | nobody/text-embedding-3-small          | Unknown provider 'nobody'
            pinned provider does not serve it   | openai-wrongkey/text-embedding-3-small | does not serve
            only provider has no key            | no-key-model                           | openai-nokey: no api-key configured
            only provider has no base URL       | no-url-model                           | openai-nourl: no base-url configured
            """)
    void modelThatCannotBeServedIs404ModelNotFound(String name, String model, String message) {
        rejected("{\"model\":\"" + model + "\",\"input\":\"x\"}", 404, "model")
                .body("error.code", equalTo("model_not_found"))
                .body("error.message", containsString(message));
        assertEquals(0, fake.callCount(), "nothing may reach upstream");
    }

    @Test
    void moreThan2048InputsIsRejected() {
        rejected(Api.manyInputs("text-embedding-3-small", 2049), 400, "input")
                .body("error.message", containsString("at most 2048"));
    }

    @Test
    void oversizedBodyIs413InTheEnvelope() {
        String big = "{\"model\":\"text-embedding-3-small\",\"input\":\"" + "x".repeat(1100 * 1024) + "\"}";
        embed(big).then().statusCode(413).body("error.code", equalTo("request_too_large"))
                .body("error.type", equalTo("invalid_request_error"));
        assertEquals(0, fake.callCount());
    }

    @TestHTTPResource("/v1/embeddings")
    URI embeddings;

    @Test
    void oversizedChunkedBodyIs413InTheEnvelopeAndSmallChunkedBodiesWork() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Function<byte[], HttpRequest> chunked = bytes -> HttpRequest.newBuilder(embeddings)
                .header("Authorization", TestKeys.BEARER).header("content-type", "application/json")
                // An InputStream publisher has no known length, so the client sends it chunked.
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))).build();
        byte[] big = ("{\"model\":\"text-embedding-3-small\",\"input\":\"" + "x".repeat(1100 * 1024) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> r = http.send(chunked.apply(big), HttpResponse.BodyHandlers.ofString());
        assertEquals(413, r.statusCode());
        assertEquals("request_too_large", Api.JSON.readTree(r.body()).get("error").get("code").asText());
        HttpResponse<String> ok = http.send(
                chunked.apply("{\"model\":\"text-embedding-3-small\",\"input\":\"x\"}".getBytes(StandardCharsets.UTF_8)),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals(1, fake.callCount());
        // HTTP/2 (h2c) has no chunked encoding, only an undeclared length: same limit, same envelope.
        HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        HttpResponse<String> h2ok = h2.send(
                chunked.apply("{\"model\":\"text-embedding-3-small\",\"input\":\"y\"}".getBytes(StandardCharsets.UTF_8)),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, h2ok.statusCode(), h2ok.body());
        assertEquals(HttpClient.Version.HTTP_2, h2ok.version());
        // An HTTP/2 body with a declared length over the limit: turned away before it is read, in the envelope.
        HttpResponse<String> h2big = h2.send(HttpRequest.newBuilder(embeddings).header("Authorization", TestKeys.BEARER)
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(big)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(HttpClient.Version.HTTP_2, h2big.version());
        assertEquals(413, h2big.statusCode());
        assertEquals("request_too_large", Api.JSON.readTree(h2big.body()).get("error").get("code").asText());
        assertEquals(2, fake.callCount());
    }

    @Test
    void emptyBodyIs400() {
        RestAssured.given().header("Authorization", TestKeys.BEARER).contentType("application/json").post("/v1/embeddings")
                .then().statusCode(400).body("error.message", containsString("body is required"));
    }

    @Test
    void wrongContentTypeIs415() {
        RestAssured.given().header("Authorization", TestKeys.BEARER).contentType("text/plain").body("hello").post("/v1/embeddings")
                .then().statusCode(415).body("error.message", containsString("application/json"));
    }

    @Test
    void unknownRoutesAndMethodsUseTheEnvelope() {
        RestAssured.given().header("Authorization", TestKeys.BEARER).get("/v1/nothing-here")
                .then().statusCode(404).body("error.type", equalTo("invalid_request_error"));
        RestAssured.given().header("Authorization", TestKeys.BEARER).get("/v1/embeddings")
                .then().statusCode(405).body("error.type", equalTo("invalid_request_error"));
    }
}
