package io.embedgate.provider.support;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonWriteFeature;

/** JsonCursor against Jackson, the reference for what is JSON and what a string says. */
class JsonCursorTest {

    static final JsonFactory JSON = new JsonFactory();
    /** Writes every non-ASCII character as a \\u escape. */
    static final JsonFactory ASCII_JSON = JsonFactory.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsMembersElementsAndScalarsWithAnyWhitespace() throws IOException {
        JsonCursor c = new JsonCursor(utf8(" {\n\t\"a\" : [ 1 , -20 ] ,\r\n \"b\":{ } , \"c\" :[],\"d\":\"x\" } trailing"));
        assertTrue(c.startObject());
        assertEquals("a", c.name());
        assertTrue(c.startArray());
        assertEquals(1L, c.integer());
        assertTrue(c.more(']'));
        assertEquals(-20L, c.integer());
        assertFalse(c.more(']'));
        assertTrue(c.more('}'));
        assertEquals("b", c.name());
        assertFalse(c.startObject());
        assertTrue(c.more('}'));
        assertEquals("c", c.name());
        assertFalse(c.startArray());
        assertTrue(c.more('}'));
        assertEquals("d", c.name());
        assertEquals("x", c.string());
        assertFalse(c.more('}'));
        assertEquals('t', c.peek()); // what follows the root value is left alone
    }

    @Test
    void integersAreLongsAndEveryOtherValueIsNull() throws IOException {
        String[] values = {"12", "-0", "9223372036854775807", "1.0", "1e3", "-2E-2", "9223372036854775808", "\"7\"", "true", "null", "[1]",
                "{\"a\":1}"};
        Long[] expected = {12L, 0L, Long.MAX_VALUE, null, null, null, null, null, null, null, null, null};
        for (int k = 0; k < values.length; k++) {
            JsonCursor c = new JsonCursor(utf8("[" + values[k] + ",5]"));
            assertTrue(c.startArray());
            assertEquals(expected[k], c.integer(), values[k]);
            assertTrue(c.more(']'), values[k]); // the value was consumed, whatever it was
            assertEquals(5L, c.integer());
        }
    }

