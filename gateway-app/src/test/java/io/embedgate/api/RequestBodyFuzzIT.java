package io.embedgate.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.embedgate.fakes.FakeGemini;
import io.embedgate.fakes.FakeMistral;
import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.testing.PackagedApp;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Property-based fuzzing of request bodies on both embeddings routes, against the packaged gateway
 * in its own process (jqwik is a JUnit Platform engine of its own and does not run inside
 * {@code @QuarkusTest}) with the three fake upstreams behind it. For every body: no 5xx, every 4xx
 * in the error envelope, and no upstream call for a body the gateway rejects.
 *
 * <p>jqwik prints each property's seed; to replay a failure add {@code seed = "<seed>"} to its
 * {@code @Property} (a failed run is also replayed first by default, from {@code target/jqwik-database}).
 */
class RequestBodyFuzzIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> ROUTES = List.of("/v1/embeddings", "/v2/gateway/embeddings");
    /** The gateway's body limit for this run; generated bodies stay well below it (413 is not what this fuzzes). */
    static final int BODY_LIMIT = 1 << 20;
    /** Generous: a hang is a failure, slowness is not measured. */
    static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);

    static FakeOpenAi openai;
    static FakeGemini gemini;
    static FakeMistral mistral;
    static PackagedApp gateway;

    @BeforeContainer
    static void start() throws Exception {
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

    @AfterContainer
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        for (AutoCloseable fake : new AutoCloseable[] { openai, gemini, mistral }) {
            if (fake != null) {
                fake.close();
            }
        }
    }

    // ---- the properties ----

    @Property(tries = 500)
    void nearValidBodiesGetAnAnswerOrAnEnvelopedClientError(@ForAll("routes") String route, @ForAll("nearValidBodies") String body)
            throws Exception {
        check(route, body.getBytes(StandardCharsets.UTF_8));
    }

    @Property(tries = 300)
    void byteMutatedBodiesGetAnAnswerOrAnEnvelopedClientError(@ForAll("routes") String route, @ForAll("byteMutatedBodies") byte[] body)
            throws Exception {
        check(route, body);
    }

    /** Everything asserted for one body. */
    static void check(String route, byte[] body) throws Exception {
        assertTrue(body.length < BODY_LIMIT, "generated body of " + body.length + " bytes reaches the body limit");
        Statistics.label("route").collect(route);
        int before = upstreamCalls();
        HttpResponse<byte[]> r;
        try {
            r = gateway.post(route, body, CLIENT_TIMEOUT);
        } catch (HttpTimeoutException hang) {
            throw new AssertionError("no answer within " + CLIENT_TIMEOUT.toSeconds() + " s on " + route + " for " + excerpt(body), hang);
        }
        int after = upstreamCalls();
        int status = r.statusCode();
        String what = route + " answered " + status + " " + excerpt(r.body()) + "\nto " + excerpt(body);
        boolean fromUpstream = r.headers().firstValue(EmbeddingsResource.PROVIDER_HEADER).isPresent();

        if (status == 504 && clientDeadlineMs(body) < 2_000) {
            // A deadline the client set (orq.timeout.call_timeout) that runs out is a documented 504, not a fault.
            assertEnvelope(r, what);
            settle();
            Statistics.label("outcome").collect("504 client deadline");
            return;
        }
        if (status >= 500) {
            fail("5xx: " + what + "\n--- gateway log tail ---\n" + tail(gateway.log(), 4000));
        }
        if (status == 200) {
            JsonNode ok = JSON.readTree(r.body());
            assertEquals("list", ok.path("object").asText(), what);
            assertTrue(ok.path("data").isArray() && !ok.path("data").isEmpty(), what);
            Statistics.label("outcome").collect("200");
            return;
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
        Statistics.label("outcome").collect(status + (fromUpstream ? " from upstream" : ""));
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

    @Provide
    Arbitrary<String> routes() {
        return Arbitraries.of(ROUTES);
    }

    @Provide
    Arbitrary<String> nearValidBodies() {
        Arbitrary<Mutation> mutation = Combinators.combine(Arbitraries.of(PATHS).map(RequestBodyFuzzIT::path),
                Arbitraries.frequencyOf(Tuple.of(12, Arbitraries.just(Op.SET)), Tuple.of(3, Arbitraries.just(Op.REMOVE)),
                        Tuple.of(1, Arbitraries.just(Op.DUPLICATE_BEFORE)), Tuple.of(2, Arbitraries.just(Op.DUPLICATE_AFTER))),
                junk()).as(Mutation::new);
        // Mostly one or a few mutations; some bodies stay valid, so that accepted bodies are fuzzed too.
        Arbitrary<List<Mutation>> mutations = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(List.<Mutation>of())),
                Tuple.of(9, mutation.list().ofMinSize(1).ofMaxSize(3)));
        return Combinators.combine(validBodies(), mutations).as((body, ms) -> {
            J j = body;
            for (Mutation m : ms) {
                j = apply(j, m.path(), 0, m.op(), m.value());
            }
            return render(j);
        });
    }

    @Provide
    Arbitrary<byte[]> byteMutatedBodies() {
        Arbitrary<Function<byte[], byte[]>> edit = Arbitraries.frequencyOf(
                Tuple.of(3, position().map(p -> (Function<byte[], byte[]>) b -> Arrays.copyOf(b, at(p, b.length)))),
                Tuple.of(4, Combinators.combine(position(), Arbitraries.bytes()).as((p, x) -> (Function<byte[], byte[]>) b -> {
                    byte[] c = b.clone();
                    if (c.length > 0) {
                        c[at(p, c.length - 1)] = x;
                    }
                    return c;
                })),
                Tuple.of(3, Combinators.combine(position(), interesting()).as((p, x) -> (Function<byte[], byte[]>) b -> splice(b, at(p, b.length), 0, x))),
                Tuple.of(2, Combinators.combine(position(), Arbitraries.integers().between(1, 8))
                        .as((p, n) -> (Function<byte[], byte[]>) b -> splice(b, at(p, b.length), n, new byte[0]))),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(200).map(g -> (Function<byte[], byte[]>) b -> g)));
        return Combinators.combine(validBodies().map(RequestBodyFuzzIT::render), edit.list().ofMinSize(1).ofMaxSize(3)).as((body, edits) -> {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            for (Function<byte[], byte[]> e : edits) {
                b = e.apply(b);
            }
            return b;
        });
    }

    /** A position as a fraction of whatever length the body has when the edit is applied. */
    static Arbitrary<Double> position() {
        return Arbitraries.doubles().between(0, 1);
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
    static Arbitrary<byte[]> interesting() {
        return Arbitraries.oneOf(
                Arbitraries.of("{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\ud800", "0", "-", ".", "e", "1e309", " ", "\n",
                        "null", "true", "\"\"", ",,", "}}", "\u0000", "\u00e9", "\ud83d\ude00").map(s -> s.getBytes(StandardCharsets.UTF_8)),
                Arbitraries.of(new byte[] { (byte) 0xff }, new byte[] { (byte) 0xc3 }, new byte[] { (byte) 0xed, (byte) 0xa0, (byte) 0x80 },
                        new byte[] { (byte) 0xef, (byte) 0xbb, (byte) 0xbf }, new byte[] { (byte) 0xc0, (byte) 0x80 },
                        new byte[] { (byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80 }),
                Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(16));
    }

    /** A valid request: model, input and a random selection of the optional fields with valid values. */
    static Arbitrary<J> validBodies() {
        Arbitrary<String> text = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.strings().alpha().numeric().withChars(' ', '.', '-').ofMinLength(1).ofMaxLength(30)),
                // Any UTF-16 unit, lone surrogates included: quote() sends them as \\uXXXX escapes.
                Tuple.of(2, Arbitraries.strings().all().ofMinLength(1).ofMaxLength(20)),
                Tuple.of(1, Arbitraries.strings().withCharRange('\u0080', '\uffff').ofMinLength(1).ofMaxLength(10)));
        Arbitrary<J> tokens = Arbitraries.integers().between(0, 100_000).list().ofMinSize(1).ofMaxSize(8)
                .map(l -> arr(l.stream().map(RequestBodyFuzzIT::num).toList()));
        Arbitrary<J> input = Arbitraries.frequencyOf(
                Tuple.of(3, text.map(RequestBodyFuzzIT::str)),
                Tuple.of(4, text.list().ofMinSize(1).ofMaxSize(4).map(l -> arr(l.stream().map(RequestBodyFuzzIT::str).toList()))),
                Tuple.of(1, tokens),
                Tuple.of(1, tokens.list().ofMinSize(1).ofMaxSize(3).map(RequestBodyFuzzIT::arr)));
        Arbitrary<String> providers = Arbitraries.of("openai", "google", "mistral");
        Arbitrary<J> names = providers.list().ofMinSize(1).ofMaxSize(2).uniqueElements().map(l -> arr(l.stream().map(RequestBodyFuzzIT::str).toList()));
        Arbitrary<J> bool = Arbitraries.of(true, false).map(RequestBodyFuzzIT::num);

        Arbitrary<J> embeddingOptions = Combinators.combine(bool.injectNull(0.5),
                Combinators.combine(Arbitraries.of(TASK_TYPES).map(RequestBodyFuzzIT::str), Arbitraries.of(128, 256, 768).map(RequestBodyFuzzIT::num).injectNull(0.7))
                        .as((t, d) -> (J) obj("task_type", t, "output_dimensionality", d)).injectNull(0.5),
                Combinators.combine(Arbitraries.of("float", "int8", "uint8", "binary", "ubinary").map(RequestBodyFuzzIT::str).injectNull(0.3),
                        Arbitraries.of(8, 256, 1536).map(RequestBodyFuzzIT::num).injectNull(0.6))
                        .as((t, d) -> (J) obj("output_dtype", t, "output_dimension", d)).injectNull(0.6))
                .as((n, g, m) -> (J) obj("normalize", n, "google", g, "mistral", m));
        Arbitrary<J> provider = Combinators.combine(names.injectNull(0.6), names.injectNull(0.8), names.injectNull(0.8), bool.injectNull(0.7))
                .as((order, only, ignore, alpha) -> (J) obj("order", order, "only", only, "ignore", ignore, "include_alpha", alpha));
        Arbitrary<J> contact = Combinators.combine(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10).map(RequestBodyFuzzIT::str),
                Arbitraries.strings().all().ofMaxLength(20).map(RequestBodyFuzzIT::str).injectNull(0.5),
                Arbitraries.of("{\"team\":\"search\",\"n\":[1,2,{\"x\":null}]}", "{}", "\"free text\"", "7").map(Raw::new).injectNull(0.5),
                Arbitraries.strings().alpha().ofMaxLength(8).list().ofMaxSize(3).map(l -> arr(l.stream().map(RequestBodyFuzzIT::str).toList())).injectNull(0.5))
                .as((id, display, metadata, tags) -> (J) obj("id", id, "display_name", display, "email", str("ops@example.org"), "metadata", metadata,
                        "logo_url", str("https://example.org/logo.png"), "tags", tags));
        Arbitrary<J> samePinned = Arbitraries.of(MODELS).map(m -> (J) arr(List.of(obj("model", str(m)))));
        Arbitrary<J> orq = Combinators.combine(
                Arbitraries.strings().all().ofMaxLength(20).map(RequestBodyFuzzIT::str).injectNull(0.5),
                contact.injectNull(0.6),
                Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.of("[429,500]", "[]", "[400,599]").map(Raw::new).injectNull(0.5))
                        .as((count, codes) -> (J) obj("count", num(count), "on_codes", codes)).injectNull(0.7),
                Arbitraries.longs().between(30_000, 60_000).map(t -> (J) obj("call_timeout", num(t))).injectNull(0.7),
                Arbitraries.longs().between(1, 2_592_000).map(t -> (J) obj("type", str("exact_match"), "ttl", num(t))).injectNull(0.7),
                samePinned.injectNull(0.8),
                Arbitraries.of(MODELS).map(m -> (J) arr(List.of(obj("model", str(m), "weight", num(0.7)), obj("model", str(m), "weight", num(1))))).injectNull(0.85))
                .as((name, who, retry, timeout, cache, fallbacks, balancer) -> (J) obj("name", name, "contact", who, "retry", retry, "timeout", timeout,
                        "cache", cache, "fallbacks", fallbacks, "load_balancer", balancer));
        Arbitrary<J> debug = Combinators.combine(bool, Arbitraries.of("summary", "full").map(RequestBodyFuzzIT::str).injectNull(0.5),
                bool.injectNull(0.5), bool.injectNull(0.5))
                .as((on, level, req, resp) -> (J) obj("enabled", on, "trace_level", level, "return_upstream_request", req, "return_upstream_response", resp));

        Arbitrary<List<J>> fields = Combinators.combine(List.of(
                Arbitraries.of(MODELS).map(m -> (J) str(m)),
                input,
                Arbitraries.of("float", "base64").map(RequestBodyFuzzIT::str).injectNull(0.5),
                Arbitraries.of(8, 128, 256, 1024, 1536, 3072).map(RequestBodyFuzzIT::num).injectNull(0.6),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12).map(RequestBodyFuzzIT::str).injectNull(0.7),
                embeddingOptions.injectNull(0.6),
                provider.injectNull(0.8),
                orq.injectNull(0.5),
                debug.injectNull(0.8))).as(v -> v);
        Arbitrary<String> inputKey = Arbitraries.frequencyOf(Tuple.of(9, Arbitraries.just("input")), Tuple.of(1, Arbitraries.just("inputs")));
        return Combinators.combine(fields, inputKey).as((v, key) -> obj("model", v.get(0), key, v.get(1), "encoding_format", v.get(2),
                "dimensions", v.get(3), "user", v.get(4), "embedding_options", v.get(5), "provider", v.get(6), "orq", v.get(7), "debug", v.get(8)));
    }

    /** Values that are wrong somewhere: wrong types, edge numbers, edge strings, empty and deep structures, junk. */
    static Arbitrary<J> junk() {
        Arbitrary<J> numbers = Arbitraries.oneOf(
                Arbitraries.of("0", "-0", "1", "-1", "1.0", "-1.0", "0.5", "-0.0", "1e2", "1E+2", "1e309", "-1e309", "1e-400", "2147483647",
                        "2147483648", "-2147483648", "-2147483649", "4294967296", "9223372036854775807", "9223372036854775808",
                        "-9223372036854775809", "123456789012345678901234567890", "0.0000001", "3.4028235e38", "1.7976931348623157e308",
                        "4.9e-324", "2592000", "2592001", "600000", "600001", "11", "100", "2048", "2049", "3072", "3073", "429").map(Raw::new),
                Arbitraries.integers().map(RequestBodyFuzzIT::num),
                Arbitraries.longs().map(RequestBodyFuzzIT::num),
                Arbitraries.doubles().map(RequestBodyFuzzIT::num),
                Arbitraries.bigIntegers().between(BigInteger.TEN.pow(30).negate(), BigInteger.TEN.pow(30)).map(RequestBodyFuzzIT::num));
        Arbitrary<J> strings = Arbitraries.oneOf(
                Arbitraries.of("", " ", "\t", "NaN", "Infinity", "-Infinity", "null", "true", "1", "1.0", "-1", "8", "float", "base64", "FLOAT",
                        "base32", "int8", "binary", "summary", "full", "FULL", "exact_match", "semantic", "RETRIEVAL_DOCUMENT",
                        "retrieval_document", "openai", "google", "mistral", "local", "nobody", "openai/", "/", "//", "/text-embedding-3-small",
                        "openai/text-embedding-3-small", "google/text-embedding-3-small", "openai//text-embedding-3-small", "gemini-embedding-001",
                        "codestral-embed", "all-minilm-l6-v2", "local/all-minilm-l6-v2", "no-such-model", "%", "%00", "../", "\u0000", "\ud800",
                        "\udfff", "\ud800\ud800", "\udc00\ud800", "x\ud800y", "\ud83d\ude00", "\u00e9", "\u202e", "\ufeff", "\uffff",
                        "a\nb", "<script>", "${jndi:x}", "%s%n").map(RequestBodyFuzzIT::str),
                Arbitraries.strings().all().ofMaxLength(40).map(RequestBodyFuzzIT::str),
                Arbitraries.of(1_000, 10_000, 100_000).map(n -> str("x".repeat(n))),
                Arbitraries.strings().all().ofMinLength(1).ofMaxLength(3).map(s -> str(s.repeat(5_000))));
        Arbitrary<J> structures = Arbitraries.oneOf(
                Arbitraries.of("{}", "[]", "[null]", "[[]]", "[\"\"]", "[0]", "[-1]", "[[-1]]", "[1.5]", "[1.0]", "[\"a\",1]", "[[1],\"a\"]",
                        "[1,[2]]", "[[1],[]]", "{\"a\":null}", "{\"\":\"\"}", "{\"model\":\"text-embedding-3-small\"}", "[{}]", "[{\"model\":5}]",
                        "[{\"model\":null,\"weight\":-1}]", "{\"count\":\"2\"}", "{\"type\":\"exact_match\",\"ttl\":0}", "[2147483648]",
                        "[[2147483648]]", "[1e309]", "[-0]", "[\"\\ud800\"]", "{\"google\":{\"task_type\":5}}",
                        "{\"mistral\":{\"output_dtype\":\"int4\"}}").map(Raw::new),
                Arbitraries.integers().between(1, 5_000).map(n -> new Raw("[".repeat(n) + "]".repeat(n))),
                Arbitraries.integers().between(1, 3_000).map(n -> new Raw("{\"a\":".repeat(n) + "1" + "}".repeat(n))),
                Arbitraries.of(995, 998, 999, 1000, 1001).map(n -> new Raw("[".repeat(n) + "]".repeat(n))),
                Arbitraries.of(2048, 2049, 5000).map(n -> arr(IntStream.range(0, n).mapToObj(i -> str("t" + i)).toList())),
                Arbitraries.of(2048, 2049, 50_000).map(n -> new Raw(IntStream.range(0, n).mapToObj(i -> "7").collect(Collectors.joining(",", "[", "]")))),
                anyJson());
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.of("null", "true", "false").map(Raw::new)),
                Tuple.of(5, numbers),
                Tuple.of(5, strings),
                Tuple.of(4, structures));
    }

    /** Arbitrary JSON of a few levels. */
    static Arbitrary<J> anyJson() {
        Arbitrary<J> leaf = Arbitraries.oneOf(Arbitraries.of("null", "true", "false", "0", "-1", "1.5", "\"x\"", "\"\"").map(Raw::new),
                Arbitraries.strings().all().ofMaxLength(8).map(RequestBodyFuzzIT::str));
        return Arbitraries.recursive(() -> leaf, inner -> Arbitraries.oneOf(
                inner.list().ofMaxSize(4).map(RequestBodyFuzzIT::arr),
                Combinators.combine(Arbitraries.of("model", "input", "a", "", "count", "weight", "\ud800"), inner).as(Map::entry).list().ofMaxSize(4)
                        .map(l -> (J) new Obj(List.copyOf(l)))), 0, 4);
    }
}
