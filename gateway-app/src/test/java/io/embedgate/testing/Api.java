package io.embedgate.testing;

import static io.restassured.RestAssured.given;

import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.embedgate.spi.Float32;
import io.restassured.response.Response;

/** Small helpers for talking to the gateway over real HTTP. */
public final class Api {

    public static final ObjectMapper JSON = new ObjectMapper();

    private Api() {
    }

    public static Response embed(String body) {
        return given().header("Authorization", TestKeys.BEARER).contentType("application/json").body(body)
                .when().post("/v1/embeddings");
    }

    public static JsonNode json(Response r) {
        try {
            return JSON.readTree(r.asByteArray());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + r.asString(), e);
        }
    }

    /** The vector of {@code data[i]}, from a float array or a base64 string. */
    public static float[] vector(JsonNode response, int i) {
        JsonNode e = response.get("data").get(i).get("embedding");
        if (e.isTextual()) {
            return Float32.fromLittleEndian(Base64.getDecoder().decode(e.asText()));
        }
        float[] v = new float[e.size()];
        for (int k = 0; k < v.length; k++) {
            v[k] = e.get(k).floatValue();
        }
        return v;
    }

    /** {"model":...,"input":[...]} for n texts "text-0".."text-(n-1)". */
    public static String manyInputs(String model, int n) {
        StringBuilder b = new StringBuilder("{\"model\":\"").append(model).append("\",\"input\":[");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append("\"text-").append(i).append('"');
        }
        return b.append("]}").toString();
    }
}
