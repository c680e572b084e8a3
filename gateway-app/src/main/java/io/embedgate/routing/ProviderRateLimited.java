package io.embedgate.routing;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import io.embedgate.spi.UpstreamException;

/**
 * The failure of a candidate the router did not call because it has no headroom ({@link Headroom}),
 * and of a request whose every candidate was such: a 429 {@code provider_rate_limited} with the
 * earliest estimated refill as retry-after. Told apart from a provider's own 429 by its status 0: no
 * reply was involved.
 */
public final class ProviderRateLimited {

    public static final String CODE = "provider_rate_limited";

    private ProviderRateLimited() {
    }

    /** {@code instance} was skipped: it has no headroom for about {@code wait}. */
    static UpstreamException skipped(String instance, Duration wait) {
        return new UpstreamException(instance, UpstreamException.Kind.RATE_LIMITED, 0, "rate_limit_error", CODE,
                "provider '" + instance + "' is at its rate limit for about " + wait.toMillis() + " ms", false, wait, null);
    }

    /** True for the router's own refusal, never for a provider's 429. */
    public static boolean is(UpstreamException e) {
        return e.httpStatus() == 0 && e.kind() == UpstreamException.Kind.RATE_LIMITED && CODE.equals(e.errorCode().orElse(null));
    }

    /** The request's failure when every candidate it could use was skipped: instances named, the earliest refill as retry-after. */
    static UpstreamException all(List<UpstreamException> skipped) {
        Map<String, Duration> soonest = new LinkedHashMap<>();
        for (UpstreamException e : skipped) {
            Duration wait = e.retryAfter().orElse(Duration.ZERO);
            soonest.merge(e.provider(), wait, (a, b) -> a.compareTo(b) <= 0 ? a : b);
        }
        Duration earliest = soonest.values().stream().min(Duration::compareTo).orElse(Duration.ZERO);
        StringJoiner names = new StringJoiner(", ");
        soonest.forEach((name, wait) -> names.add(name + " (about " + wait.toMillis() + " ms)"));
        return new UpstreamException(String.join(", ", soonest.keySet()), UpstreamException.Kind.RATE_LIMITED, 0, "rate_limit_error",
                CODE, "Every provider instance that could serve this request is at its rate limit: " + names
                        + ". No provider was called; retry after the time given.",
                false, earliest, null);
    }
}
