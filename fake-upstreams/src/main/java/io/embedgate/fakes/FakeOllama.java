package io.embedgate.fakes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/**
 * A fake of Ollama's {@code POST /api/embed} (ollama api/types.go, server/routes.go): no auth unless
 * a key is set (ollama.com's Bearer), string or string-array {@code input}, {@code truncate} (default
 * true; false with an over-long input is the 400 "the input length exceeds the context length"),
 * {@code dimensions} (first N values renormalised; the gateway never sends it), {@code keep_alive},
 * L2-normalised vectors, {@code prompt_eval_count} and durations, and {@code {"error"}} bodies: 404
 * for a model not pulled. Base URL: {@link #baseUrl()}.
 *
 * <p>Pulled models (a {@code :latest} tag is the same model): {@code nomic-embed-text} (768),
 * {@code all-minilm} (384), {@code mxbai-embed-large} (1024); {@link #pull} adds more. Context per
 * model: {@link #contextTokens} (the fake's token count, {@link FakeVectors#tokens}).
 */
public final class FakeOllama extends FakeUpstream {

    public static final int DEFAULT_CONTEXT = 2048;

    private static final JsonFactory FACTORY = new ObjectMapper().getFactory();

    private final Map<String, Integer> models = new ConcurrentHashMap<>(Map.of("nomic-embed-text", 768, "all-minilm", 384,
            "mxbai-embed-large", 1024));
    private volatile int contextTokens = DEFAULT_CONTEXT;

    private FakeOllama(Options options, String apiKey) {
        super(options, apiKey);
    }

    /** A local server: no key. */
    public static FakeOllama start() {
        return start(Options.defaults(), null);
    }

    /** With a key, every request needs {@code Authorization: Bearer <key>} (as ollama.com). */
    public static FakeOllama start(Options options, String apiKey) {
        FakeOllama fake = new FakeOllama(options, apiKey);
        fake.listen();
        return fake;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** Makes a model available with this many dimensions. */
    public FakeOllama pull(String model, int dims) {
        models.put(model, dims);
        return this;
    }

    public FakeOllama contextTokens(int tokens) {
        this.contextTokens = tokens;
        return this;
    }

    /** The served vector: unit length, seeded by the bare model name and the text as received (prefix included). */
    public static float[] expectedVector(String model, String text, int dims) {
        return FakeVectors.unit(bare(model), text, dims);
    }

    private static String bare(String model) {
        return model.endsWith(":latest") ? model.substring(0, model.length() - 7) : model;
    }

    public static String errorBody(String message) {
        return "{\"error\":" + quote(message) + "}";
    }

    public static Fault runnerCrashed() {
        return Fault.respond(500, errorBody("llama runner process has terminated: exit status 2"));
    }

    @Override
    protected Answer answer(HttpServerRequest request, Buffer body) {
        return respond(request, body, false);
    }

    @Override
    protected Answer answerMissingVector(HttpServerRequest request, Buffer body) {
        return respond(request, body, true);
    }

    private static Answer error(int status, String message) {
        return Answer.json(status, errorBody(message), Map.of());
    }

    private Answer respond(HttpServerRequest request, Buffer body, boolean dropLast) {
        if (request.method() != HttpMethod.POST || !request.path().equals("/api/embed")) {
            return Answer.json(404, "404 page not found", Map.of());
        }
        if (apiKey() != null && !("Bearer " + apiKey()).equals(request.getHeader("authorization"))) {
            return error(401, "unauthorized");
        }
        if (body.length() == 0) {
            return error(400, "missing request body");
        }
        JsonNode req = jsonBody(body);
        if (req == null) {
            return error(400, "invalid character in request body");
        }
        String model = req.path("model").asText("");
        Integer full = models.get(bare(model));
        if (full == null) {
            return error(404, "model '" + model + "' not found");
        }
        List<String> texts = new ArrayList<>();
        JsonNode input = req.path("input");
        if (input.isTextual()) {
            texts.add(input.asText());
        } else if (input.isArray()) {
            for (JsonNode n : input) {
                if (!n.isTextual()) {
                    return error(400, "invalid input type");
                }
                texts.add(n.asText());
            }
        } else if (!input.isMissingNode() && !input.isNull()) {
            return error(400, "invalid input type");
        }
        boolean truncate = !req.has("truncate") || req.get("truncate").asBoolean(true);
        JsonNode keepAlive = req.path("keep_alive");
        if (!keepAlive.isMissingNode() && !keepAlive.isNull() && !keepAlive.isTextual() && !keepAlive.isNumber()) {
            return error(400, "json: cannot unmarshal " + keepAlive.getNodeType().name().toLowerCase() + " into Go struct field "
                    + "EmbedRequest.keep_alive of type time.Duration");
        }
        int dims = req.hasNonNull("dimensions") ? req.get("dimensions").asInt() : full;
        if (dims < 1 || dims > full) {
            return error(400, "invalid dimensions: must be between 1 and " + full);
        }
        long tokens = 0;
        List<String> seen = new ArrayList<>(texts.size());
        for (String t : texts) {
            String text = t;
            if (FakeVectors.tokens(text) > contextTokens) {
                if (!truncate) {
                    return error(400, "the input length exceeds the context length");
                }
                text = cut(text, contextTokens * 4);
            }
            tokens += FakeVectors.tokens(text);
            seen.add(text);
        }
        return ok(model, seen, full, dims, tokens, dropLast);
    }

    /** The first {@code bytes} UTF-8 bytes of a text, not splitting a character. */
    private static String cut(String text, int bytes) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(bytes, b.length);
        while (n > 0 && n < b.length && (b[n] & 0xc0) == 0x80) {
            n--;
        }
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    private static Answer ok(String model, List<String> texts, int full, int dims, long tokens, boolean dropLast) {
        int count = dropLast ? texts.size() - 1 : texts.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream(128 + count * dims * 12);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("model", model);
            g.writeArrayFieldStart("embeddings");
            for (int i = 0; i < count; i++) {
                float[] v = expectedVector(model, texts.get(i), full);
                if (dims != full) {
                    v = FakeVectors.shortened(v, dims);
                }
                g.writeStartArray();
                for (float f : v) {
                    g.writeNumber(f);
                }
                g.writeEndArray();
            }
            g.writeEndArray();
            g.writeNumberField("total_duration", 14_143_917L);
            g.writeNumberField("load_duration", 1_019_500L);
            if (count > 0) {
                g.writeNumberField("prompt_eval_count", tokens);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Answer(200, Buffer.buffer(out.toByteArray()), Map.of());
    }
}
