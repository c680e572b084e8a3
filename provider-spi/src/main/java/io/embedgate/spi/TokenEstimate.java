package io.embedgate.spi;

import java.nio.charset.StandardCharsets;

/**
 * Token counts without a tokenizer, for providers that report none (Gemini) and for splitting
 * batches to a provider's token budget (Mistral).
 */
public final class TokenEstimate {

    private TokenEstimate() {
    }

    /** Best guess for usage: about four UTF-8 bytes per token for English text, at least one. */
    public static long usage(String text) {
        return Math.max(1, (utf8Length(text) + 3) / 4);
    }

    /** Best guess for a call's usage: the texts' estimates summed; token ids count exactly. */
    public static long usage(EmbeddingInputs inputs) {
        long tokens = 0;
        if (inputs instanceof EmbeddingInputs.Texts t) {
            for (String s : t.values()) {
                tokens += usage(s);
            }
        } else {
            for (int[] ids : ((EmbeddingInputs.TokenIds) inputs).values()) {
                tokens += ids.length;
            }
        }
        return tokens;
    }

    /**
     * A deliberately high estimate (one token per two UTF-8 bytes) for staying under a provider's
     * per-request token cap: over-splitting costs a call, under-splitting costs a failed request.
     */
    public static long upperBound(String text) {
        return Math.max(1, (utf8Length(text) + 1) / 2);
    }

    static int utf8Length(String s) {
        int n = s.length();
        int bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                bytes += c >= 0x800 && !Character.isSurrogate(c) ? 2 : 1;
            }
        }
        return bytes;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
