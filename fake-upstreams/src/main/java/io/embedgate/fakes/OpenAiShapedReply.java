package io.embedgate.fakes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/**
 * The 200 body of an OpenAI-shaped embeddings API, as {@link FakeOpenAi} and its hosts print it:
 * {@code {"object":"list","data":[{"object":"embedding","index":i,"embedding":...}],"model",usage}}.
 */
final class OpenAiShapedReply {

    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private OpenAiShapedReply() {
    }

    /**
     * @param base64 vectors as base64 of little-endian float32 (else JSON numbers)
     * @param tokens the usage to report, or a negative number for none (hosts that leave it out)
     */
    static byte[] print(List<float[]> vectors, boolean base64, String model, long tokens) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + vectors.size() * (base64 ? 8200 : 20000));
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            for (int i = 0; i < vectors.size(); i++) {
                float[] v = vectors.get(i);
                g.writeStartObject();
                g.writeStringField("object", "embedding");
                g.writeNumberField("index", i);
                g.writeFieldName("embedding");
                if (base64) {
                    ByteBuffer bb = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                    bb.asFloatBuffer().put(v);
                    g.writeBinary(bb.array());
                } else {
                    g.writeStartArray();
                    for (float f : v) {
                        g.writeNumber(f);
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("model", model);
            if (tokens >= 0) {
                g.writeObjectFieldStart("usage");
                g.writeNumberField("prompt_tokens", tokens);
                g.writeNumberField("total_tokens", tokens);
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
