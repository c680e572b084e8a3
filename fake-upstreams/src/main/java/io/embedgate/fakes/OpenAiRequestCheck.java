package io.embedgate.fakes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;

import com.fasterxml.jackson.databind.JsonNode;

import io.embedgate.fakes.FakeOpenAi.DimensionsMode;
import io.embedgate.fakes.FakeUpstream.Answer;
import io.vertx.core.buffer.Buffer;

/**
 * The body rules of {@link FakeOpenAi}'s {@code POST /v1/embeddings}: the JSON, the model, the inputs and their
 * limits, {@code input_type}, {@code encoding_format} and {@code dimensions}, with the host's switches that bend them.
 * A body that breaks a rule gets the host's answer to the first one broken; one that passes, what to embed and how.
 */
final class OpenAiRequestCheck {

    /** OpenAI's message for inputs of the wrong shape. */
    static final String INVALID_INPUT = "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.";

    /** Native size of each model and whether {@code dimensions} may be given. */
    record Model(int dims, boolean reducible) {
    }

    /** The models OpenAI serves. */
    static final Map<String, Model> MODELS = Map.of(
            "text-embedding-3-small", new Model(1536, true),
            "text-embedding-3-large", new Model(3072, true),
            "text-embedding-ada-002", new Model(1536, false));

    /** An error in the host's envelope. */
    @FunctionalInterface
    interface Errors {

        Answer error(int status, String message, String type, String param, String code);
    }

    /**
     * A body that passed: its inputs (each a {@code String} or an {@code int[]} of tokens), whether vectors go out in
     * base64, the size to shorten them to (null: the model's) and the tokens counted.
     */
    record Request(String modelName, Model model, List<Object> inputs, boolean base64, Integer dims, long totalTokens) {
    }

    /** Either the answer to a broken rule or the request that passed. */
    record Outcome(Answer refusal, Request request) {
    }

    private final Errors errors;
    private final IntFunction<String> tooManyInputs;

    final Map<String, Model> models = new ConcurrentHashMap<>(MODELS);
    volatile boolean base64 = true;
    volatile DimensionsMode dimensionsMode = DimensionsMode.OPENAI;
    volatile boolean requireInputType;
    volatile int maxInputs = FakeOpenAi.MAX_INPUTS;

    /**
     * @param errors the host's error envelope
     * @param tooManyInputs the message of the 400 for more inputs than {@link #maxInputs} (given the maximum)
     */
    OpenAiRequestCheck(Errors errors, IntFunction<String> tooManyInputs) {
        this.errors = errors;
        this.tooManyInputs = tooManyInputs;
    }

    /** Back to OpenAI's rules and models. */
    void reset() {
        models.keySet().retainAll(MODELS.keySet());
        base64 = true;
        dimensionsMode = DimensionsMode.OPENAI;
        requireInputType = false;
        maxInputs = FakeOpenAi.MAX_INPUTS;
    }

