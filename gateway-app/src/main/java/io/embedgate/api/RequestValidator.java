package io.embedgate.api;

import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.Validator;

import io.embedgate.auth.KeyPolicy;
import io.embedgate.catalog.Catalog;
import io.embedgate.catalog.ResolvedModel;
import io.embedgate.config.GatewayConfig;
import io.embedgate.debug.Trace;
import io.embedgate.limits.RequestMemory;
import io.embedgate.routing.EmbeddingJob;
import io.embedgate.routing.RoutingPolicy;
import io.embedgate.spi.Deadline;
import io.embedgate.spi.EmbeddingInputs;

/**
 * Turns a parsed request into a routable job, or rejects it with a 4xx naming the field. The checks
 * run in the order below and the first that fails answers, so one body always gets the same error.
 */
@ApplicationScoped
public class RequestValidator {

    @Inject
    Validator validator;
    @Inject
    Catalog catalog;
    @Inject
    GatewayConfig config;
    @Inject
    RoutingPolicyRules routing;
    @Inject
    CacheAndDeadline cacheAndDeadline;

    /** A request of a key without a policy (tools and tests). */
    public EmbeddingJob validate(EmbeddingRequest request, Trace trace) {
        return validate(request, trace, KeyPolicy.open(null));
    }

    /**
     * @param trace the request's debug trace (see {@link DebugFlags})
     * @param key   what the request's gateway key may use: its models are narrowed to that first
     */
    public EmbeddingJob validate(EmbeddingRequest request, Trace trace, KeyPolicy key) {
        if (request == null) {
            throw ApiException.invalid(null, "The request body is required: a JSON object with 'model' and 'input'.");
        }
        FieldConstraints.require(validator, request);
        EmbeddingInputs inputs = InputRules.inputs(request, config.limits().maxInputs());
        int keyMax = key.maxInputs(config.limits().maxInputs());
        if (inputs.size() > keyMax) {
            throw ApiException.invalid(request.input() != null ? "input" : "inputs", "The request has " + inputs.size()
                    + " inputs; gateway key '" + key.keyId() + "' may send at most " + keyMax + " per request.");
        }
        ResolvedModel model = key.restrict(catalog.resolve(request.model()), "model");
        EmbeddingOptions options = EmbeddingOptions.parse(request.embeddingOptions(), catalog::adapter);
        OutputShape shape = OutputShape.of(request.dimensions(), options, model);
        InputRules.requireAccepted(inputs, model, request);
        RoutingPolicy policy = routing.policy(model, shape.size(), request.provider(), request.orq(), key);
        Optional<Duration> cacheTtl = cacheAndDeadline.cacheTtl(request.orq());
        Deadline deadline = cacheAndDeadline.deadline(request.orq());
        options.requireInputTypeAgrees(model.candidates());
        return new EmbeddingJob(model, inputs, shape.dimensions(), shape.dtype(), options.normalize(), options.inputType(),
                options.forwarded(),
                Optional.ofNullable(request.user()), deadline, policy, attribution(request.orq()), cacheTtl, trace,
                "base64".equals(request.encodingFormat()), RequestMemory.NONE);
    }

    /** Who asked ({@code orq.name}, {@code orq.contact.id}): for logs and usage only. */
    private static EmbeddingJob.Attribution attribution(RoutingFields.Orq orq) {
        return orq == null ? EmbeddingJob.Attribution.NONE
                : new EmbeddingJob.Attribution(Optional.ofNullable(orq.name()),
                        Optional.ofNullable(orq.contact()).map(RoutingFields.Contact::id));
    }
}
