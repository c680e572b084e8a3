package io.embedgate.cache;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Cache keys of single inputs. A key is the SHA-256 of everything that changes a vector: the
 * embedding space, upstream model, dimensions, element type, normalisation, task type and title,
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
     * @param taskType      provider task type, or null
     * @param title         document title, or null
     */
    public static CacheKeys forRequest(String space, String upstreamModel, int dimensions, String dtype, boolean normalized,
            String taskType, String title) {
        MessageDigest d = sha256();
        field(d, "embedgate-cache-v1");
        field(d, space);
        field(d, upstreamModel);
        field(d, Integer.toString(dimensions));
        field(d, dtype);
        field(d, normalized ? "1" : "0");
        field(d, taskType == null ? "" : taskType);
        field(d, title == null ? "" : title);
        return new CacheKeys(d);
    }

    /** The 32-byte key of a text input. */
    public byte[] text(String input) {
        MessageDigest d = copy();
        d.update((byte) 'T');
        d.update(input.getBytes(StandardCharsets.UTF_8));
        return d.digest();
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
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
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