    /**
     * Checks a body.
     *
     * @param servedModel the model to embed with (Azure: the deployment's), or null for the body's {@code model}
     */
    Outcome check(Buffer body, String servedModel) {
        JsonNode req = FakeUpstream.jsonObject(body);
        if (req == null) {
            return error(400,
                    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. "
                            + "The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, "
                            + "please contact us through our help center at help.openai.com.)",
                    "invalid_request_error", null, null);
        }
        JsonNode modelNode = req.get("model");
        if (servedModel == null && (modelNode == null || !modelNode.isTextual())) {
            return error(400, "you must provide a model parameter", "invalid_request_error", null, null);
        }
        String modelName = servedModel != null ? servedModel : modelNode.asText();
        Model model = models.get(modelName);
        if (model == null) {
            return error(404, "The model '" + modelName + "' does not exist or you do not have access to it.", "invalid_request_error",
                    "model", "model_not_found");
        }
        // Inputs: string | string[] | int[] | int[][]
        JsonNode input = req.get("input");
        List<Object> inputs = new ArrayList<>();
        if (input == null || input.isNull()) {
            return error(400, "'input' is a required property", "invalid_request_error", null, null);
        }
        if (input.isTextual()) {
            inputs.add(input.asText());
        } else if (input.isArray() && !input.isEmpty()) {
            int max = maxInputs;
            if (input.size() > max) {
                return error(400, tooManyInputs.apply(max), "invalid_request_error", null, null);
            }
            if (input.get(0).isInt()) {
                int[] tokens = tokens(input);
                if (tokens == null) {
                    return error(400, INVALID_INPUT, "invalid_request_error", null, null);
                }
                inputs.add(tokens);
            } else {
                for (JsonNode item : input) {
                    if (item.isTextual() && !item.asText().isEmpty()) {
                        inputs.add(item.asText());
                    } else if (item.isArray() && !item.isEmpty() && tokens(item) != null) {
                        inputs.add(tokens(item));
                    } else {
                        return error(400, INVALID_INPUT, "invalid_request_error", null, null);
                    }
                }
            }
        } else {
            return error(400, INVALID_INPUT, "invalid_request_error", null, null);
        }
        if (requireInputType) {
            JsonNode it = req.get("input_type");
            if (it == null || it.isNull()) {
                return refuse(Answer.json(400, "{\"detail\":\"'input_type' parameter is required for asymmetric models\"}", Map.of()));
            }
            if (!it.isTextual() || !(it.asText().equals("query") || it.asText().equals("passage"))) {
                return refuse(Answer.json(422, "{\"detail\":[{\"type\":\"enum\",\"loc\":[\"body\",\"input_type\"],\"msg\":"
                        + FakeUpstream.quote("Input should be 'query' or 'passage'") + ",\"input\":" + it + "}]}", Map.of()));
            }
        }
        JsonNode enc = req.get("encoding_format");
        boolean base64 = false;
        if (enc != null && !enc.isNull()) {
            if (!enc.isTextual() || !(enc.asText().equals("float") || enc.asText().equals("base64"))) {
                return error(400, "'" + enc.asText() + "' is not one of ['float', 'base64'] - 'encoding_format'", "invalid_request_error",
                        null, null);
            }
            base64 = this.base64 && enc.asText().equals("base64");
        }
        Integer dims = null;
        JsonNode dimsNode = req.get("dimensions");
        if (dimsNode != null && !dimsNode.isNull()) {
            if (!model.reducible() && dimensionsMode == DimensionsMode.VLLM_REJECT) {
                return error(400, "Model \"" + modelName + "\" does not support matryoshka representation, changing output dimensions "
                        + "will lead to poor results.", "BadRequestError", null, "400");
            }
            if (!model.reducible() && dimensionsMode == DimensionsMode.OPENAI) {
                return error(400, "This model does not support specifying dimensions.", "invalid_request_error", null, null);
            }
            if (!dimsNode.isInt() || dimsNode.asInt() < 1) {
                return error(400, "Invalid value for 'dimensions' = " + dimsNode + ". Must be at least 1.", "invalid_request_error",
                        "dimensions", null);
            }
            if (dimsNode.asInt() > model.dims()) {
                // [U] exact text: the reference does not pin it down.
                return error(400, "This model does not support dimensions greater than " + model.dims() + ".", "invalid_request_error",
                        "dimensions", null);
            }
            dims = model.reducible() || dimensionsMode != DimensionsMode.IGNORE ? dimsNode.asInt() : null;
        }
        long total = 0;
        for (Object in : inputs) {
            int t = in instanceof String s ? FakeVectors.tokens(s) : ((int[]) in).length;
            if (t > FakeOpenAi.MAX_TOKENS_PER_INPUT) {
                return error(400,
                        "This model's maximum context length is " + FakeOpenAi.MAX_TOKENS_PER_INPUT + " tokens, however you requested "
                                + t + " tokens (" + t
                                + " in your prompt; 0 for the completion). Please reduce your prompt; or completion length.",
                        "invalid_request_error", null, null);
            }
            total += t;
        }
        if (total > FakeOpenAi.MAX_TOKENS_PER_REQUEST) {
            return error(400, "Requested " + total + " tokens, max " + FakeOpenAi.MAX_TOKENS_PER_REQUEST + " tokens per request",
                    "max_tokens_per_request", null, "max_tokens_per_request");
        }
        return new Outcome(null, new Request(modelName, model, inputs, base64, dims, total));
    }

    private Outcome error(int status, String message, String type, String param, String code) {
        return refuse(errors.error(status, message, type, param, code));
    }

    private static Outcome refuse(Answer answer) {
        return new Outcome(answer, null);
    }

    private static int[] tokens(JsonNode array) {
        int[] t = new int[array.size()];
        for (int i = 0; i < t.length; i++) {
            JsonNode n = array.get(i);
            if (!n.isInt() || n.asInt() < 0) {
                return null;
            }
            t[i] = n.asInt();
        }
        return t;
    }
}
