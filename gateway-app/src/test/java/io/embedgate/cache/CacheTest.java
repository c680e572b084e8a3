package io.embedgate.cache;

import static io.embedgate.testing.Api.embed;
import static io.embedgate.testing.Api.json;
import static io.embedgate.testing.Api.vector;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.testing.Api;
import io.embedgate.testing.FakeUpstreamsResource;
import io.embedgate.testing.InjectFake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** The per-input cache through the gateway: partial hits, duplicates, usage, TTL, never mixing models. */
@QuarkusTest
@WithTestResource(FakeUpstreamsResource.class)
class CacheTest {

    static final String SMALL = "text-embedding-3-small";
    static final AtomicInteger RUN = new AtomicInteger();

    @InjectFake
    FakeOpenAi a;

    /** A prefix no other test uses, so entries cached by earlier tests never interfere. */
    String p;

    @BeforeEach
    void reset() {
        a.reset();
        p = "run" + RUN.incrementAndGet() + "-" + System.nanoTime() + "-";
    }

    static String body(List<String> texts, String extra) {
        StringBuilder b = new StringBuilder("{\"model\":\"text-embedding-3-small\",\"input\":[");
        for (int i = 0; i < texts.size(); i++) {
            b.append(i == 0 ? "" : ",").append('"').append(texts.get(i)).append('"');
        }
        return b.append("],\"orq\":{\"cache\":{\"type\":\"exact_match\",\"ttl\":600}}").append(extra).append('}').toString();
    }