    @Test
    void stringsSayWhatJacksonSays() throws IOException {
        SplittableRandom r = new SplittableRandom(7);
        for (int round = 0; round < 3_000; round++) {
            String s = randomString(r);
            for (boolean asciiOnly : new boolean[]{false, true}) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                try (JsonGenerator g = (asciiOnly ? ASCII_JSON : JSON).createGenerator(out)) {
                    g.writeStartArray();
                    g.writeString(s);
                    g.writeString("after");
                    g.writeEndArray();
                }
                JsonCursor c = new JsonCursor(out.toByteArray());
                assertTrue(c.startArray());
                assertEquals(s, c.string());
                assertTrue(c.more(']'));
                assertEquals("after", c.string());
            }
        }
        // escapes Jackson does not write, such as \/ and lower-case hex
        JsonCursor c = new JsonCursor(utf8("[\"a\\/b\\u00e9\\ud83d\\ude00\\b\\f\", \"d\\u0061ta\"]"));
        assertTrue(c.startArray());
        assertEquals("a/b\u00e9\ud83d\ude00\b\f", c.string());
        assertTrue(c.more(']'));
        assertEquals("data", c.string());
    }

    @Test
    void floatArraysAreReadByJacksonAndTheCursorGoesOnAfterThem() throws IOException {
        JsonCursor c = new JsonCursor(utf8("{\"e\" :  [ 0.5, -1e-3 ,2 ]  , \"n\": 3}"));
        assertTrue(c.startObject());
        assertEquals("e", c.name());
        assertArrayEquals(new float[]{0.5f, -1e-3f, 2f}, c.floats(JSON));
        assertTrue(c.more('}'));
        assertEquals("n", c.name());
        assertEquals(3L, c.integer());
        assertFalse(c.more('}'));
    }

    @Test
    void aCallerReadsAStringItselfAndResumesAfterIt() throws IOException {
        byte[] body = utf8("[\"QUJD\", 1]");
        JsonCursor c = new JsonCursor(body);
        assertTrue(c.startArray());
        int from = c.stringContent();
        assertEquals('Q', body[from]);
        assertThrows(IOException.class, () -> c.resumeAfter(from + 2)); // not a quote
        c.resumeAfter(from + 4);
        assertTrue(c.more(']'));
        assertEquals(1L, c.integer());
    }

    @Test
    void rejectsWhatIsNotJson() {
        String[] bad = {"{\"a\":1,}", "[1 2]", "{\"a\" 1}", "[01]", "[-]", "[1.]", "[1e]", "[.5]", "[+1]", "[tru]", "[nul]", "[True]",
                "[\"\\x\"]", "[\"abc]", "[\"a\u0001b\"]", "[\"\\u12G4\"]", "{\"a\":[}", "{1:2}", "[", "", "   ", "[1,]", "[,1]",
                "{\"a\":1 \"b\":2}"};
        for (String doc : bad) {
            assertThrows(IOException.class, () -> new JsonCursor(utf8(doc)).skipValue(), doc);
            assertThrows(IOException.class, () -> jackson(utf8(doc)), "Jackson disagrees on " + doc);
        }
        String deep = "[".repeat(600) + "]".repeat(600);
        assertThrows(IOException.class, () -> new JsonCursor(utf8(deep)).skipValue());
    }

    /** Random documents, and every one-byte mutation of them: the cursor accepts exactly what Jackson accepts. */
    @Test
    void acceptsExactlyWhatJacksonAccepts() throws IOException {
        SplittableRandom r = new SplittableRandom(3);
        byte[] interesting = utf8("{}[],:\"\\ \n0123456789.-+eEtrufalsn/bu\u0001x");
        int accepted = 0;
        int rejected = 0;
        for (int round = 0; round < 2_000; round++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (JsonGenerator g = JSON.createGenerator(out)) {
                randomValue(r, g, 0);
            }
            byte[] doc = out.toByteArray();
            for (int m = 0; m < 8; m++) {
                byte[] mutated = doc.clone();
                int at = r.nextInt(mutated.length);
                // ASCII for ASCII: never breaks a UTF-8 sequence (the cursor does not check UTF-8)
                if (m > 0 && mutated[at] >= 0) {
                    mutated[at] = interesting[r.nextInt(interesting.length)];
                }
                // wrapped in an array, so both read up to a closing bracket (Jackson checks what follows
                // a root-level scalar, the cursor leaves that to its caller)
                byte[] wrapped = new byte[mutated.length + 2];
                wrapped[0] = '[';
                System.arraycopy(mutated, 0, wrapped, 1, mutated.length);
                wrapped[wrapped.length - 1] = ']';
                boolean jacksonAccepts = accepts(() -> jackson(wrapped));
                boolean cursorAccepts = accepts(() -> new JsonCursor(wrapped).skipValue());
                assertEquals(jacksonAccepts, cursorAccepts, new String(wrapped, StandardCharsets.UTF_8));
                if (jacksonAccepts) {
                    accepted++;
                } else {
                    rejected++;
                }
            }
        }
        assertTrue(accepted > 2_000 && rejected > 2_000, accepted + " accepted, " + rejected + " rejected");
    }

    interface Read {

        void run() throws IOException;
    }

    static boolean accepts(Read read) {
        try {
            read.run();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Reads one root value with Jackson, to its end. */
    static void jackson(byte[] doc) throws IOException {
        try (JsonParser p = JSON.createParser(doc)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new IOException("no value");
            }
            p.skipChildren();
            if (t == JsonToken.VALUE_STRING) {
                p.getText();
            }
        }
    }

    static void randomValue(SplittableRandom r, JsonGenerator g, int depth) throws IOException {
        switch (depth > 3 ? r.nextInt(5) : r.nextInt(7)) {
            case 0 -> g.writeString(randomString(r));
            case 1 -> g.writeNumber(r.nextLong(-1_000_000, 1_000_000));
            case 2 -> g.writeNumber(r.nextDouble(-1e6, 1e6));
            case 3 -> g.writeBoolean(r.nextBoolean());
            case 4 -> g.writeNull();
            case 5 -> {
                g.writeStartArray();
                for (int k = r.nextInt(4); k > 0; k--) {
                    randomValue(r, g, depth + 1);
                }
                g.writeEndArray();
            }
            default -> {
                g.writeStartObject();
                for (int k = r.nextInt(4); k > 0; k--) {
                    g.writeFieldName(randomString(r));
                    randomValue(r, g, depth + 1);
                }
                g.writeEndObject();
            }
        }
    }

    static String randomString(SplittableRandom r) {
        String pool = "ab\"\\/\n\t\u0001\u001f \u00e9\u4e2d\ud83d\ude00";
        StringBuilder s = new StringBuilder();
        for (int k = r.nextInt(12); k > 0; k--) {
            int at = r.nextInt(pool.length());
            char c = pool.charAt(at);
            if (Character.isHighSurrogate(c)) {
                s.append(c).append(pool.charAt(at + 1));
            } else if (!Character.isLowSurrogate(c)) {
                s.append(c);
            }
        }
        return s.toString();
    }
}
