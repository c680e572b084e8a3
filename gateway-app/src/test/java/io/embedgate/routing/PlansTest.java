package io.embedgate.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.embedgate.catalog.ResolvedModel;
import io.embedgate.spi.ModelCapabilities;
import io.embedgate.spi.OutputDtype;
import io.embedgate.testing.FakeUpstreamsResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * {@link Plans}: what is tried after the primary, at which size, and the note for each fallback left
 * out. Models are built here (cross-model fallbacks are off in the test deployment); instance names
 * unknown to {@link ProviderHealth} count as healthy and unmeasured.
 */
@QuarkusTest
@WithTestResource(FakeUpstreamsResource.class)
class PlansTest {

    private static final ResolvedModel LARGE = Jobs.model("large", ModelCapabilities.builder(3072).reducibleFrom(1).maxInputsPerCall(2048)
            .build(), "p-openai");
    private static final ResolvedModel CODESTRAL = Jobs.model("codestral", ModelCapabilities.builder(1536).reducibleBetween(1, 3072)
            .maxInputsPerCall(512).dtypes(EnumSet.allOf(OutputDtype.class)).build(), "p-mistral");
    private static final ResolvedModel MISTRAL_EMBED = Jobs.model("mistral-embed", ModelCapabilities.fixed(1024, 512), "p-mistral");
    private static final ResolvedModel GEMINI = Jobs.model("gemini",
            ModelCapabilities.builder(3072).reducibleFrom(128).maxInputsPerCall(100)
                    .build(),
            "p-google");

    @Inject
    ProviderHealth health;

    @Test
    void withoutFallbacksTheRequestsModelIsTheOnlyPlan() {
        EmbeddingJob job = Jobs.job(LARGE, 1, OutputDtype.FLOAT, List.of(), List.of());
        List<String> notes = new ArrayList<>();
        List<Plan> plans = plans(job, notes);
        assertEquals(1, plans.size());
        assertEquals(job, plans.get(0).job());
        assertEquals(LARGE.candidates(), plans.get(0).candidates());
        assertEquals(List.of(), notes);
    }

    @Test
    void fallbacksKeepThePrimarysSizeAskingForItOnlyWhereItIsNotTheDefault() {
        EmbeddingJob job = Jobs.job(LARGE, 1, OptionalInt.of(1024), OutputDtype.FLOAT, policy(List.of(CODESTRAL, MISTRAL_EMBED)));
        List<String> notes = new ArrayList<>();
        List<Plan> plans = plans(job, notes);
        assertEquals(List.of("large", "codestral", "mistral-embed"), plans.stream().map(p -> p.job().model().model().id()).toList());
        assertEquals(OptionalInt.of(1024), plans.get(1).job().dimensions());
        assertEquals(OptionalInt.empty(), plans.get(2).job().dimensions(), "1024 is mistral-embed's own size");
        assertEquals(List.of(), notes);
    }

    @Test
    void aFallbackThatCannotMatchIsLeftOutWithANote() {
        List<String> notes = new ArrayList<>();
        List<Plan> plans = plans(Jobs.job(LARGE, 1, OptionalInt.of(64), OutputDtype.FLOAT,
                policy(List.of(MISTRAL_EMBED, GEMINI))), notes);
        assertEquals(1, plans.size());
        assertEquals(List.of("fallback mistral-embed skipped: it yields 1024 dimensions, the request needs 64",
                "fallback gemini skipped: it yields 3072 dimensions (128-3072), the request needs 64"), notes);

        notes.clear();
        plans = plans(Jobs.job(CODESTRAL, 1, OptionalInt.of(1024), OutputDtype.INT8, policy(List.of(MISTRAL_EMBED))), notes);
        assertEquals(1, plans.size());
        assertEquals(List.of("fallback mistral-embed skipped: it cannot return int8"), notes);
    }

    @Test
    void aFallbackWhoseProvidersAreAllExcludedIsLeftOutWithANote() {
        RoutingPolicy.Preferences ignoreMistral = new RoutingPolicy.Preferences(List.of(), Set.of(),
                Set.of(new RoutingPolicy.ProviderRef("p-mistral", false)), false);
        RoutingPolicy policy = new RoutingPolicy(ignoreMistral, Jobs.NO_RETRY, List.of(CODESTRAL), List.of());
        List<String> notes = new ArrayList<>();
        List<Plan> plans = plans(Jobs.job(LARGE, 1, OptionalInt.of(1536), OutputDtype.FLOAT, policy), notes);
        assertEquals(1, plans.size());
        assertEquals(List.of("fallback codestral skipped: the provider preferences exclude all its providers"), notes);
    }

    @Test
    void aFallbackAlreadyPlannedIsNotTriedTwice() {
        List<String> notes = new ArrayList<>();
        assertEquals(1, plans(Jobs.job(LARGE, 1, OutputDtype.FLOAT, List.of(LARGE), List.of()), notes).size());
        assertEquals(List.of(), notes);
    }

    @Test
    void theBalancersPickOfAnotherModelKeepsTheRequestsSize() {
        List<String> notes = new ArrayList<>();
        RoutingPolicy balanced = new RoutingPolicy(RoutingPolicy.Preferences.NONE, Jobs.NO_RETRY, List.of(),
                List.of(new RoutingPolicy.Weighted(CODESTRAL, 1)));
        List<Plan> plans = plans(Jobs.job(LARGE, 1, OptionalInt.of(1536), OutputDtype.FLOAT, balanced), notes);
        assertEquals(1, plans.size());
        assertEquals("codestral", plans.get(0).job().model().model().id());
        assertEquals(OptionalInt.empty(), plans.get(0).job().dimensions(), "1536 is codestral's own size");
        assertEquals(List.of("load balancer picked codestral"), notes);
    }

    @Test
    void balancerEntriesOfTheSameModelShareOnePlan() {
        ResolvedModel a = Jobs.model("large", LARGE.model().capabilities(), "p-a");
        ResolvedModel b = Jobs.model("large", LARGE.model().capabilities(), "p-b");
        EmbeddingJob job = Jobs.job(a, 1, OutputDtype.FLOAT, List.of(),
                List.of(new RoutingPolicy.Weighted(a, 1), new RoutingPolicy.Weighted(b, 1)));
        List<String> notes = new ArrayList<>();
        List<Plan> plans = plans(job, notes);
        assertEquals(1, plans.size());
        assertEquals(Set.of("p-a", "p-b"), Set.copyOf(plans.get(0).candidates().stream().map(c -> c.instance().name()).toList()));
        assertEquals(List.of(), notes);
    }

    private List<Plan> plans(EmbeddingJob job, List<String> notes) {
        return new Plans(health, new Headroom(java.util.Map.of(), true, System::nanoTime)).of(job, notes);
    }

    private static RoutingPolicy policy(List<ResolvedModel> fallbacks) {
        return new RoutingPolicy(RoutingPolicy.Preferences.NONE, Jobs.NO_RETRY, fallbacks, List.of());
    }
}