    static List<String> sentUpstream(FakeOpenAi fake, int call) {
        List<String> out = new ArrayList<>();
        try {
            Api.JSON.readTree(fake.requests().get(call).body()).get("input").forEach(n -> out.add(n.asText()));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return out;
    }

    @Test
    void randomBatchesMatchAnUncachedRunAndOnlyMissesGoUpstream() {
        SplittableRandom random = new SplittableRandom(20261121);
        List<String> vocabulary = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            vocabulary.add(p + "word" + i);
        }
        Set<String> cached = new HashSet<>();
        for (int round = 0; round < 25; round++) {
            int size = 1 + random.nextInt(12);
            List<String> batch = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                batch.add(vocabulary.get(random.nextInt(vocabulary.size())));
            }
            Set<String> expectedMisses = new LinkedHashSet<>();
            int hits = 0;
            for (String t : batch) {
                if (cached.contains(t)) {
                    hits++;
                } else {
                    expectedMisses.add(t);
                }
            }
            int callsBefore = a.callCount();
            Response r = embed(body(batch, ""));
            r.then().statusCode(200).header("x-embedgate-cache", "hits=" + hits + "; misses=" + expectedMisses.size());
            JsonNode json = json(r);
            for (int i = 0; i < batch.size(); i++) {
                assertEquals(i, json.get("data").get(i).get("index").asInt());
                assertArrayEquals(FakeOpenAi.expectedVector(SMALL, batch.get(i), null), vector(json, i), "round " + round + " index " + i);
            }
            if (expectedMisses.isEmpty()) {
                assertEquals(callsBefore, a.callCount(), "a fully cached batch makes no upstream call");
                assertEquals(0, json.get("usage").get("prompt_tokens").asInt());
            } else {
                assertEquals(callsBefore + 1, a.callCount());
                assertEquals(List.copyOf(expectedMisses), sentUpstream(a, a.callCount() - 1), "round " + round);
            }
            cached.addAll(expectedMisses);
        }
    }

    @Test
    void usageCountsOnlyWhatWasSentAndReportsTheCachedPart() {
        // The fake counts one token per four UTF-8 bytes.
        String x = p + "aaaa";
        String y = p + "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
        JsonNode first = json(embed(body(List.of(x, y), "")).then().statusCode(200).extract().response());
        long firstPrompt = first.get("usage").get("prompt_tokens").asLong();
        assertEquals(0, first.get("usage").get("prompt_tokens_details").get("cached_tokens").asInt());
        JsonNode second = json(embed(body(List.of(y, p + "cccc"), "")).then().statusCode(200)
                .header("x-embedgate-cache", "hits=1; misses=1").extract().response());
        long cccc = (p + "cccc").getBytes().length;
        assertEquals((cccc + 3) / 4, second.get("usage").get("prompt_tokens").asLong());
        long yShare = second.get("usage").get("prompt_tokens_details").get("cached_tokens").asLong();
        // Shares are proportional to UTF-8 length; the last input takes the remainder so they add up exactly.
        assertEquals(firstPrompt - firstPrompt * x.length() / (x.length() + y.length()), yShare, "y's share of the first request's tokens");
    }

    @Test
    void duplicatesAreEmbeddedOnce() {
        List<String> batch = List.of(p + "a", p + "b", p + "a", p + "a");
        JsonNode r = json(
                embed(body(batch, "")).then().statusCode(200).header("x-embedgate-cache", "hits=0; misses=2").extract().response());
        assertEquals(List.of(p + "a", p + "b"), sentUpstream(a, 0));
        assertArrayEquals(vector(r, 0), vector(r, 3));
        assertArrayEquals(FakeOpenAi.expectedVector(SMALL, p + "b", null), vector(r, 1));
    }

    @Test
    void tokenIdInputsAreCachedToo() {
        int base = (int) (System.nanoTime() & 0xffff);
        String ids = "[[" + base + ",1],[" + base + ",2]]";
        String req = "{\"model\":\"text-embedding-3-small\",\"input\":" + ids + ",\"orq\":{\"cache\":{\"type\":\"exact_match\"}}}";
        embed(req).then().statusCode(200).header("x-embedgate-cache", "hits=0; misses=2");
        JsonNode again = json(embed(req).then().statusCode(200).header("x-embedgate-cache", "hits=2; misses=0").extract().response());
        assertEquals(1, a.callCount());
        assertArrayEquals(FakeOpenAi.expectedVector(SMALL, new int[]{base, 2}, null), vector(again, 1));
        assertEquals(4, again.get("usage").get("prompt_tokens_details").get("cached_tokens").asInt(), "token ids count exactly");
    }

    @Test
    void everythingThatChangesTheVectorIsInTheKey() {
        String t = p + "same text";
        embed(body(List.of(t), "")).then().statusCode(200).header("x-embedgate-cache", "hits=0; misses=1");
        embed(body(List.of(t), "")).then().statusCode(200).header("x-embedgate-cache", "hits=1; misses=0");
        embed(body(List.of(t), ",\"dimensions\":256")).then().statusCode(200).header("x-embedgate-cache", "hits=0; misses=1");
        embed(body(List.of(t), ",\"embedding_options\":{\"normalize\":false}")).then().statusCode(200).header("x-embedgate-cache",
                "hits=0; misses=1");
        embed(body(List.of(t), "").replace("text-embedding-3-small", "text-embedding-3-large")).then().statusCode(200)
                .header("x-embedgate-cache", "hits=0; misses=1");
    }

    @Test
    void entriesExpireAfterTheirTtl() throws InterruptedException {
        String req = "{\"model\":\"text-embedding-3-small\",\"input\":\"" + p
                + "short-lived\",\"orq\":{\"cache\":{\"type\":\"exact_match\",\"ttl\":1}}}";
        embed(req).then().statusCode(200).header("x-embedgate-cache", "hits=0; misses=1");
        embed(req).then().statusCode(200).header("x-embedgate-cache", "hits=1; misses=0");
        Thread.sleep(1300);
        embed(req).then().statusCode(200).header("x-embedgate-cache", "hits=0; misses=1");
    }

    @Test
    void withoutOrqCacheNothingIsCached() {
        String req = "{\"model\":\"text-embedding-3-small\",\"input\":\"" + p + "plain\"}";
        embed(req).then().statusCode(200).header("x-embedgate-cache", nullValue()).body("usage.prompt_tokens_details", nullValue());
        embed(req).then().statusCode(200);
        assertEquals(2, a.callCount());
    }

    @Test
    void partialHitsNeverMixModelsWhenTheMissesFallBack() {
        String known = p + "known";
        embed(body(List.of(known), "").replace("text-embedding-3-small", "routed-small")).then().statusCode(200);
        a.reset();
        // The misses fail on routed-small, then the whole request fails there again; the fallback answers.
        a.enqueue(FakeOpenAi.serverError(500), FakeOpenAi.serverError(500));
        // routed-small only through openai (fake A, failing); fallback text-embedding-3-large via openai too.
        String req = body(List.of(known, p + "new"), ",\"provider\":{\"only\":[\"openai\"]}")
                .replace("text-embedding-3-small", "routed-small")
                .replace("\"orq\":{", "\"orq\":{\"fallbacks\":[{\"model\":\"text-embedding-3-large\"}],");
        JsonNode r = json(embed(req).then().statusCode(200).body("model", equalTo("text-embedding-3-large")).extract().response());
        assertArrayEquals(FakeOpenAi.expectedVector("text-embedding-3-large", known, 1536), vector(r, 0), "the hit was not used");
        assertArrayEquals(FakeOpenAi.expectedVector("text-embedding-3-large", p + "new", 1536), vector(r, 1));
        assertEquals(List.of(known, p + "new"), sentUpstream(a, a.callCount() - 1));
    }
}
