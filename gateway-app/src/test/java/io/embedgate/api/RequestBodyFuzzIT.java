package io.embedgate.api;

import static io.embedgate.testing.Gen.w;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.embedgate.fakes.FakeGemini;
import io.embedgate.fakes.FakeMistral;
import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.testing.Gen;
import io.embedgate.testing.PackagedApp;

/**
 * Randomised fuzzing of request bodies on both embeddings routes, against the packaged gateway in its
 * own process with the three fake upstreams behind it. For every body: no 5xx, every 4xx in the error
 * envelope, and no upstream call for a body the gateway rejects.
 *
 * <p>One seed drives a whole run; it is printed at the start and named in every failure. Replay a
 * failure with {@code -Dfuzz.seed=<seed>}: the run generates the same bodies in the same order.
 */
class RequestBodyFuzzIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> ROUTES = List.of("/v1/embeddings", "/v2/gateway/embeddings");
    /** The gateway's body limit for this run; generated bodies stay well below it (413 is not what this fuzzes). */
    static final int BODY_LIMIT = 1 << 20;
    /** Generous: a hang is a failure, slowness is not measured. */
    static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);

    static long seed;
    static FakeOpenAi openai;
    static FakeGemini gemini;
    static FakeMistral mistral;
    static PackagedApp gateway;

    @BeforeAll
    static void start() throws Exception {
        // Empty counts as unset, so a build can always pass -Dfuzz.seed=${...} through.
        String given = System.getProperty("fuzz.seed", "").trim();
        seed = given.isEmpty() ? new SplittableRandom().nextLong() : Long.parseLong(given);
        System.out.println("request fuzz seed: " + seed);
        openai = FakeOpenAi.start();
        gemini = FakeGemini.start();
        mistral = FakeMistral.start();
        gateway = PackagedApp.launch(Map.of(
                "OPENAI_BASE_URL", openai.baseUrl(), "OPENAI_API_KEY", openai.apiKey(),
                "GEMINI_BASE_URL", gemini.baseUrl(), "GEMINI_API_KEY", gemini.apiKey(),
                "MISTRAL_BASE_URL", mistral.baseUrl(), "MISTRAL_API_KEY", mistral.apiKey(),
                // debug bodies are part of what is fuzzed: the key may use it, so they are served, not 403ed
                "GATEWAY_DEBUG_ALLOWED", "true",
                "GATEWAY_LIMITS_MAX_BODY_SIZE", Integer.toString(BODY_LIMIT)), new File("target/request-fuzz-gateway.log"));
        gateway.awaitReady();
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        for (AutoCloseable fake : new AutoCloseable[]{openai, gemini, mistral}) {
            if (fake != null) {
                fake.close();
            }
        }
    }

    // ---- the properties ----

    @Test
    void nearValidBodiesGetAnAnswerOrAnEnvelopedClientError() throws Exception {
        Map<String, Map<String, Integer>> counts = fuzz("near-valid", 500, g -> nearValidBody(g).getBytes(StandardCharsets.UTF_8));
        // Guards the generator, not the gateway: without both outcomes the run fuzzed only one side of validation.
        assertTrue(counts.get("outcome").containsKey("200"), "seed " + seed + ": no near-valid body was accepted");
        assertTrue(counts.get("outcome").keySet().stream().anyMatch(o -> o.startsWith("4")),
                "seed " + seed + ": no near-valid body was rejected");
    }

    @Test
    void byteMutatedBodiesGetAnAnswerOrAnEnvelopedClientError() throws Exception {
        fuzz("byte-mutated", 300, RequestBodyFuzzIT::byteMutatedBody);
    }

    /**
     * Checks {@code tries} bodies on random routes, stopping at the first failure, which names the seed
     * and the body; prints how often each route and outcome came up, and returns those counts.
     */
    static Map<String, Map<String, Integer>> fuzz(String name, int tries, Function<Gen, byte[]> bodies) throws Exception {
        Gen property = Gen.seeded(seed, name);
        Map<String, Map<String, Integer>> counts = new TreeMap<>(Map.of("route", new TreeMap<>(), "outcome", new TreeMap<>()));
        long began = System.nanoTime();
        int done = 0;
        try {
            for (int i = 1; i <= tries; i++) {
                Gen g = property.split();
                String route = g.oneOf(ROUTES);
                byte[] body = null;
                try {
                    body = bodies.apply(g);
                    String outcome = check(route, body);
                    counts.get("route").merge(route, 1, Integer::sum);
                    counts.get("outcome").merge(outcome, 1, Integer::sum);
                    done = i;
                } catch (Throwable e) {
                    throw new AssertionError("request fuzz seed " + seed + " (replay with -Dfuzz.seed=" + seed + "), " + name + " try " + i
                            + " of " + tries + " on " + route + "\nbody: " + (body == null ? "(not generated)" : excerpt(body)) + "\n"
                            + e.getMessage(), e);
                }
            }
        } finally {
            StringBuilder report = new StringBuilder(
                    "request fuzz " + name + ", seed " + seed + ": " + done + " of " + tries + " tries passed in "
                            + Duration.ofNanos(System.nanoTime() - began).toMillis() + " ms");
            for (Map.Entry<String, Map<String, Integer>> label : counts.entrySet()) {
                for (Map.Entry<String, Integer> value : label.getValue().entrySet()) {
                    report.append(String.format("%n  %-8s %-28s %4d (%.1f %%)", label.getKey(), value.getKey(), value.getValue(),
                            100.0 * value.getValue() / Math.max(1, done)));
                }
            }
            System.out.println(report);
        }
        return counts;
    }

    /** Everything asserted for one body; returns the outcome, for the counts. */
    static String check(String route, byte[] body) throws Exception {
        assertTrue(body.length < BODY_LIMIT, "generated body of " + body.length + " bytes reaches the body limit");
        int before = upstreamCalls();
        HttpResponse<byte[]> r;
        try {
            r = gateway.post(route, body, CLIENT_TIMEOUT);
        } catch (HttpTimeoutException hang) {
            throw new AssertionError("no answer within " + CLIENT_TIMEOUT.toSeconds() + " s on " + route, hang);
        }
        int after = upstreamCalls();
        int status = r.statusCode();
        // fuzz() adds the seed, the try and the body to every failure message
        String what = route + " answered " + status + " " + excerpt(r.body());
        boolean fromUpstream = r.headers().firstValue(EmbeddingsResource.PROVIDER_HEADER).isPresent();

        if (status == 504 && clientDeadlineMs(body) < 2_000) {
            // A deadline the client set (orq.timeout.call_timeout) that runs out is a documented 504, not a fault.
            assertEnvelope(r, what);
            settle();
            return "504 client deadline";
        }
        if (status >= 500) {
            fail("5xx: " + what + "\n--- gateway log tail ---\n" + tail(gateway.log(), 4000));
        }
        if (status == 200) {
            JsonNode ok = JSON.readTree(r.body());
            assertEquals("list", ok.path("object").asText(), what);
            assertTrue(ok.path("data").isArray() && !ok.path("data").isEmpty(), what);
            return "200";
        }
        assertTrue(status >= 400, "unexpected status: " + what);
        assertEnvelope(r, what);
        if (fromUpstream) {
            // The gateway found the body valid and the provider refused it (e.g. a text over the fake's
            // token limit): a 4xx naming the provider must have come from a call to it. Such bodies are
            // not "invalid bodies" for the no-upstream-call rule below.
            assertTrue(after > before, "a 4xx naming a provider without any upstream call: " + what);
            settle();
        } else {
            assertEquals(before, after, "the gateway rejected the body but called upstream: " + what);
        }
        return status + (fromUpstream ? " from upstream" : "");
    }

    static void assertEnvelope(HttpResponse<byte[]> r, String what) {
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/json"), "content-type: " + what);
        JsonNode error;
        try {
            error = JSON.readTree(r.body()).get("error");
        } catch (Exception notJson) {
            throw new AssertionError("not JSON: " + what, notJson);
        }
        assertTrue(error != null && error.isObject(), "no error object: " + what);
        assertTrue(error.path("message").isTextual() && !error.path("message").asText().isBlank(), "error.message: " + what);
        assertTrue(error.path("type").isTextual() && !error.path("type").asText().isBlank(), "error.type: " + what);
        assertTrue(error.has("param") && (error.get("param").isNull() || error.get("param").isTextual()), "error.param: " + what);
        assertTrue(error.has("code") && (error.get("code").isNull() || error.get("code").isTextual()), "error.code: " + what);
    }

    static int upstreamCalls() {
        return openai.callCount() + gemini.callCount() + mistral.callCount();
    }

    /**
     * Waits until no upstream call is arriving any more. An answer that did not wait for every upstream
     * call (a provider's 4xx for one chunk of a split batch, a passed deadline) may leave one in flight,
     * which must not be counted against the next body.
     */
    static void settle() throws InterruptedException {
        int seen = upstreamCalls();
        for (int quiet = 0; quiet < 3;) {
            Thread.sleep(20);
            int now = upstreamCalls();
            quiet = now == seen ? quiet + 1 : 0;
            seen = now;
        }
    }

    /** {@code orq.timeout.call_timeout} as the gateway reads it, or {@code Long.MAX_VALUE} when there is none. */
    static long clientDeadlineMs(byte[] body) {
        try {
            JsonNode t = JSON.readTree(body).path("orq").path("timeout").path("call_timeout");
            return t.isIntegralNumber() ? t.asLong() : Long.MAX_VALUE;
        } catch (Exception notJson) {
            return Long.MAX_VALUE;
        }
    }

    static String excerpt(byte[] body) {
        String s = new String(body, StandardCharsets.UTF_8);
        return s.length() <= 600 ? s : s.substring(0, 400) + " ... (" + body.length + " bytes) ... " + s.substring(s.length() - 150);
    }

    static String tail(String s, int n) {
        return s.length() <= n ? s : s.substring(s.length() - n);
    }

    // ---- a tiny JSON tree that can hold what Jackson's trees cannot: duplicate keys and raw number text ----

    sealed interface J permits Raw, Arr, Obj {

        void render(StringBuilder b);
    }

    /** A value written as is: a literal, a number's exact text, or a quoted string. */
    record Raw(String text) implements J {

        public void render(StringBuilder b) {
            b.append(text);
        }
    }

    record Arr(List<J> items) implements J {

        public void render(StringBuilder b) {
            b.append('[');
            for (int i = 0; i < items.size(); i++) {
                if (i > 0) {
                    b.append(',');
                }
                items.get(i).render(b);
            }
            b.append(']');
        }
    }

    /** Fields in order; a key may repeat. */
    record Obj(List<Map.Entry<String, J>> fields) implements J {

        public void render(StringBuilder b) {
            b.append('{');
            for (int i = 0; i < fields.size(); i++) {
                if (i > 0) {
                    b.append(',');
                }
                b.append(quote(fields.get(i).getKey())).append(':');
                fields.get(i).getValue().render(b);
            }
            b.append('}');
        }
    }

    static String render(J j) {
        StringBuilder b = new StringBuilder();
        j.render(b);
        return b.toString();
    }

    /** A JSON string literal; control characters and every surrogate (paired or lone) as {@code \\uXXXX}. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    static J str(String s) {
        return new Raw(quote(s));
    }

    static J num(Object n) {
        return new Raw(n.toString());
    }

    static J arr(List<J> items) {
        return new Arr(List.copyOf(items));
    }

    /** {@code obj("a", x, "b", y)}; null values are left out (an optional field that was not generated). */
    static Obj obj(Object... keysAndValues) {
        List<Map.Entry<String, J>> fields = new ArrayList<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] != null) {
                fields.add(Map.entry((String) keysAndValues[i], (J) keysAndValues[i + 1]));
            }
        }
        return new Obj(List.copyOf(fields));
    }

    // ---- mutations ----

    enum Op {
        /** Replace the value at the path (creating the objects and arrays on the way). */
        SET,
        /** Remove the field or item at the path. */
        REMOVE,
        /** Repeat the path's last key with another value: before the original (it loses) or after (it wins). */
        DUPLICATE_BEFORE, DUPLICATE_AFTER
    }

    record Mutation(List<Object> path, Op op, J value) {

        @Override
        public String toString() {
            return op + " " + path + (op == Op.REMOVE ? "" : " = " + excerpt(render(value).getBytes(StandardCharsets.UTF_8)));
        }
    }

    static J apply(J node, List<Object> path, int at, Op op, J value) {
        if (at == path.size()) {
            return value; // SET at the root, or below a key / index handled by the caller
        }
        Object seg = path.get(at);
        boolean last = at == path.size() - 1;
        if (seg instanceof String key) {
            List<Map.Entry<String, J>> fields = new ArrayList<>(node instanceof Obj o ? o.fields() : List.of());
            int i = lastIndexOf(fields, key);
            if (last && op == Op.REMOVE) {
                fields.removeIf(f -> f.getKey().equals(key));
            } else if (last && op == Op.DUPLICATE_BEFORE) {
                fields.add(i < 0 ? 0 : i, Map.entry(key, value));
            } else if (last && op == Op.DUPLICATE_AFTER) {
                fields.add(Map.entry(key, value));
            } else {
                J child = i < 0 ? null : fields.get(i).getValue();
                J replaced = apply(child, path, at + 1, op, value);
                if (i < 0) {
                    fields.add(Map.entry(key, replaced));
                } else {
                    fields.set(i, Map.entry(key, replaced));
                }
            }
            return new Obj(fields);
        }
        int index = (Integer) seg;
        List<J> items = new ArrayList<>(node instanceof Arr a ? a.items() : List.of());
        if (last && op == Op.REMOVE) {
            if (index < items.size()) {
                items.remove(index);
            }
        } else if (last && (op == Op.DUPLICATE_BEFORE || op == Op.DUPLICATE_AFTER)) {
            items.add(Math.min(index, items.size()), value);
        } else if (index < items.size()) {
            items.set(index, apply(items.get(index), path, at + 1, op, value));
        } else {
            items.add(apply(null, path, at + 1, op, value));
        }
        return new Arr(items);
    }

    private static int lastIndexOf(List<Map.Entry<String, J>> fields, String key) {
        for (int i = fields.size() - 1; i >= 0; i--) {
            if (fields.get(i).getKey().equals(key)) {
                return i;
            }
        }
        return -1;
    }

    /** "orq.load_balancer[0].weight" → [orq, load_balancer, 0, weight]; "" is the root. */
    static List<Object> path(String dotted) {
        List<Object> out = new ArrayList<>();
        if (dotted.isEmpty()) {
            return out;
        }
        for (String part : dotted.split("\\.")) {
            int bracket = part.indexOf('[');
            out.add(bracket < 0 ? part : part.substring(0, bracket));
            while (bracket >= 0) {
                int close = part.indexOf(']', bracket);
                out.add(Integer.parseInt(part.substring(bracket + 1, close)));
                bracket = part.indexOf('[', close);
            }
        }
        return out;
    }

    /** Every field of the request (README, "API" and "Routing and resilience"), plus places that are no field at all. */
    static final List<String> PATHS = List.of("", "model", "input", "input[0]", "input[1]", "input[0][0]", "inputs", "inputs[0]",
            "encoding_format", "dimensions", "user",
            "embedding_options", "embedding_options.normalize", "embedding_options.google", "embedding_options.google.task_type",
            "embedding_options.google.title", "embedding_options.google.output_dimensionality", "embedding_options.mistral",
            "embedding_options.mistral.output_dimension", "embedding_options.mistral.output_dtype", "embedding_options.openai",
            "embedding_options.local", "embedding_options.unknown",
            "provider", "provider.order", "provider.order[0]", "provider.only", "provider.only[0]", "provider.ignore",
            "provider.ignore[0]", "provider.include_alpha",
            "orq", "orq.name", "orq.contact", "orq.contact.id", "orq.contact.display_name", "orq.contact.email", "orq.contact.metadata",
            "orq.contact.logo_url", "orq.contact.tags", "orq.contact.tags[0]", "orq.fallbacks", "orq.fallbacks[0]",
            "orq.fallbacks[0].model", "orq.cache", "orq.cache.type", "orq.cache.ttl", "orq.retry", "orq.retry.count",
            "orq.retry.on_codes", "orq.retry.on_codes[0]", "orq.load_balancer", "orq.load_balancer[0]", "orq.load_balancer[0].model",
            "orq.load_balancer[0].weight", "orq.timeout", "orq.timeout.call_timeout",
            "debug", "debug.enabled", "debug.trace", "debug.trace_level", "debug.return_upstream_request",
            "debug.return_upstream_response", "unknown_field");

    // ---- generators ----

    static final List<String> MODELS = List.of("text-embedding-3-small", "text-embedding-3-large", "text-embedding-ada-002",
            "openai/text-embedding-3-small", "gemini-embedding-001", "google/gemini-embedding-001", "mistral-embed", "codestral-embed",
            "mistral/codestral-embed");
    static final List<String> TASK_TYPES = List.of("TASK_TYPE_UNSPECIFIED", "RETRIEVAL_QUERY", "RETRIEVAL_DOCUMENT",
            "SEMANTIC_SIMILARITY", "CLASSIFICATION", "CLUSTERING", "QUESTION_ANSWERING", "FACT_VERIFICATION", "CODE_RETRIEVAL_QUERY");

    static final List<String> PROVIDERS = List.of("openai", "google", "mistral");

    /** A valid body with, mostly, one to three mutations; some stay valid, so that accepted bodies are fuzzed too. */
    static String nearValidBody(Gen g) {
        J j = validBody(g);
        List<Mutation> mutations = g.weighted(w(1, List::<Mutation>of), w(9, () -> g.list(1, 3, () -> mutation(g))));
        for (Mutation m : mutations) {
            j = apply(j, m.path(), 0, m.op(), m.value());
        }
        return render(j);
    }

    static Mutation mutation(Gen g) {
        List<Object> at = path(g.oneOf(PATHS));
        Op op = g.weighted(w(12, () -> Op.SET), w(3, () -> Op.REMOVE), w(1, () -> Op.DUPLICATE_BEFORE), w(2, () -> Op.DUPLICATE_AFTER));
        return new Mutation(at, op, junk(g));
    }

    /** A valid body, rendered, with one to three byte-level edits. */
    static byte[] byteMutatedBody(Gen g) {
        byte[] b = render(validBody(g)).getBytes(StandardCharsets.UTF_8);
        for (Function<byte[], byte[]> edit : g.list(1, 3, () -> byteEdit(g))) {
            b = edit.apply(b);
        }
        return b;
    }

    /** One edit; its position is a fraction of whatever length the body has when the edit is applied. */
    static Function<byte[], byte[]> byteEdit(Gen g) {
        Supplier<Function<byte[], byte[]>> truncate = () -> {
            double p = g.fraction();
            return b -> Arrays.copyOf(b, at(p, b.length));
        };
        Supplier<Function<byte[], byte[]>> overwrite = () -> {
            double p = g.fraction();
            byte x = g.anyByte();
            return b -> {
                byte[] c = b.clone();
                if (c.length > 0) {
                    c[at(p, c.length - 1)] = x;
                }
                return c;
            };
        };
        Supplier<Function<byte[], byte[]>> insert = () -> {
            double p = g.fraction();
            byte[] x = interesting(g);
            return b -> splice(b, at(p, b.length), 0, x);
        };
        Supplier<Function<byte[], byte[]>> delete = () -> {
            double p = g.fraction();
            int n = g.between(1, 8);
            return b -> splice(b, at(p, b.length), n, new byte[0]);
        };
        Supplier<Function<byte[], byte[]>> replace = () -> {
            byte[] garbage = g.bytes(0, 200);
            return b -> garbage;
        };
        return g.weighted(w(3, truncate), w(4, overwrite), w(3, insert), w(2, delete), w(1, replace));
    }

    static int at(double fraction, int length) {
        return (int) Math.min(length, Math.floor(fraction * (length + 1)));
    }

    static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        int end = Math.min(b.length, at + remove);
        byte[] out = new byte[at + insert.length + b.length - end];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, end, out, at + insert.length, b.length - end);
        return out;
    }

    /** Bytes worth inserting: JSON punctuation, invalid UTF-8, a BOM, NUL, a lone surrogate in UTF-8 (CESU) form. */
    static byte[] interesting(Gen g) {
        return g.anyOf(
                () -> g.oneOf("{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\ud800", "0", "-", ".", "e", "1e309", " ", "\n",
                        "null", "true", "\"\"", ",,", "}}", "\u0000", "\u00e9", "\ud83d\ude00").getBytes(StandardCharsets.UTF_8),
                () -> g.oneOf(new byte[]{(byte) 0xff}, new byte[]{(byte) 0xc3}, new byte[]{(byte) 0xed, (byte) 0xa0, (byte) 0x80},
                        new byte[]{(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, new byte[]{(byte) 0xc0, (byte) 0x80},
                        new byte[]{(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}),
                () -> g.bytes(1, 16));
    }

    /** A valid request: model, input and a random selection of the optional fields with valid values. */
    static J validBody(Gen g) {
        Supplier<String> text = () -> g.weighted(
                w(6, () -> g.string(1, 30, Gen.ALPHA + Gen.DIGITS + " .-")),
                // Any UTF-16 unit, lone surrogates included: quote() sends them as \\uXXXX escapes.
                w(2, () -> g.anyString(1, 20)),
                w(1, () -> g.string(1, 10, '\u0080', '\uffff')));
        Supplier<J> tokens = () -> arr(g.list(1, 8, () -> num(g.between(0, 100_000))));
        Supplier<J> input = () -> g.weighted(
                w(3, () -> str(text.get())),
                w(4, () -> arr(g.list(1, 4, () -> str(text.get())))),
                w(1, tokens),
                w(1, () -> arr(g.list(1, 3, tokens))));
        Supplier<J> names = () -> arr(g.distinct(1, 2, PROVIDERS).stream().map(RequestBodyFuzzIT::str).toList());
        Supplier<J> bool = () -> num(g.oneOf(true, false));

        Supplier<J> embeddingOptions = () -> obj(
                "normalize", g.maybe(0.5, bool),
                "google", g.maybe(0.5, () -> obj("task_type", str(g.oneOf(TASK_TYPES)),
                        "output_dimensionality", g.maybe(0.7, () -> num(g.oneOf(128, 256, 768))))),
                "mistral",
                g.maybe(0.6, () -> obj("output_dtype", g.maybe(0.3, () -> str(g.oneOf("float", "int8", "uint8", "binary", "ubinary"))),
                        "output_dimension", g.maybe(0.6, () -> num(g.oneOf(8, 256, 1536))))));
        Supplier<J> provider = () -> obj("order", g.maybe(0.6, names), "only", g.maybe(0.8, names), "ignore", g.maybe(0.8, names),
                "include_alpha", g.maybe(0.7, bool));
        Supplier<J> contact = () -> obj("id", str(g.string(1, 10, Gen.ALPHA)),
                "display_name", g.maybe(0.5, () -> str(g.anyString(0, 20))),
                "email", str("ops@example.org"),
                "metadata",
                g.maybe(0.5, () -> new Raw(g.oneOf("{\"team\":\"search\",\"n\":[1,2,{\"x\":null}]}", "{}", "\"free text\"", "7"))),
                "logo_url", str("https://example.org/logo.png"),
                "tags", g.maybe(0.5, () -> arr(g.list(0, 3, () -> str(g.string(0, 8, Gen.ALPHA))))));
        Supplier<J> orq = () -> obj("name", g.maybe(0.5, () -> str(g.anyString(0, 20))),
                "contact", g.maybe(0.6, contact),
                "retry", g.maybe(0.7, () -> obj("count", num(g.between(0, 3)),
                        "on_codes", g.maybe(0.5, () -> new Raw(g.oneOf("[429,500]", "[]", "[400,599]"))))),
                "timeout", g.maybe(0.7, () -> obj("call_timeout", num(g.between(30_000L, 60_000L)))),
                "cache", g.maybe(0.7, () -> obj("type", str("exact_match"), "ttl", num(g.between(1L, 2_592_000L)))),
                "fallbacks", g.maybe(0.8, () -> arr(List.of(obj("model", str(g.oneOf(MODELS)))))),
                "load_balancer", g.maybe(0.85, () -> {
                    String m = g.oneOf(MODELS);
                    return arr(List.of(obj("model", str(m), "weight", num(0.7)), obj("model", str(m), "weight", num(1))));
                }));
        Supplier<J> debug = () -> obj("enabled", bool.get(), "trace_level", g.maybe(0.5, () -> str(g.oneOf("summary", "full"))),
                "return_upstream_request", g.maybe(0.5, bool), "return_upstream_response", g.maybe(0.5, bool));

        String inputKey = g.weighted(w(9, () -> "input"), w(1, () -> "inputs"));
        return obj("model", str(g.oneOf(MODELS)), inputKey, input.get(),
                "encoding_format", g.maybe(0.5, () -> str(g.oneOf("float", "base64"))),
                "dimensions", g.maybe(0.6, () -> num(g.oneOf(8, 128, 256, 1024, 1536, 3072))),
                "user", g.maybe(0.7, () -> str(g.string(1, 12, Gen.ALPHA))),
                "embedding_options", g.maybe(0.6, embeddingOptions),
                "provider", g.maybe(0.8, provider),
                "orq", g.maybe(0.5, orq),
                "debug", g.maybe(0.8, debug));
    }

    /** Values that are wrong somewhere: wrong types, edge numbers, edge strings, empty and deep structures, junk. */
    static J junk(Gen g) {
        return g.weighted(
                w(2, () -> new Raw(g.oneOf("null", "true", "false"))),
                w(5, () -> junkNumber(g)),
                w(5, () -> junkString(g)),
                w(4, () -> junkStructure(g)));
    }

    static J junkNumber(Gen g) {
        return g.anyOf(
                () -> new Raw(g.oneOf("0", "-0", "1", "-1", "1.0", "-1.0", "0.5", "-0.0", "1e2", "1E+2", "1e309", "-1e309", "1e-400",
                        "2147483647",
                        "2147483648", "-2147483648", "-2147483649", "4294967296", "9223372036854775807", "9223372036854775808",
                        "-9223372036854775809", "123456789012345678901234567890", "0.0000001", "3.4028235e38", "1.7976931348623157e308",
                        "4.9e-324", "2592000", "2592001", "600000", "600001", "11", "100", "2048", "2049", "3072", "3073", "429")),
                () -> num(g.anyInt()),
                () -> num(g.anyLong()),
                () -> num(g.anyDouble()),
                () -> num(g.bigInteger(30)));
    }

    static J junkString(Gen g) {
        return g.anyOf(
                () -> str(g.oneOf("", " ", "\t", "NaN", "Infinity", "-Infinity", "null", "true", "1", "1.0", "-1", "8", "float", "base64",
                        "FLOAT",
                        "base32", "int8", "binary", "summary", "full", "FULL", "exact_match", "semantic", "RETRIEVAL_DOCUMENT",
                        "retrieval_document", "openai", "google", "mistral", "local", "nobody", "openai/", "/", "//",
                        "/text-embedding-3-small",
                        "openai/text-embedding-3-small", "google/text-embedding-3-small", "openai//text-embedding-3-small",
                        "gemini-embedding-001",
                        "codestral-embed", "all-minilm-l6-v2", "local/all-minilm-l6-v2", "no-such-model", "%", "%00", "../", "\u0000",
                        "\ud800",
                        "\udfff", "\ud800\ud800", "\udc00\ud800", "x\ud800y", "\ud83d\ude00", "\u00e9", "\u202e", "\ufeff", "\uffff",
                        "a\nb", "<script>", "${jndi:x}", "%s%n")),
                () -> str(g.anyString(0, 40)),
                () -> str("x".repeat(g.oneOf(1_000, 10_000, 100_000))),
                () -> str(g.anyString(1, 3).repeat(5_000)));
    }

    static J junkStructure(Gen g) {
        return g.anyOf(
                () -> new Raw(g.oneOf("{}", "[]", "[null]", "[[]]", "[\"\"]", "[0]", "[-1]", "[[-1]]", "[1.5]", "[1.0]", "[\"a\",1]",
                        "[[1],\"a\"]",
                        "[1,[2]]", "[[1],[]]", "{\"a\":null}", "{\"\":\"\"}", "{\"model\":\"text-embedding-3-small\"}", "[{}]",
                        "[{\"model\":5}]",
                        "[{\"model\":null,\"weight\":-1}]", "{\"count\":\"2\"}", "{\"type\":\"exact_match\",\"ttl\":0}", "[2147483648]",
                        "[[2147483648]]", "[1e309]", "[-0]", "[\"\\ud800\"]", "{\"google\":{\"task_type\":5}}",
                        "{\"mistral\":{\"output_dtype\":\"int4\"}}")),
                () -> nestedArrays(g.between(1, 5_000)),
                () -> {
                    int n = g.between(1, 3_000);
                    return new Raw("{\"a\":".repeat(n) + "1" + "}".repeat(n));
                },
                () -> nestedArrays(g.oneOf(995, 998, 999, 1000, 1001)),
                () -> arr(IntStream.range(0, g.oneOf(2048, 2049, 5000)).mapToObj(i -> str("t" + i)).toList()),
                () -> new Raw(
                        IntStream.range(0, g.oneOf(2048, 2049, 50_000)).mapToObj(i -> "7").collect(Collectors.joining(",", "[", "]"))),
                () -> anyJson(g, g.between(0, 4)));
    }

    static J nestedArrays(int depth) {
        return new Raw("[".repeat(depth) + "]".repeat(depth));
    }

    /** Arbitrary JSON nested {@code depth} containers deep. */
    static J anyJson(Gen g, int depth) {
        if (depth == 0) {
            return g.anyOf(() -> new Raw(g.oneOf("null", "true", "false", "0", "-1", "1.5", "\"x\"", "\"\"")),
                    () -> str(g.anyString(0, 8)));
        }
        return g.anyOf(
                () -> arr(g.list(0, 4, () -> anyJson(g, depth - 1))),
                () -> new Obj(g.list(0, 4,
                        () -> Map.entry(g.oneOf("model", "input", "a", "", "count", "weight", "\ud800"), anyJson(g, depth - 1)))));
    }
}
