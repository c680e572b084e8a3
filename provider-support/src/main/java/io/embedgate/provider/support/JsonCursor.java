package io.embedgate.provider.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * A small pull reader over a JSON body held in memory, for provider answers whose bulk is a few
 * large strings (base64 vectors). The adapter checks such a string itself, in one pass, from
 * {@link #stringContent()}, and the cursor goes on after it with {@link #resumeAfter(int)}: a
 * general parser (Jackson) would scan every such string once more only to find its end, which was
 * ~40% of the time to read an OpenAI answer. Everything it reads or skips is strict JSON (RFC 8259),
 * apart from UTF-8 checking inside strings; what follows the root value is not read.
 */
public final class JsonCursor {

    /** Deeper nesting than this in a skipped value is rejected (no stack overflow on hostile input). */
    private static final int MAX_DEPTH = 512;

    private final byte[] b;
    private int i;
    /** Whether the last {@link #string()} had an escape (only then can a name hold a lone surrogate). */
    private boolean lastHadEscape;

    public JsonCursor(byte[] body) {
        this.b = body;
    }

    /** The next byte after any whitespace, not consumed. */
    public int peek() throws IOException {
        while (i < b.length) {
            byte c = b[i];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return c;
            }
            i++;
        }
        throw malformed("unexpected end of the body");
    }

    /** Consumes {@code '{'}: true when a member follows (read its {@link #name()}), false for {@code {}}. */
    public boolean startObject() throws IOException {
        return open('{', '}');
    }

    /** Consumes {@code '['}: true when an element follows, false for {@code []}. */
    public boolean startArray() throws IOException {
        return open('[', ']');
    }

    private boolean open(char open, char close) throws IOException {
        expect(open);
        if (peek() == close) {
            i++;
            return false;
        }
        return true;
    }

    /** After a member or an element: true at a comma (another follows), false at {@code close} (consumed). */
    public boolean more(char close) throws IOException {
        int c = peek();
        i++;
        if (c == ',') {
            return true;
        }
        if (c != close) {
            throw malformed("expected ',' or '" + close + "'");
        }
        return false;
    }

    /** A member's name and its colon. */
    public String name() throws IOException {
        String name = string();
        if (lastHadEscape) {
            checkSurrogatePairs(name);
        }
        expect(':');
        return name;
    }

    /**
     * As Jackson does for names: a surrogate escape must be half of a pair. Only escapes can make
     * a lone surrogate (raw UTF-8 decodes to whole pairs), so names without one are not scanned.
     */
    private void checkSurrogatePairs(String name) throws IOException {
        for (int k = 0; k < name.length(); k++) {
            char c = name.charAt(k);
            if (Character.isHighSurrogate(c) && k + 1 < name.length() && Character.isLowSurrogate(name.charAt(k + 1))) {
                k++;
            } else if (Character.isSurrogate(c)) {
                throw malformed("broken surrogate pair in a name");
            }
        }
    }

    /** A string value. */
    public String string() throws IOException {
        lastHadEscape = false;
        expect('"');
        int start = i;
        while (i < b.length) {
            byte c = b[i];
            if (c == '"') {
                return new String(b, start, i++ - start, StandardCharsets.UTF_8);
            }
            if (c == '\\') {
                return escaped(start);
            }
            if ((c & 0xff) < 0x20) {
                throw malformed("control character in a string");
            }
            i++;
        }
        throw malformed("unterminated string");
    }

    /**
     * For a caller that reads a string's content itself: the index of its first byte (after the
     * opening quote, which is consumed). Continue with {@link #resumeAfter(int)}.
     */
    public int stringContent() throws IOException {
        expect('"');
        return i;
    }

    /** Continues after the closing quote at {@code quote}, which the caller found. */
    public void resumeAfter(int quote) throws IOException {
        if (quote < i || quote >= b.length || b[quote] != '"') {
            throw malformed("expected '\"'");
        }
        i = quote + 1;
    }

    /**
     * An integer value; {@code null} for any other value (consumed), including a number with a
     * fraction or an exponent, or an integer beyond a long.
     */
    public Long integer() throws IOException {
        int c = peek();
        if (c != '-' && (c < '0' || c > '9')) {
            skipValue();
            return null;
        }
        int start = i;
        if (!number()) {
            return null;
        }
        try {
            return Long.parseLong(new String(b, start, i - start, StandardCharsets.ISO_8859_1));
        } catch (NumberFormatException beyondLong) {
            return null;
        }
    }

    /** Reads one value with a Jackson parser that has just returned its first token. */
    @FunctionalInterface
    public interface ValueReader<T> {

        T read(JsonParser p) throws IOException;
    }

    /**
     * A number array read by {@link JsonVectors#floats} (Jackson's number parsing), for servers that
     * answer with numbers.
     */
    public float[] floats(JsonFactory json) throws IOException {
        return array(json, JsonVectors::floats);
    }

    /**
     * An array read by Jackson, for arrays of numbers whose parsing is Jackson's job (floats, or
     * integers of a quantised type); the cursor goes on after its {@code ']'}.
     */
    public <T> T array(JsonFactory json, ValueReader<T> reader) throws IOException {
        peek();
        int start = i;
        try (JsonParser p = json.createParser(b, start, b.length - start)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw malformed("expected an array");
            }
            T v = reader.read(p);
            // Jackson counts from the offset it was given; after END_ARRAY it stands just past ']'.
            i = start + (int) p.currentLocation().getByteOffset();
            return v;
        }
    }

    /** Skips one value of any kind, checking its syntax. */
    public void skipValue() throws IOException {
        skip(0);
    }

    private void skip(int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw malformed("nested too deeply");
        }
        switch (peek()) {
            case '"' -> skipString();
            case '{' -> {
                if (startObject()) {
                    do {
                        int at = i;
                        if (skipString()) {
                            i = at; // a name with escapes: read it, for the surrogate check
                            name();
                        } else {
                            expect(':');
                        }
                        skip(depth + 1);
                    } while (more('}'));
                }
            }
            case '[' -> {
                if (startArray()) {
                    do {
                        skip(depth + 1);
                    } while (more(']'));
                }
            }
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> number();
        }
    }

    /** Skips a string; true when it had an escape. */
    private boolean skipString() throws IOException {
        expect('"');
        boolean escapes = false;
        while (i < b.length) {
            byte c = b[i++];
            if (c == '"') {
                return escapes;
            }
            if (c == '\\') {
                escapes = true;
                escape(null);
            } else if ((c & 0xff) < 0x20) {
                throw malformed("control character in a string");
            }
        }
        throw malformed("unterminated string");
    }

    /** The rest of a string that has escapes; {@code i} is at the first backslash. */
    private String escaped(int start) throws IOException {
        lastHadEscape = true;
        StringBuilder s = new StringBuilder(i - start + 16).append(new String(b, start, i - start, StandardCharsets.UTF_8));
        int run = i;
        while (i < b.length) {
            byte c = b[i];
            if (c == '"' || c == '\\') {
                // a run of plain bytes ends at an ASCII byte, never inside a UTF-8 sequence
                s.append(new String(b, run, i - run, StandardCharsets.UTF_8));
                i++;
                if (c == '"') {
                    return s.toString();
                }
                escape(s);
                run = i;
            } else if ((c & 0xff) < 0x20) {
                throw malformed("control character in a string");
            } else {
                i++;
            }
        }
        throw malformed("unterminated string");
    }

    /** One escape after its backslash, appended to {@code s} (checked only, when null). */
    private void escape(StringBuilder s) throws IOException {
        if (i >= b.length) {
            throw malformed("unterminated string");
        }
        char c = switch (b[i++]) {
            case '"' -> '"';
            case '\\' -> '\\';
            case '/' -> '/';
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'u' -> unicode();
            default -> throw malformed("invalid escape");
        };
        if (s != null) {
            s.append(c);
        }
    }

    private char unicode() throws IOException {
        if (i + 4 > b.length) {
            throw malformed("unterminated string");
        }
        int v = 0;
        for (int k = 0; k < 4; k++) {
            int d = Character.digit(b[i++], 16);
            if (d < 0) {
                throw malformed("invalid \\u escape");
            }
            v = v << 4 | d;
        }
        return (char) v;
    }

    /** Consumes a number; true when it is an integer (no fraction, no exponent). */
    private boolean number() throws IOException {
        if (at('-')) {
            i++;
        }
        if (at('0')) {
            i++;
        } else if (!digits()) {
            throw malformed("invalid value");
        }
        boolean integer = true;
        if (at('.')) {
            i++;
            integer = false;
            if (!digits()) {
                throw malformed("invalid number");
            }
        }
        if (at('e') || at('E')) {
            i++;
            integer = false;
            if (at('+') || at('-')) {
                i++;
            }
            if (!digits()) {
                throw malformed("invalid number");
            }
        }
        return integer;
    }

    /** Consumes a run of digits; false when there was none. */
    private boolean digits() {
        int start = i;
        while (i < b.length && b[i] >= '0' && b[i] <= '9') {
            i++;
        }
        return i > start;
    }

    private boolean at(char c) {
        return i < b.length && b[i] == c;
    }

    private void literal(String word) throws IOException {
        if (i + word.length() > b.length) {
            throw malformed("invalid value");
        }
        for (int k = 0; k < word.length(); k++) {
            if (b[i + k] != word.charAt(k)) {
                throw malformed("invalid value");
            }
        }
        i += word.length();
    }

    private void expect(char c) throws IOException {
        if (peek() != c) {
            throw malformed("expected '" + c + "'");
        }
        i++;
    }

    private IOException malformed(String what) {
        return new IOException(what + " at byte " + i);
    }
}
