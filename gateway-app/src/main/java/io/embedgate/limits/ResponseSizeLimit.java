package io.embedgate.limits;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.embedgate.api.ApiException;
import io.embedgate.config.GatewayConfig;
import io.embedgate.routing.EmbeddingJob;
import io.embedgate.spi.OutputDtype;

/**
 * The largest response a deployment can return, when it has one ({@code gateway.limits.max-response-size};
 * an AWS Lambda function's response is at most 6 MB). An answer over it gets a 413 that says how
 * large it would be and what to change, never a response the platform drops or cuts. Checked twice:
 * before routing against the least the answer can weigh (so an impossible request costs no upstream
 * call), and by the response writer, which then prints each response whole (up to the limit, in the
 * request's memory estimate) instead of streaming it.
 */
@ApplicationScoped
public class ResponseSizeLimit {

    /** An item's text besides its vector: {"object":"embedding","index":2047,"embedding":...}, */
    static final int ITEM_BYTES = 48;

    @Inject
    GatewayConfig config;

    /** The limit in bytes, or 0 for none. */
    public long maxBytes() {
        return config.limits().maxResponseSize().map(s -> s.asLongValue()).orElse(0L);
    }

    /** Memory a response printed whole holds, for the request's memory estimate: the most it can take, at most the limit. */
    public long heldWhole(EmbeddingJob job) {
        long max = maxBytes();
        if (max == 0) {
            return 0;
        }
        int values = job.vectorLength(job.model().model().capabilities());
        // at most 16 bytes a printed number with its comma ("-1.2345678E-10,"); base64 takes less
        return Math.min(max, (long) job.inputs().size() * (ITEM_BYTES + 16L * values));
    }

    /** Rejects, before any upstream call, a request whose answer cannot fit whatever the vectors hold. */
    public void checkBeforeRouting(EmbeddingJob job) {
        long max = maxBytes();
        if (max > 0) {
            long least = leastBytes(job);
            if (least > max) {
                throw tooLarge("at least " + mb(least), max);
            }
        }
    }

    /** The fewest bytes the answer can take: base64 text is exact, a printed number is at least a digit and a comma. */
    static long leastBytes(EmbeddingJob job) {
        OutputDtype dtype = job.dtype();
        int values = job.vectorLength(job.model().model().capabilities());
        long perVector = job.base64Output() && dtype == OutputDtype.FLOAT ? 2 + 4L * ((4L * values + 2) / 3) : 2L * values;
        return (long) job.inputs().size() * (ITEM_BYTES + perVector);
    }

    /** The 413 for an answer of {@code size} MB (e.g. "at least 6.4") over {@code max} bytes. */
    public static ApiException tooLarge(String size, long max) {
        return new ApiException(413, "invalid_request_error", "response_too_large", "input",
                "The answer would be " + size + " MB, more than this deployment can return ("
                        + mb(max) + " MB, gateway.limits.max-response-size). Send fewer inputs per request, ask for fewer dimensions, "
                        + "or use encoding_format=base64 (about a third of the size of printed floats).",
                null);
    }

    public static String mb(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f", bytes / 1e6);
    }
}
