package io.embedgate.routing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import io.embedgate.catalog.Candidate;
import io.embedgate.spi.EmbeddingInputs;
import io.embedgate.spi.Matryoshka;
import io.embedgate.spi.ModelCapabilities;
import io.embedgate.spi.OutputDtype;

/**
 * What one candidate is asked for, and what the gateway does with its answer to give the client what it
 * asked for: the vectors at full size when the gateway shortens them itself (a Matryoshka model on a
 * server without a size parameter), floats when the provider cannot return the element type (the
 * gateway quantises), and the texts with the model's prefix for the input type when the provider has no
 * input-type option of its own.
 *
 * @param dimensions the size to ask the provider for; empty for the model's default
 * @param size       the size the provider's vectors must have
 * @param dtype      the element type the provider is asked for
 * @param shorten    the recipe the gateway shortens with, when it does
 * @param quantize   true when the gateway turns the provider's floats into the client's element type
 * @param prefix     the text prefix added to every input, when there is one
 */
record CallShape(OptionalInt dimensions, int size, OutputDtype dtype, Optional<Matryoshka> shorten, boolean quantize,
        Optional<String> prefix) {

    static CallShape of(Candidate c, EmbeddingJob job) {
        ModelCapabilities caps = c.capabilities();
        int wanted = job.outputDimensions(caps);
        Optional<Matryoshka> shorten = c.shortenedByGateway().filter(m -> wanted != caps.nativeDimensions());
        boolean nativeType = caps.dtypes().contains(job.dtype());
        Optional<String> prefix = job.inputType().flatMap(t -> c.inputTypes().prefix(t));
        return new CallShape(c.shortenedByGateway().isPresent() ? OptionalInt.empty() : job.dimensions(),
                shorten.isPresent() ? caps.nativeDimensions() : wanted, nativeType ? job.dtype() : OutputDtype.FLOAT, shorten,
                !nativeType, prefix);
    }

    /** This provider type's options as sent: the client's, plus the provider's value for the input type. */
    static Map<String, Object> options(Candidate c, EmbeddingJob job) {
        Map<String, Object> own = job.providerOptions().getOrDefault(c.instance().type(), Map.of());
        Optional<String> mapped = job.inputType().flatMap(t -> c.inputTypes().value(t));
        if (mapped.isEmpty() || own.containsKey(c.inputTypes().option().get())) {
            return own;
        }
        Map<String, Object> out = new HashMap<>(own);
        out.put(c.inputTypes().option().get(), mapped.get());
        return Map.copyOf(out);
    }

    /** For the debug trace: what the gateway does for this candidate beyond passing the request on. */
    List<String> explain(Candidate c, EmbeddingJob job) {
        List<String> notes = new ArrayList<>(3);
        String who = c.instance().name();
        job.inputType().ifPresent(t -> {
            Optional<String> mapped = c.inputTypes().value(t);
            if (mapped.isPresent()) {
                notes.add(who + ": input_type " + t.wireName() + " sent as " + c.inputTypes().option().get() + "=" + mapped.get());
            } else if (prefix.isPresent()) {
                notes.add(who + ": input_type " + t.wireName() + " sent as the model's text prefix '" + prefix.get() + "'");
            } else {
                notes.add(who + ": input_type " + t.wireName() + " has no equivalent at this provider; its default applies");
            }
        });
        shorten.ifPresent(m -> notes.add(who + ": " + size + " dimensions asked for, shortened by the gateway to "
                + job.outputDimensions(c.capabilities()) + " (Matryoshka, " + m.wireName() + ")"));
        if (quantize && job.dtype() != OutputDtype.FLOAT) {
            notes.add(who + ": floats asked for, quantised by the gateway to " + job.dtype().wireName());
        }
        return notes;
    }

    /** The inputs as sent: with the prefix on every text (token ids are sent as they are). */
    EmbeddingInputs inputs(EmbeddingInputs inputs) {
        if (prefix.isEmpty() || !(inputs instanceof EmbeddingInputs.Texts t)) {
            return inputs;
        }
        List<String> out = new ArrayList<>(t.values().size());
        for (String s : t.values()) {
            out.add(prefix.get() + s);
        }
        return new EmbeddingInputs.Texts(out);
    }
}
