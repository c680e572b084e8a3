package io.embedgate.api;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.List;

import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyWriter;
import jakarta.ws.rs.ext.Provider;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;

import io.embedgate.spi.Embedding;
import io.embedgate.spi.Float32;
import io.embedgate.spi.OutputDtype;

/**
 * Streams the OpenAI list response straight from {@code float[]} to the socket: no object tree, no
 * boxing. Floats use Jackson's fast shortest-representation writer; base64 is the little-endian
 * float32 bytes, as the OpenAI SDKs decode them. Quantised vectors are integer arrays (or base64 of
 * their raw bytes).
 */
@Provider
@Produces(MediaType.APPLICATION_JSON)
public class EmbeddingsResponseWriter implements MessageBodyWriter<EmbeddingsResponse> {

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            // A flush would push a partial chunk to the socket; let the REST layer decide when to send.
            .disable(StreamWriteFeature.FLUSH_PASSED_TO_STREAM)
            .build();

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return type == EmbeddingsResponse.class;
    }

    @Override
    public void writeTo(EmbeddingsResponse r, Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType,
            MultivaluedMap<String, Object> headers, OutputStream out) throws IOException {
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            write(g, r);
        }
    }

    static void write(JsonGenerator g, EmbeddingsResponse r) throws IOException {
        g.writeStartObject();
        g.writeStringField("object", "list");
        g.writeArrayFieldStart("data");
        List<Embedding> data = r.data();
        for (int i = 0, n = data.size(); i < n; i++) {
            g.writeStartObject();
            g.writeStringField("object", "embedding");
            g.writeNumberField("index", i);
            g.writeFieldName("embedding");
            writeVector(g, data.get(i), r.base64());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeStringField("model", r.model());
        g.writeObjectFieldStart("usage");
        g.writeNumberField("prompt_tokens", r.usage().promptTokens());
        g.writeNumberField("completion_tokens", 0);
        g.writeNumberField("total_tokens", r.usage().totalTokens());
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void writeVector(JsonGenerator g, Embedding e, boolean base64) throws IOException {
        if (e instanceof Embedding.Floats f) {
            if (base64) {
                g.writeBinary(Float32.toLittleEndian(f.values()));
                return;
            }
            float[] v = f.values();
            g.writeStartArray(v, v.length);
            for (float x : v) {
                g.writeNumber(x);
            }
            g.writeEndArray();
            return;
        }
        Embedding.Bytes b = (Embedding.Bytes) e;
        if (base64) {
            g.writeBinary(b.values());
            return;
        }
        boolean unsigned = b.dtype() == OutputDtype.UINT8 || b.dtype() == OutputDtype.UBINARY;
        byte[] v = b.values();
        g.writeStartArray(v, v.length);
        for (byte x : v) {
            g.writeNumber(unsigned ? x & 0xff : x);
        }
        g.writeEndArray();
    }
}
