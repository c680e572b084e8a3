package io.embedgate.limits;

import java.util.ArrayList;
import java.util.List;

import io.embedgate.api.EmbeddingsResponseWriter;
import io.embedgate.catalog.Candidate;
import io.embedgate.catalog.ResolvedModel;
import io.embedgate.routing.EmbeddingJob;
import io.embedgate.routing.RoutingPolicy;
import io.embedgate.spi.EmbeddingInputs;
import io.embedgate.spi.ModelCapabilities;
import io.embedgate.spi.OutputDtype;

/**
 * What a request will hold in memory at its peak, estimated before it is routed: its inputs (as
 * strings and as the upstream request body), the largest usual reply among the providers that may
 * serve it (primary, load-balancer entries and fallbacks), its decoded vectors, and one transient
 * copy of them when they are normalised or cached, and, for a mid-sized float response, the text a
 * second thread prints ahead. The response itself is streamed, so it adds one chunk, not its size.
 */
public final class MemoryEstimate {

    /** Per request: the print buffer, the response chunk in flight, the request's own objects. */
    static final long FIXED = 128 * 1024;

    private MemoryEstimate() {
    }

    public static long of(EmbeddingJob job) {
        int n = job.inputs().size();
        OutputDtype dtype = job.dtype();
        long reply = 0;
        long vectors = 0;
        boolean normalizedHere = false;
        for (ResolvedModel model : models(job)) {
            ModelCapabilities caps = model.model().capabilities();
            int values = job.vectorLength(caps);
            vectors = Math.max(vectors, (long) n * values * (dtype == OutputDtype.FLOAT ? 4 : 1));
            for (Candidate c : model.candidates()) {
                reply = Math.max(reply, c.instance().client().replySize(dtype).typical(n, values));
                normalizedHere |= !c.capabilities().normalized();
            }
        }
        // Normalising (for a provider that does not) and caching each make one more copy of every vector.
        boolean copies = job.cacheTtl().isPresent() || job.normalize() && dtype == OutputDtype.FLOAT && normalizedHere;
        long printedAhead = job.base64Output() || dtype != OutputDtype.FLOAT ? 0 : EmbeddingsResponseWriter.printedAheadBytes(vectors / 4);
        return FIXED + inputs(job.inputs()) + reply + vectors * (copies ? 2 : 1) + printedAhead;
    }

    /** Inputs as Java strings (two bytes a character at most) and once more as the upstream request body. */
    static long inputs(EmbeddingInputs inputs) {
        long total = 0;
        if (inputs instanceof EmbeddingInputs.Texts t) {
            for (String s : t.values()) {
                total += 3L * s.length() + 64;
            }
        } else {
            for (int[] ids : ((EmbeddingInputs.TokenIds) inputs).values()) {
                total += 12L * ids.length + 64;
            }
        }
        return total;
    }

    private static List<ResolvedModel> models(EmbeddingJob job) {
        RoutingPolicy policy = job.policy();
        List<ResolvedModel> all = new ArrayList<>(1 + policy.fallbacks().size() + policy.loadBalancer().size());
        all.add(job.model());
        all.addAll(policy.fallbacks());
        policy.loadBalancer().forEach(w -> all.add(w.model()));
        return all;
    }
}
