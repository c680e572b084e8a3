package io.embedgate.cache;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Cache keys of single inputs. A key is the SHA-256 of everything that changes a vector: the
 * embedding space, upstream model, dimensions, element type, normalisation, provider options and input type,
 * then the input itself (text or token ids). The shared part is hashed once per request; each input
 * continues from a copy of that state, so a 256-input batch costs one prefix plus 256 short hashes.
 * Fields are length-prefixed so no two different field lists can hash alike.
 */
public final class CacheKeys {

    private final MessageDigest prefix;

    private CacheKeys(MessageDigest prefix) {
        this.prefix = prefix;
    }

    /**
     * @param space         the public model id (one id = one vector space)
     * @param upstreamModel the model name at the provider
     * @param dimensions    the output size actually produced
     * @param dtype         output element type, e.g. {@code float}
     * @param normalized    whether vectors are returned unit-length
     * @param options       the provider options that reach upstream, or null
     * @param inputType     the gateway's input type (it may become a text prefix), or null
     */
    public static CacheKeys forRequest(String space, String upstreamModel, int dimensions, String dtype, boolean normalized,
            String options, String inputType) {
        MessageDigest d = sha256();
        field(d, "embedgate-cache-v1");
        field(d, space);
        field(d, upstreamModel);
        field(d, Integer.toString(dimensions));
        field(d, dtype);
        field(d, normalized ? "1" : "0");
        field(d, options == null ? "" : options);
        field(d, inputType == null ? "" : inputType);
        return new CacheKeys(d);
    }

    /**
     * The 32-byte key of a text input. Well-formed text is hashed as UTF-8; text with a lone
     * surrogate (JSON can carry one as an escape) as its UTF-16 code units under another tag, because
     * UTF-8 would turn it into '?' and give {@code "a\ud800"} the key of {@code "a?"}.
     */
    public byte[] text(String input) {
        MessageDigest d = copy();
        if (wellFormed(input)) {
            d.update((byte) 'T');
            d.update(input.getBytes(StandardCharsets.UTF_8));
        } else {
            d.update((byte) 'U');
            d.update(utf16(input));
        }
        return d.digest();
    }

    /** The UTF-16 code units as they are, two bytes each (the JDK's UTF-16 encoder also turns a lone surrogate into '?'). */
    private static byte[] utf16(String s) {
        byte[] b = new byte[s.length() * 2];
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b[2 * i] = (byte) (c >>> 8);
            b[2 * i + 1] = (byte) c;
        }
        return b;
    }

    /** False when {@code s} holds a surrogate that is not half of a pair. */
    static boolean wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return false;
                }
            }
        }
        return true;
    }

    /** The 32-byte key of a token-id input. */
    public byte[] tokens(int[] input) {
        MessageDigest d = copy();
        d.update((byte) 'I');
        byte[] buf = new byte[input.length * 4];
        for (int i = 0; i < input.length; i++) {
            int t = input[i];
            buf[4 * i] = (byte) (t >>> 24);
            buf[4 * i + 1] = (byte) (t >>> 16);
            buf[4 * i + 2] = (byte) (t >>> 8);
            buf[4 * i + 3] = (byte) t;
        }
        d.update(buf);
        return d.digest();
    }

    private MessageDigest copy() {
        try {
            return (MessageDigest) prefix.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 digest is not cloneable", e);
        }
    }

    private static void field(MessageDigest d, String value) {
        // As for texts: UTF-16 behind a 0xFF byte (never part of UTF-8) when a lone surrogate would not survive UTF-8.
        byte[] b;
        if (wellFormed(value)) {
            b = value.getBytes(StandardCharsets.UTF_8);
        } else {
            byte[] utf16 = utf16(value);
            b = new byte[utf16.length + 1];
            b[0] = (byte) 0xFF;
            System.arraycopy(utf16, 0, b, 1, utf16.length);
        }
        d.update((byte) (b.length >>> 24));
        d.update((byte) (b.length >>> 16));
        d.update((byte) (b.length >>> 8));
        d.update((byte) b.length);
        d.update(b);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
