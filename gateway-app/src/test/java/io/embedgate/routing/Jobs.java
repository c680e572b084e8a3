package io.embedgate.routing;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import io.embedgate.catalog.Candidate;
import io.embedgate.catalog.CatalogModel;
import io.embedgate.catalog.ProviderInstance;
import io.embedgate.catalog.ResolvedModel;
import io.embedgate.debug.Trace;
import io.embedgate.limits.RequestMemory;
import io.embedgate.spi.Deadline;
import io.embedgate.spi.EmbeddingInputs;
import io.embedgate.spi.ModelCapabilities;
import io.embedgate.spi.OutputDtype;

/** Models, candidates and jobs for routing unit tests, without a running application (no clients: nothing is called). */
final class Jobs {

    static final RoutingPolicy.RetryPolicy NO_RETRY = new RoutingPolicy.RetryPolicy(0, Set.of(), Duration.ofMillis(100),
            Duration.ofSeconds(1), Duration.ofSeconds(5));

    private Jobs() {
    }

    /** A model served by one candidate per named instance (instance name = provider type). */
    static ResolvedModel model(String id, ModelCapabilities caps, String... instances) {
        List<Candidate> candidates = Arrays.stream(instances)
                .map(name -> new Candidate(new ProviderInstance(name, name, false, 1, 0, null), id, caps)).toList();
        return new ResolvedModel(new CatalogModel(id, candidates, List.of(), caps), candidates, Optional.empty());
    }

    /** A job for {@code texts} inputs at the model's default size, with the given fallbacks and load balancer. */
    static EmbeddingJob job(ResolvedModel model, int texts, OutputDtype dtype, List<ResolvedModel> fallbacks,
            List<RoutingPolicy.Weighted> loadBalancer) {
        return job(model, texts, OptionalInt.empty(), dtype, new RoutingPolicy(RoutingPolicy.Preferences.NONE, NO_RETRY, fallbacks,
                loadBalancer));
    }

    static EmbeddingJob job(ResolvedModel model, int texts, OptionalInt dimensions, OutputDtype dtype, RoutingPolicy policy) {
        EmbeddingInputs inputs = new EmbeddingInputs.Texts(Collections.nCopies(texts, "text"));
        return new EmbeddingJob(model, inputs, dimensions, dtype, true, Optional.empty(), Map.of(), Optional.empty(),
                Deadline.after(Duration.ofSeconds(30)),
                policy, EmbeddingJob.Attribution.NONE, Optional.empty(), Trace.OFF, false, RequestMemory.NONE);
    }
}
