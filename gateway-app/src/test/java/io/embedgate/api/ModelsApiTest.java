package io.embedgate.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;

import org.junit.jupiter.api.Test;

import io.embedgate.testing.FakeUpstreamsResource;
import io.embedgate.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(FakeUpstreamsResource.class)
class ModelsApiTest {

    @Test
    void listsAvailableModelsWithProvidersAndDimensions() {
        given().header("Authorization", TestKeys.BEARER).get("/v1/models").then().statusCode(200)
                .body("object", equalTo("list"))
                .body("data.id", hasItems("text-embedding-3-small", "text-embedding-3-large", "text-embedding-ada-002"))
                .body("data.id", not(hasItem("no-key-model")))
                .body("data.find { it.id == 'text-embedding-3-small' }.dimensions", equalTo(1536))
                .body("data.find { it.id == 'text-embedding-3-small' }.reducible_dimensions", equalTo(true))
                .body("data.find { it.id == 'text-embedding-3-small' }.supported_endpoints", contains("embeddings"))
                .body("data.find { it.id == 'text-embedding-3-small' }.object", equalTo("model"))
                .body("data.find { it.id == 'text-embedding-3-large' }.providers.id", contains("openai-down", "openai"))
                .body("data.find { it.id == 'text-embedding-ada-002' }.reducible_dimensions", equalTo(false));
    }

    @Test
    void getsOneModelPlainOrPinned() {
        given().header("Authorization", TestKeys.BEARER).get("/v1/models/text-embedding-3-large").then().statusCode(200)
                .body("id", equalTo("text-embedding-3-large")).body("dimensions", equalTo(3072))
                .body("max_inputs_per_call", equalTo(2048)).body("token_id_input", equalTo(true));
        given().header("Authorization", TestKeys.BEARER).get("/v1/models/openai/text-embedding-3-large").then().statusCode(200)
                .body("id", equalTo("openai/text-embedding-3-large")).body("providers.id", contains("openai"))
                .body("providers[0].model", equalTo("openai/text-embedding-3-large"));
    }

    @Test
    void listsTheGoogleAndMistralModelsWithTheirSizes() {
        given().header("Authorization", TestKeys.BEARER).get("/v1/models").then().statusCode(200)
                .body("data.find { it.id == 'gemini-embedding-001' }.dimensions", equalTo(3072))
                .body("data.find { it.id == 'gemini-embedding-001' }.min_dimensions", equalTo(128))
                .body("data.find { it.id == 'gemini-embedding-001' }.max_inputs_per_call", equalTo(100))
                .body("data.find { it.id == 'gemini-embedding-001' }.token_id_input", equalTo(false))
                .body("data.find { it.id == 'gemini-embedding-001' }.owned_by", equalTo("google"))
                .body("data.find { it.id == 'mistral-embed' }.dimensions", equalTo(1024))
                .body("data.find { it.id == 'mistral-embed' }.reducible_dimensions", equalTo(false))
                .body("data.find { it.id == 'codestral-embed' }.dimensions", equalTo(1536))
                .body("data.find { it.id == 'codestral-embed' }.max_dimensions", equalTo(3072))
                .body("data.find { it.id == 'codestral-embed' }.output_dtypes", hasItems("float", "int8", "uint8", "binary", "ubinary"))
                .body("data.find { it.id == 'codestral-embed' }.provider_output_dtypes",
                        hasItems("float", "int8", "uint8", "binary", "ubinary"))
                .body("data.find { it.id == 'mistral-embed' }.provider_output_dtypes", equalTo(java.util.List.of("float")))
                .body("data.find { it.id == 'mistral-embed' }.output_dtypes", hasItems("float", "int8", "binary"))
                .body("data.find { it.id == 'ada-prefixed' }.input_prefixes", equalTo(java.util.List.of("query", "document")))
                .body("data.find { it.id == 'codestral-embed' }.providers[0].model", equalTo("mistral/codestral-embed"));
    }

    @Test
    void unknownModelIs404() {
        given().header("Authorization", TestKeys.BEARER).get("/v1/models/nope").then().statusCode(404)
                .body("error.code", equalTo("model_not_found"));
    }
}
