package io.embedgate.api;

import java.io.IOException;
import java.math.BigDecimal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;

/** A decimal written as a JSON number without an exponent ({@code 0.0000008}, not {@code 8E-7}), as the embeddings answers write costs. */
public final class PlainDecimal extends JsonSerializer<BigDecimal> {

    @Override
    public void serialize(BigDecimal value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
        gen.writeNumber(value.toPlainString());
    }
}
