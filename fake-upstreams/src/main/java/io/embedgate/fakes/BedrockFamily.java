package io.embedgate.fakes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A model family that {@link FakeBedrock} serves on {@code /model/{modelId}/invoke}. The families share
 * only Bedrock's envelope (route, SigV4, the {@code {"message"}} error, the token-count header), which
 * stays in {@link FakeBedrock}; each family's body (its keys, their checks, its reply) is its own, so it
 * lives in its own class and reads apart from the other's.
 */
abstract sealed class BedrockFamily permits BedrockTitan, BedrockCohere {

    /**
     * What a family makes of a request body: the 200 body and the input tokens it counted, or, when
     * {@code invalid} is set, the message of Bedrock's 400 {@code ValidationException}.
     */
    record Reply(byte[] body, long inputTokens, String invalid) {
    }

    /** Writes one reply body; Jackson's generator throws {@link IOException}. */
    @FunctionalInterface
    interface BodyWriter {

        void write(JsonGenerator g) throws IOException;
    }

    private static final JsonFactory FACTORY = new ObjectMapper().getFactory();

    /** Answers a JSON object sent to {@code model}, a model of this family; {@code dropLast} leaves the last vector out. */
    abstract Reply invoke(FakeBedrock.Model model, JsonNode request, boolean dropLast);

    /** A 400 {@code ValidationException} with this message. */
    static Reply invalid(String message) {
        return new Reply(null, 0, message);
    }

    /** Bedrock's schema check failing: {@code Malformed input request: <detail>, please reformat your input and try again.} */
    static Reply malformed(String detail) {
        return invalid(FakeBedrock.malformed(detail));
    }

    /** A 200 whose JSON body {@code writer} writes; {@code sizeHint} presizes the buffer. */
    static Reply ok(int sizeHint, long inputTokens, BodyWriter writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(sizeHint);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            writer.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Reply(out.toByteArray(), inputTokens, null);
    }

    /** A vector as a JSON array of numbers. */
    static void floats(JsonGenerator g, float[] v) throws IOException {
        g.writeStartArray();
        for (float f : v) {
            g.writeNumber(f);
        }
        g.writeEndArray();
    }
}
