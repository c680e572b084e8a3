package io.embedgate.spi;

/**
 * How large a provider's successful replies are, per vector value, in its wire format: what a
 * reply usually takes (for the gateway's memory budget) and the most a valid one can take (a
 * reply body larger than that is cut off as invalid while it is read, however it arrives).
 *
 * @param typicalBytesPerValue e.g. 5.34 for base64 float32, about 12 for compact JSON numbers
 * @param maxBytesPerValue     the longest a value can legitimately print, separators and indentation included
 */
public record ReplySize(double typicalBytesPerValue, double maxBytesPerValue) {

    /** Base64 of float32 values: 4 bytes as 16/3 characters. */
    public static final double BASE64_FLOAT32 = 16.0 / 3;
    /** Room per vector for its JSON frame (object, index, keys, quotes; indented when pretty-printed). */
    public static final int FRAME_BYTES_PER_VECTOR = 512;
    /** Room per reply for everything besides the vectors (model, usage, headers of the JSON). */
    public static final int SLACK_BYTES = 64 * 1024;
    /** An in-process model: no reply body at all. */
    public static final ReplySize NONE = new ReplySize(0, 0);

    public ReplySize {
        if (typicalBytesPerValue < 0 || maxBytesPerValue < typicalBytesPerValue) {
            throw new IllegalArgumentException("need 0 <= typical <= max bytes per value");
        }
    }

    /** What a reply of {@code vectors} vectors of {@code values} values usually takes. */
    public long typical(int vectors, int values) {
        return this == NONE || typicalBytesPerValue == 0 ? 0 : (long) Math.ceil(vectors * (values * typicalBytesPerValue + 64)) + 1024;
    }

    /** The most a valid reply of {@code vectors} vectors of {@code values} values can take. */
    public long max(int vectors, int values) {
        return maxBytesPerValue == 0 ? 0 : (long) Math.ceil(vectors * (values * maxBytesPerValue + FRAME_BYTES_PER_VECTOR)) + SLACK_BYTES;
    }
}
