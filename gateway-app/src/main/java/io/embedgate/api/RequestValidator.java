package io.embedgate.api;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

import io.embedgate.catalog.Catalog;
import io.embedgate.catalog.ResolvedModel;
import io.embedgate.config.GatewayConfig;
import io.embedgate.routing.EmbeddingJob;
import io.embedgate.spi.Deadline;
import io.embedgate.spi.EmbeddingInputs;
import io.embedgate.spi.ModelCapabilities;

/**
 * Turns a parsed request into a routable job, or rejects it with a 4xx naming the field. Order of
 * checks: body, field constraints, input/inputs, model, model-specific rules.
 */
@ApplicationScoped
public class RequestValidator {

    @Inject
    Validator validator;
    @Inject
    Catalog catalog;
    @Inject
    GatewayConfig config;

    public EmbeddingJob validate(EmbeddingRequest request) {
        if (request == null) {
            throw ApiException.invalid(null, "The request body is required: a JSON object with 'model' and 'input'.");
        }
        Set<ConstraintViolation<EmbeddingRequest>> violations = validator.validate(request);
        if (!violations.isEmpty()) {
            // Report one field, deterministically: the first in declaration order.
            ConstraintViolation<EmbeddingRequest> v = violations.stream()
                    .min((a, b) -> Integer.compare(order(a), order(b))).orElseThrow();
            String field = jsonName(v.getPropertyPath().toString());
            throw ApiException.invalid(field, v.getMessage());
        }
        EmbeddingInputs inputs = inputs(request);
        ResolvedModel model = catalog.resolve(request.model());
        ModelCapabilities caps = model.model().capabilities();
        OptionalInt dims = OptionalInt.empty();
        if (request.dimensions() != null) {
            int d = request.dimensions();
            if (!caps.reducible()) {
                throw ApiException.invalid("dimensions", "Model '" + model.model().id()
                        + "' does not support specifying dimensions; it always returns " + caps.nativeDimensions() + ".");
            }
            if (!caps.allowsDimensions(d)) {
                throw ApiException.invalid("dimensions", "dimensions must be between " + caps.minDimensions() + " and "
                        + caps.maxDimensions() + " for model '" + model.model().id() + "', got " + d + ".");
            }
            // The native size is what the model returns anyway; not sending it keeps upstream calls identical.
            if (d != caps.nativeDimensions()) {
                dims = OptionalInt.of(d);
            }
        }
        if (inputs instanceof EmbeddingInputs.TokenIds && model.candidates().stream().noneMatch(c -> c.capabilities().tokenIdInput())) {
            throw ApiException.invalid(request.input() != null ? "input" : "inputs", "Model '" + model.model().id()
                    + "' does not accept token-id input; send text instead.");
        }
        return new EmbeddingJob(model, inputs, dims, Optional.ofNullable(request.user()), Deadline.after(config.routing().timeout()));
    }

    private EmbeddingInputs inputs(EmbeddingRequest request) {
        EmbeddingInputs input = request.input();
        EmbeddingInputs alias = request.inputs();
        if (input == null && alias == null) {
            throw ApiException.invalid("input", "input is required: " + InputDeserializer.SHAPES + ".");
        }
        if (input != null && alias != null && !same(input, alias)) {
            throw ApiException.invalid("inputs", "input and inputs are aliases; send one, or the same value in both.");
        }
        EmbeddingInputs in = input != null ? input : alias;
        String field = input != null ? "input" : "inputs";
        if (in.size() == 0) {
            throw ApiException.invalid(field, field + " must not be empty.");
        }
        int max = config.limits().maxInputs();
        if (in.size() > max) {
            throw ApiException.invalid(field, field + " has " + in.size() + " items; at most " + max + " are allowed per request.");
        }
        return in;
    }

    private static boolean same(EmbeddingInputs a, EmbeddingInputs b) {
        if (a instanceof EmbeddingInputs.Texts ta && b instanceof EmbeddingInputs.Texts tb) {
            return ta.values().equals(tb.values());
        }
        if (a instanceof EmbeddingInputs.TokenIds ta && b instanceof EmbeddingInputs.TokenIds tb) {
            List<int[]> x = ta.values();
            List<int[]> y = tb.values();
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!Arrays.equals(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    private static final List<String> ORDER = List.of("model", "input", "inputs", "encodingFormat", "dimensions", "user");

    private static int order(ConstraintViolation<?> v) {
        int i = ORDER.indexOf(v.getPropertyPath().toString());
        return i < 0 ? ORDER.size() : i;
    }

    private static String jsonName(String property) {
        return switch (property) {
            case "encodingFormat" -> "encoding_format";
            default -> property;
        };
    }
}
