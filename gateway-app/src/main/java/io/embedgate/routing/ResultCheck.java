package io.embedgate.routing;

import java.util.ArrayList;
import java.util.List;

import io.embedgate.catalog.Candidate;
import io.embedgate.spi.Embedding;
import io.embedgate.spi.EmbeddingResult;
import io.embedgate.spi.Float32;
import io.embedgate.spi.ModelCapabilities;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.Quantization;
import io.embedgate.spi.UpstreamException;

/**
 * What a candidate's answer must be before the client sees it, and the one change made to it: unit
 * length where the client wants it and the provider does not give it. A failed check is the
 * provider's fault (502, and the router moves on), never the client's.
 */
final class ResultCheck {

    private ResultCheck() {
    }

    /**
     * The candidate's whole answer, checked against what it was asked for ({@link CallShape}), then
     * given the shape the client asked for: shortened by the model's Matryoshka recipe, made unit
     * length where the provider does not, quantised where the provider cannot.
     */
    static EmbeddingResult checked(EmbeddingResult r, Candidate c, EmbeddingJob job) {
        return checked(r, c, job, CallShape.of(c, job));
    }

    /** As above, with the shape the candidate was called with (worked out once per candidate). */
    static EmbeddingResult checked(EmbeddingResult r, Candidate c, EmbeddingJob job, CallShape shape) {
        ModelCapabilities caps = c.capabilities();
        boolean gatewayWork = shape.shorten().isPresent() || shape.quantize();
        check(r, job.inputs().size(), shape.size(), shape.dtype(), !job.base64Output() || gatewayWork, c.instance().name());
        boolean normalize = job.normalize() && shape.dtype() == OutputDtype.FLOAT && !caps.normalized();
        if (!gatewayWork) {
            return normalize ? normalized(r) : r;
        }
        int size = job.outputDimensions(caps);
        List<Embedding> out = new ArrayList<>(r.embeddings().size());
        for (Embedding e : r.embeddings()) {
            float[] v = ((Embedding.Floats) e).values();
            if (shape.shorten().isPresent()) {
                v = shape.shorten().get().reduce(v, size);
            } else if (normalize && !shape.quantize()) { // quantising ignores a vector's length
                v = Float32.normalizeInPlace(v.clone());
            }
            out.add(shape.quantize() && job.dtype() != OutputDtype.FLOAT ? Quantization.quantize(v, job.dtype()) : Embedding.Floats.of(v));
        }
        return new EmbeddingResult(out, r.usage(), r.upstreamModel());
    }

    /**
     * Exactly one vector per input, each of the type and size the client will be told it gets, and
     * each float vector finite and not all zeros (no direction: cosine is undefined on it). Float
     * vectors are decoded here for a client that wants numbers, and only scanned for one that gets
     * the provider's base64 as is.
     */
    static void check(EmbeddingResult r, int inputs, int dimensions, OutputDtype dtype, boolean decode, String provider) {
        if (r.embeddings().size() != inputs) {
            throw UpstreamException.invalidResponse(provider, "returned " + r.embeddings().size() + " vectors for " + inputs + " inputs");
        }
        int length = ModelCapabilities.vectorLength(dimensions, dtype);
        for (Embedding e : r.embeddings()) {
            boolean rightType = dtype == OutputDtype.FLOAT ? e instanceof Embedding.Floats
                    : e instanceof Embedding.Bytes b && b.dtype() == dtype;
            if (!rightType) {
                throw UpstreamException.invalidResponse(provider, "returned vectors of another type than " + dtype.wireName());
            }
            if (e.length() != length) {
                throw UpstreamException.invalidResponse(provider, "returned " + e.length() + "-element vectors, expected " + length
                        + (length == dimensions ? "" : " (" + dimensions + " dimensions as " + dtype.wireName() + ")"));
            }
            if (e instanceof Embedding.Floats f) {
                Float32.Validity validity;
                try {
                    validity = f.validity(decode);
                } catch (IllegalArgumentException badBase64) {
                    throw UpstreamException.invalidResponse(provider, "returned an embedding that is not valid base64");
                }
                switch (validity) {
                    case NOT_FINITE ->
                        throw UpstreamException.invalidResponse(provider, "returned an embedding with NaN or infinite values");
                    case ALL_ZERO -> throw UpstreamException.invalidResponse(provider,
                            "returned an all-zero embedding, which has no direction (cosine similarity is undefined on it)");
                    default -> {
                        // a usable vector
                    }
                }
            }
        }
    }

    /** Unit-length copies, for providers whose vectors are not (e.g. Gemini below 3072 dimensions). */
    static EmbeddingResult normalized(EmbeddingResult r) {
        List<Embedding> out = new ArrayList<>(r.embeddings().size());
        for (Embedding e : r.embeddings()) {
            out.add(Embedding.Floats.of(Float32.normalizeInPlace(((Embedding.Floats) e).values().clone())));
        }
        return new EmbeddingResult(out, r.usage(), r.upstreamModel());
    }
}
