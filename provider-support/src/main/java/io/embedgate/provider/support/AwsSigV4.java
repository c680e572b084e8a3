package io.embedgate.provider.support;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4 for a JSON POST (Bedrock's {@code InvokeModel}): the headers that sign one
 * request. Small and dependency-free on purpose; it follows AWS's published algorithm step by step and
 * is tested against AWS's signing-key example and a request vector. Two details that a hand-rolled
 * signer usually gets wrong are handled here: the path is signed <em>as sent and then encoded once
 * more</em> ({@code %3A} in a model id becomes {@code %253A}), and the session token is signed too.
 */
public final class AwsSigV4 {

    private static final String ALGORITHM = "AWS4-HMAC-SHA256";
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final HexFormat HEX = HexFormat.of();

    /**
     * AWS credentials. {@link #toString()} never shows the secret or the session token.
     *
     * @param sessionToken present for temporary credentials (STS, SSO, an instance role)
     */
    public record Credentials(String accessKeyId, String secretAccessKey, Optional<String> sessionToken) {

        public Credentials {
            Objects.requireNonNull(accessKeyId, "accessKeyId");
            Objects.requireNonNull(secretAccessKey, "secretAccessKey");
            sessionToken = sessionToken == null ? Optional.empty() : sessionToken.filter(t -> !t.isBlank());
        }

        @Override
        public String toString() {
            return "Credentials[accessKeyId=" + accessKeyId + ", secretAccessKey=***"
                    + (sessionToken.isPresent() ? ", sessionToken=***" : "")
                    + "]";
        }
    }

    private AwsSigV4() {
    }

    /**
     * The headers to add to a request so that AWS accepts it: {@code X-Amz-Date},
     * {@code X-Amz-Security-Token} (temporary credentials only) and {@code Authorization}.
     *
     * @param method  e.g. {@code POST}
     * @param host    the {@code Host} header's value, e.g. {@code bedrock-runtime.us-east-1.amazonaws.com}
     * @param rawPath the path exactly as it goes on the wire, already percent-encoded per segment
     * @param headers further headers the request carries and that are to be signed (e.g. content-type)
     * @param body    the exact body bytes
     * @param service the signing name, e.g. {@code bedrock} (not the endpoint prefix {@code bedrock-runtime})
     */
    public static Map<String, String> sign(String method, String host, String rawPath, Map<String, String> headers, byte[] body,
            Credentials credentials, String region, String service, Instant now) {
        String amzDate = AMZ_DATE.format(now);
        String date = amzDate.substring(0, 8);
        TreeMap<String, String> signed = new TreeMap<>();
        headers.forEach((k, v) -> signed.put(k.toLowerCase(Locale.ROOT), canonicalValue(v)));
        signed.put("host", canonicalValue(host));
        signed.put("x-amz-date", amzDate);
        credentials.sessionToken().ifPresent(t -> signed.put("x-amz-security-token", t));
        String signedHeaders = String.join(";", signed.keySet());
        String scope = date + "/" + region + "/" + service + "/aws4_request";
        String stringToSign = ALGORITHM + "\n" + amzDate + "\n" + scope + "\n"
                + hex(sha256(canonicalRequest(method, rawPath, signed, hex(sha256(body))).getBytes(StandardCharsets.UTF_8)));
        String signature = hex(hmac(signingKey(credentials.secretAccessKey(), date, region, service), stringToSign));
        Map<String, String> out = new LinkedHashMap<>();
        out.put("X-Amz-Date", amzDate);
        credentials.sessionToken().ifPresent(t -> out.put("X-Amz-Security-Token", t));
        out.put("Authorization", ALGORITHM + " Credential=" + credentials.accessKeyId() + "/" + scope + ", SignedHeaders=" + signedHeaders
                + ", Signature=" + signature);
        return out;
    }

    /** Method, canonical path, (empty) query, sorted headers, signed-header list and payload hash, one per line. */
    static String canonicalRequest(String method, String rawPath, TreeMap<String, String> signed, String payloadHash) {
        StringBuilder b = new StringBuilder(256);
        b.append(method).append('\n').append(canonicalUri(rawPath)).append('\n').append('\n');
        signed.forEach((k, v) -> b.append(k).append(':').append(v).append('\n'));
        b.append('\n').append(String.join(";", signed.keySet())).append('\n').append(payloadHash);
        return b.toString();
    }

    /**
     * The path as sent, percent-encoded once more (every service but S3 signs it so): unreserved
     * characters and {@code /} stay, everything else (including the {@code %} of an escape) is
     * encoded with upper-case hex. An empty path is {@code /}.
     */
    static String canonicalUri(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        StringBuilder b = new StringBuilder(rawPath.length() + 16);
        for (byte x : rawPath.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~'
                    || c == '/') {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return b.toString();
    }

    /** Trimmed, runs of spaces collapsed to one. */
    static String canonicalValue(String v) {
        return v.trim().replaceAll(" +", " ");
    }

    /** The HMAC chain from the secret: date, region, service, {@code aws4_request}. */
    static byte[] signingKey(String secret, String date, String region, String service) {
        byte[] k = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date);
        k = hmac(k, region);
        k = hmac(k, service);
        return hmac(k, "aws4_request");
    }

    static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    static String hex(byte[] b) {
        return HEX.formatHex(b);
    }
}
