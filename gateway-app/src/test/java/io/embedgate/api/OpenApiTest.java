package io.embedgate.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.embedgate.testing.Api;
import io.embedgate.testing.FakeUpstreamsResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** /q/openapi is a valid OpenAPI 3 document describing the routes and every extension field. */
@QuarkusTest
@WithTestResource(FakeUpstreamsResource.class)
class OpenApiTest {

    @Test
    void describesTheApiAndItsExtensionFields() throws Exception {
        JsonNode doc = Api.JSON
                .readTree(given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().asString());
        assertTrue(doc.get("openapi").asText().startsWith("3."), "an OpenAPI 3 document");
        for (String path : new String[]{"/v1/embeddings", "/v2/gateway/embeddings", "/v1/models", "/v1/models/{id}", "/v1/usage"}) {
            assertTrue(doc.get("paths").has(path), path);
        }
        JsonNode props = doc.get("components").get("schemas").get("EmbeddingRequest").get("properties");
        for (String field : new String[]{"model", "input", "inputs", "encoding_format", "dimensions", "user", "embedding_options",
                "provider", "orq",
                "debug"}) {
            assertTrue(props.has(field), field);
        }
        // Generated from the adapters' option declarations: the gateway's knobs and each provider's own.
        JsonNode options = props.get("embedding_options").get("properties");
        assertTrue(options.get("input_type").get("enum").toString().contains("code_query"), options.toString());
        assertTrue(options.get("output_dtype").get("enum").toString().contains("ubinary"), options.toString());
        assertTrue(options.get("google").get("properties").get("task_type").get("enum").toString().contains("RETRIEVAL_QUERY"));
        assertTrue(options.get("mistral").get("properties").get("output_dimension").get("maximum").asInt() == 3072);
        JsonNode schemas = doc.get("components").get("schemas");
        assertTrue(schemas.get("Orq").get("properties").has("load_balancer"));
        assertTrue(schemas.get("ProviderPreferences").get("properties").has("include_alpha"));
        for (String field : new String[]{"enabled", "return_upstream_request", "return_upstream_response", "trace", "trace_level"}) {
            assertTrue(schemas.get("DebugOptions").get("properties").has(field), "debug." + field);
        }
        JsonNode response = schemas.get("EmbeddingsResponse").get("properties");
        for (String field : new String[]{"object", "data", "model", "usage", "debug"}) {
            assertTrue(response.has(field), "response." + field);
        }
        for (String path : new String[]{"/v1/embeddings", "/v2/gateway/embeddings"}) {
            JsonNode responses = doc.get("paths").get(path).get("post").get("responses");
            for (String status : new String[]{"200", "400", "401", "403", "404", "429", "502", "504"}) {
                assertTrue(responses.has(status), path + " documents " + status);
            }
        }
        JsonNode usage = doc.get("paths").get("/v1/usage").get("get");
        for (String status : new String[]{"200", "400", "401", "503"}) {
            assertTrue(usage.get("responses").has(status), "/v1/usage documents " + status);
        }
        assertTrue(usage.get("parameters").toString().contains("\"start\"") && usage.get("parameters").toString().contains("\"end\"")
                && usage.get("parameters").toString().contains("\"model\""), usage.get("parameters").toString());
        for (String field : new String[]{"date", "model", "requests", "inputs", "tokens", "cached_tokens", "cost", "cost_saved"}) {
            assertTrue(schemas.get("UsageEntry").get("properties").has(field), "usage entry." + field);
        }
        // Structurally valid: every reference resolves, every operation declares its responses.
        java.util.List<String> refs = new java.util.ArrayList<>();
        collectRefs(doc, refs);
        assertTrue(refs.size() > 5, "the document uses component references");
        for (String ref : refs) {
            assertTrue(ref.startsWith("#/components/schemas/") && schemas.has(ref.substring("#/components/schemas/".length())),
                    "unresolved $ref " + ref);
        }
        doc.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> assertTrue(
                op.getValue().has("responses") && op.getValue().get("responses").size() > 0, path.getKey() + " " + op.getKey())));
    }

    private static void collectRefs(JsonNode n, java.util.List<String> out) {
        if (n.isObject()) {
            n.fields().forEachRemaining(f -> {
                if (f.getKey().equals("$ref")) {
                    out.add(f.getValue().asText());
                } else {
                    collectRefs(f.getValue(), out);
                }
            });
        } else if (n.isArray()) {
            n.forEach(c -> collectRefs(c, out));
        }
    }
}
