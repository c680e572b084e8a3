package io.embedgate.fakes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.embedgate.fakes.FakeUpstream.Answer;
import io.vertx.core.buffer.Buffer;

/**
 * The first stage of {@link FakeMistral}'s request checks, as Mistral's FastAPI front end runs it: the body's
 * JSON and field types against the pydantic schema. Every problem found is reported at once, in one 422
 * whose {@code detail} lists pydantic's errors. The model's own rules and the limits come after, in the fake.
 */
final class MistralRequestCheck {

    private static final List<String> DTYPES = List.of("float", "int8", "uint8", "binary", "ubinary");
    private static final String DTYPE_CHOICES = "'float', 'int8', 'uint8', 'binary' or 'ubinary'";

    /** A body that fits the schema: the model as named, the texts, {@code output_dimension} (null: none), the dtype and base64. */
    record Request(String model, List<String> texts, Integer dims, String dtype, boolean base64) {
    }

    /** Either the 422 or the request that passed. */
    record Outcome(Answer refusal, Request request) {
    }

    private MistralRequestCheck() {
    }

    static Outcome check(Buffer body) {
        JsonNode req = FakeUpstream.jsonBody(body);
        if (req == null) {
            return refuse(List.of(detail("json_invalid", "[\"body\",0]", "JSON decode error", "{}", "{\"error\":\"Expecting value\"}")));
        }
        if (!req.isObject()) {
            return refuse(List.of(detail("model_attributes_type", "[\"body\"]",
                    "Input should be a valid dictionary or object to extract fields from", req.toString())));
        }
        // Request validation, FastAPI style: collect every problem, answer 422 with all of them.
        List<String> problems = new ArrayList<>();
        JsonNode model = req.path("model");
        if (!model.isTextual()) {
            problems.add(
                    model.isMissingNode() || model.isNull() ? detail("missing", "[\"body\",\"model\"]", "Field required", req.toString())
                            : detail("string_type", "[\"body\",\"model\"]", "Input should be a valid string", model.toString()));
        }
        JsonNode input = req.path("input");
        List<String> texts = new ArrayList<>();
        if (input.isMissingNode() || input.isNull()) {
            problems.add(detail("missing", "[\"body\",\"input\"]", "Field required", req.toString()));
        } else if (input.isTextual()) {
            texts.add(input.asText());
        } else {
            List<String> bad = new ArrayList<>();
            bad.add(detail("string_type", "[\"body\",\"input\",\"str\"]", "Input should be a valid string", input.toString()));
            if (input.isArray()) {
                for (int i = 0; i < input.size(); i++) {
                    if (input.get(i).isTextual()) {
                        texts.add(input.get(i).asText());
                    } else {
                        bad.add(detail("string_type", "[\"body\",\"input\",\"list[str]\"," + i + "]", "Input should be a valid string",
                                input.get(i).toString()));
                    }
                }
            } else {
                bad.add(detail("list_type", "[\"body\",\"input\",\"list[str]\"]", "Input should be a valid list", input.toString()));
            }
            if (bad.size() > 1) {
                problems.addAll(bad);
            }
        }
        JsonNode dimsNode = req.path("output_dimension");
        Integer dims = null;
        if (dimsNode.isIntegralNumber() && dimsNode.canConvertToInt()) {
            dims = dimsNode.asInt();
        } else if (!dimsNode.isMissingNode() && !dimsNode.isNull()) {
            problems.add(detail("int_type", "[\"body\",\"output_dimension\"]", "Input should be a valid integer", dimsNode.toString()));
        }
        String dtype = choice(req, "output_dtype", DTYPES, DTYPE_CHOICES, problems);
        String encoding = choice(req, "encoding_format", List.of("float", "base64"), "'float' or 'base64'", problems);
        if (!problems.isEmpty()) {
            return refuse(problems);
        }
        return new Outcome(null, new Request(model.asText(), texts, dims, dtype, encoding.equals("base64")));
    }

    /** An optional enum field: null or absent gives the first choice, anything unknown a 422 problem. */
    private static String choice(JsonNode req, String name, List<String> choices, String listed, List<String> problems) {
        JsonNode v = req.path(name);
        if (v.isMissingNode() || v.isNull()) {
            return choices.get(0);
        }
        if (v.isTextual() && choices.contains(v.asText())) {
            return v.asText();
        }
        problems.add(detail("enum", "[\"body\",\"" + name + "\"]", "Input should be " + listed, v.toString(),
                "{\"expected\":" + FakeUpstream.quote(listed) + "}"));
        return choices.get(0);
    }

    private static String detail(String type, String loc, String msg, String input) {
        return detail(type, loc, msg, input, null);
    }

    /** One pydantic validation error; {@code loc}, {@code input} and {@code ctx} (may be null) are raw JSON. */
    private static String detail(String type, String loc, String msg, String input, String ctx) {
        return "{\"type\":" + FakeUpstream.quote(type) + ",\"loc\":" + loc + ",\"msg\":" + FakeUpstream.quote(msg) + ",\"input\":" + input
                + (ctx == null ? "" : ",\"ctx\":" + ctx) + "}";
    }

    private static Outcome refuse(List<String> problems) {
        return new Outcome(Answer.json(422, "{\"detail\":[" + String.join(",", problems) + "]}", Map.of()), null);
    }
}
