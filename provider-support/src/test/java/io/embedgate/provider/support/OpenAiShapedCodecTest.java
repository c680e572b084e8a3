package io.embedgate.provider.support;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.OptionalInt;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.embedgate.spi.Embedding;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.Float32;
import io.embedgate.spi.UpstreamException;

class OpenAiShapedCodecTest {

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theReaderDecidesWhichEmbeddingsAreAccepted() {
        String b64 = Base64.getEncoder().encodeToString(Float32.toLittleEndian(new float[]{1f, 2f}));
        byte[] body = utf8("{\"data\":[{\"embedding\":\"" + b64 + "\",\"index\":0}],\"usage\":{\"total_tokens\":4}}");
        EmbeddingResult r = OpenAiShapedCodec.decode(body, 1, OptionalInt.of(2), "p", "m", OpenAiShapedCodec.BASE64_OR_FLOATS);
        assertArrayEquals(new float[]{1f, 2f}, ((Embedding.Floats) r.embeddings().get(0)).values());
        assertEquals(4, r.usage().promptTokens());
        assertEquals(4, r.usage().totalTokens());
        assertEquals("m", r.upstreamModel());
        UpstreamException e = assertThrows(UpstreamException.class,
                () -> OpenAiShapedCodec.decode(body, 1, OptionalInt.empty(), "p", "m", OpenAiShapedCodec.FLOATS));
        assertEquals(UpstreamException.Kind.INVALID_RESPONSE, e.kind());
        EmbeddingResult floats = OpenAiShapedCodec.decode(utf8("{\"data\":[{\"embedding\":[0.5,1]}]}"), 1, OptionalInt.empty(), "p", "m",
                OpenAiShapedCodec.FLOATS);
        assertArrayEquals(new float[]{0.5f, 1f}, ((Embedding.Floats) floats.embeddings().get(0)).values());
    }

    @Test
    void rejectsMixedSizesAndIndexesOutOfRange() {
        String mixed = "{\"data\":[{\"index\":0,\"embedding\":[1,2]},{\"index\":1,\"embedding\":[1]}]}";
        assertTrue(assertThrows(UpstreamException.class,
                () -> OpenAiShapedCodec.decode(utf8(mixed), 2, OptionalInt.empty(), "p", "m", OpenAiShapedCodec.FLOATS)).getMessage()
                .contains("different sizes"));
        // an item without its embedding cannot be made up for by another item at its index
        String empty = "{\"data\":[{\"index\":0},{\"index\":0,\"embedding\":[1]}]}";
        assertTrue(assertThrows(UpstreamException.class,
                () -> OpenAiShapedCodec.decode(utf8(empty), 1, OptionalInt.empty(), "p", "m", OpenAiShapedCodec.FLOATS)).getMessage()
                .contains("without an embedding"));
        String outOfRange = "{\"data\":[{\"index\":-1,\"embedding\":[1]}]}";
        assertTrue(assertThrows(UpstreamException.class,
                () -> OpenAiShapedCodec.decode(utf8(outOfRange), 1, OptionalInt.empty(), "p", "m", OpenAiShapedCodec.FLOATS)).getMessage()
                .contains("index -1"));
    }

    @Test
    void parsesBothErrorBodyShapes() {
        assertEquals(new OpenAiError("m", "t", "input", "c"),
                OpenAiError.parse(utf8("{\"error\":{\"message\":\"m\",\"type\":\"t\",\"param\":\"input\",\"code\":\"c\"}}")));
        assertEquals(new OpenAiError("m", "t", null, "3210"),
                OpenAiError.parseFlat(utf8("{\"object\":\"error\",\"message\":\"m\",\"type\":\"t\",\"param\":null,\"code\":3210}")));
        // each keeps to its own shape
        assertNull(OpenAiError.parse(utf8("{\"message\":\"m\",\"type\":\"t\"}")).type());
        assertNull(OpenAiError.parseFlat(utf8("{\"error\":{\"message\":\"m\"}}")).message());
        // a cut body keeps what was read
        assertEquals("m", OpenAiError.parse(utf8("{\"error\":{\"message\":\"m\",\"type\":")).message());
        assertEquals(new OpenAiError(null, null, null, null), OpenAiError.parse(utf8("<html>")));
        assertEquals("a; b", OpenAiError.parseFlat(utf8("{\"detail\":[{\"msg\":\"a\"},{\"msg\":\"b\"}]}")).message());
    }

    static boolean naiveBase64(int b) {
        return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '+' || b == '/';
    }

    @Test
    void eightBytesAtATimeAgreesWithTheAlphabetForEveryByteInEveryPosition() {
        byte[] valid = utf8("Ab+/09zZ");
        for (int position = 0; position < 8; position++) {
            for (int b = 0; b < 256; b++) {
                byte[] window = valid.clone();
                window[position] = (byte) b;
                long x = 0;
                for (int k = 7; k >= 0; k--) {
                    x = (x << 8) | (window[k] & 0xff);
                }
                assertEquals(naiveBase64(b), OpenAiShapedCodec.allBase64(x), "byte " + b + " at " + position);
            }
        }
    }

    @Test
    void alphabetEndFindsTheFirstForeignByteWhereverItIs() {
        SplittableRandom r = new SplittableRandom(11);
        byte[] alphabet = utf8("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
        for (int round = 0; round < 20_000; round++) {
            byte[] b = new byte[r.nextInt(1, 80)];
            for (int k = 0; k < b.length; k++) {
                b[k] = alphabet[r.nextInt(alphabet.length)];
            }
            if (r.nextBoolean()) {
                b[r.nextInt(b.length)] = (byte) r.nextInt(256);
            }
            int from = r.nextInt(b.length);
            int expected = from;
            while (expected < b.length && naiveBase64(b[expected] & 0xff)) {
                expected++;
            }
            assertEquals(expected, OpenAiShapedCodec.alphabetEnd(b, from));
        }
    }
}
