package io.embedgate.api;

import java.util.Arrays;
import java.util.List;

import io.embedgate.catalog.ResolvedModel;
import io.embedgate.spi.EmbeddingInputs;

/** What may be embedded: {@code input} or its alias {@code inputs}, how many items, and token ids only where a provider takes them. */
final class InputRules {

    private InputRules() {
    }

    /** The request's inputs: one of the two fields (or both, equal), not empty, at most {@code max} items. */
    static EmbeddingInputs inputs(EmbeddingRequest request, int max) {
        EmbeddingInputs input = request.input();
        EmbeddingInputs alias = request.inputs();
        if (input == null && alias == null) {
            throw ApiException.invalid("input", "input is required: " + InputDeserializer.SHAPES + ".");
        }
        if (input != null && alias != null && !same(input, alias)) {
            throw ApiException.invalid("inputs", "input and inputs are aliases; send one, or the same value in both.");
        }
        EmbeddingInputs in = input != null ? input : alias;
        String field = fieldName(request);
        if (in.size() == 0) {
            throw ApiException.invalid(field, field + " must not be empty.");
        }
        if (in.size() > max) {
            throw ApiException.invalid(field, field + " has " + in.size() + " items; at most " + max + " are allowed per request.");
        }
        return in;
    }

    /** Token ids are a 400 unless at least one provider serving the model accepts them. */
    static void requireAccepted(EmbeddingInputs inputs, ResolvedModel model, EmbeddingRequest request) {
        if (inputs instanceof EmbeddingInputs.TokenIds && model.candidates().stream().noneMatch(c -> c.capabilities().tokenIdInput())) {
            throw ApiException.invalid(fieldName(request), "Model '" + model.model().id()
                    + "' does not accept token-id input; send text instead.");
        }
    }

    /** The field the client used, for error messages: {@code input} when it sent that one. */
    private static String fieldName(EmbeddingRequest request) {
        return request.input() != null ? "input" : "inputs";
    }

    static boolean same(EmbeddingInputs a, EmbeddingInputs b) {
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
}
