package io.embedgate.ratelimit;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * A gateway key's rate limits, per minute: requests, inputs and tokens (tokens estimated before the
 * call, settled from the provider's usage after it). Each limited dimension is a token bucket holding
 * one minute's worth, refilled continuously.
 */
public record Rates(OptionalInt requestsPerMinute, OptionalInt inputsPerMinute, OptionalInt tokensPerMinute) {

    public static final Rates NONE = new Rates(OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty());

    /** What one request costs in each dimension. */
    public record Cost(long inputs, long tokens) {
    }

    /** One limited dimension: its name in headers and keys, its limit per minute, and a request's cost in it. */
    public record Dimension(String name, long limit, long cost) {
    }

    public boolean none() {
        return requestsPerMinute.isEmpty() && inputsPerMinute.isEmpty() && tokensPerMinute.isEmpty();
    }

    /** The limited dimensions with this request's cost in each, in a fixed order. */
    public List<Dimension> dimensions(Cost cost) {
        List<Dimension> out = new ArrayList<>(3);
        requestsPerMinute.ifPresent(l -> out.add(new Dimension("requests", l, 1)));
        inputsPerMinute.ifPresent(l -> out.add(new Dimension("inputs", l, cost.inputs())));
        tokensPerMinute.ifPresent(l -> out.add(new Dimension("tokens", l, cost.tokens())));
        return out;
    }
}
