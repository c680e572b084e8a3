package io.embedgate.fakes;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How AWS checks a SigV4-signed request, as the fake Bedrock does it (providers-more.md 1.6 "How a fake
 * verifies a request"): the credential's key id, its scope (date, region, service, terminator), the
 * clock window, then the signature rebuilt from the <em>raw</em> path (percent-encoded once more) and
 * only the headers the client signed, compared in constant time. Written apart from the gateway's
 * signer on purpose, so that each checks the other.
 */
public final class FakeSigV4 {

    /** What AWS answers instead: the {@code x-amzn-ErrorType} and the message. */
    public record Refusal(String type, String message) {
    }

    /** One key pair the fake knows; {@code sessionToken} non-null for temporary credentials. */
    public record Credential(String secret, String sessionToken) {

        @Override
        public String toString() {
            return "Credential[***]";
        }
    }

    public static final String SIGNATURE_MISMATCH = "The request signature we calculated does not match the signature you provided. "
            + "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
    static final Duration WINDOW = Duration.ofMinutes(5);
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final String ALGORITHM = "AWS4-HMAC-SHA256";

    private FakeSigV4() {
    }

    /**
     * The reason to refuse a request, or null when its signature holds.
     *
     * @param rawPath     the path exactly as received, before any decoding
     * @param headers     a request header's values by lower-case name (empty list when absent)
     * @param credentials the key pair of an access key id, null when unknown
     */
    public static Refusal verify(String method, String rawPath, Function<String, List<String>> headers, byte[] body,
            Function<String, Credential> credentials, String region, String service, Instant now) {
        String authorization = first(headers, "authorization");
        if (authorization == null || !authorization.startsWith(ALGORITHM + " ")) {
            return new Refusal("MissingAuthenticationTokenException", "Missing Authentication Token");
        }
        Map<String, String> fields = fields(authorization.substring(ALGORITHM.length() + 1));
        String credential = fields.get("Credential");
        String signedHeaders = fields.get("SignedHeaders");
        String signature = fields.get("Signature");
        if (credential == null || signedHeaders == null || signature == null) {
            return new Refusal("IncompleteSignatureException",
                    "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.");
        }
        String[] scope = credential.split("/");
        if (scope.length != 5) {
            return new Refusal("IncompleteSignatureException", "Credential is malformed.");
        }
        Credential known = credentials.apply(scope[0]);
        if (known == null) {
            return new Refusal("UnrecognizedClientException", "The security token included in the request is invalid.");
        }
        String amzDate = first(headers, "x-amz-date");
        List<String> signed = List.of(signedHeaders.split(";"));
        if (amzDate == null || !signed.contains("host") || !signed.contains("x-amz-date")) {
            return new Refusal("IncompleteSignatureException", "The request must sign the host and x-amz-date headers.");
        }
        if (!scope[1].equals(amzDate.substring(0, Math.min(8, amzDate.length())))) {
            return new Refusal("InvalidSignatureException",
                    "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '"
                            + scope[1] + "' != '" + amzDate.substring(0, Math.min(8, amzDate.length())) + "', from '" + amzDate + "'.");
        }
        if (!scope[2].equals(region)) {
            return new Refusal("InvalidSignatureException", "Credential should be scoped to a valid region.");
        }
        if (!scope[3].equals(service)) {
            return new Refusal("InvalidSignatureException", "Credential should be scoped to correct service: '" + service + "'.");
        }
        if (!scope[4].equals("aws4_request")) {
            return new Refusal("InvalidSignatureException", "Credential should be scoped with a valid terminator: 'aws4_request'.");
        }
        Instant signedAt;
        try {
            signedAt = Instant.from(AMZ_DATE.parse(amzDate));
        } catch (DateTimeParseException e) {
            return new Refusal("IncompleteSignatureException", "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\".");
        }
        if (signedAt.isBefore(now.minus(WINDOW))) {
            return new Refusal("InvalidSignatureException", "Signature expired: " + amzDate + " is now earlier than "
                    + AMZ_DATE.format(now.minus(WINDOW)) + " (" + AMZ_DATE.format(now) + " - 5 min.)");
        }
        if (signedAt.isAfter(now.plus(WINDOW))) {
            return new Refusal("InvalidSignatureException", "Signature not yet current: " + amzDate + " is still later than "
                    + AMZ_DATE.format(now.plus(WINDOW)) + " (" + AMZ_DATE.format(now) + " + 5 min.)");
        }
        if (known.sessionToken() != null) {
            String token = first(headers, "x-amz-security-token");
            if (token == null || !constantTimeEquals(token, known.sessionToken())) {
                return new Refusal("UnrecognizedClientException", "The security token included in the request is invalid.");
            }
            if (!signed.contains("x-amz-security-token")) {
                return new Refusal("InvalidSignatureException", SIGNATURE_MISMATCH);
            }
        }
        String payloadHash = first(headers, "x-amz-content-sha256");
        if (payloadHash == null) {
            payloadHash = hex(sha256(body));
        }
        StringBuilder canonical = new StringBuilder(256).append(method).append('\n').append(canonicalUri(rawPath)).append("\n\n");
        for (String name : signed) {
            List<String> values = new ArrayList<>();
            for (String v : headers.apply(name)) {
                values.add(v.trim().replaceAll(" +", " "));
            }
            canonical.append(name).append(':').append(String.join(",", values)).append('\n');
        }
        canonical.append('\n').append(signedHeaders).append('\n').append(payloadHash);
        String stringToSign = ALGORITHM + "\n" + amzDate + "\n" + String.join("/", scope[1], scope[2], scope[3], scope[4]) + "\n"
                + hex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + known.secret()).getBytes(StandardCharsets.UTF_8), scope[1]);
        key = hmac(key, scope[2]);
        key = hmac(key, scope[3]);
        key = hmac(key, "aws4_request");
        String expected = hex(hmac(key, stringToSign));
        return constantTimeEquals(expected, signature) ? null : new Refusal("InvalidSignatureException", SIGNATURE_MISMATCH);
    }

    /** {@code Credential=..., SignedHeaders=..., Signature=...}, fields separated by commas. */
    private static Map<String, String> fields(String s) {
        Map<String, String> out = new java.util.HashMap<>();
        for (String part : s.split(",")) {
            String p = part.trim();
            int eq = p.indexOf('=');
            if (eq > 0) {
                out.put(p.substring(0, eq), p.substring(eq + 1));
            }
        }
        return out;
    }

    /** The raw path percent-encoded once more: unreserved characters and {@code /} stay, upper-case hex. */
    static String canonicalUri(String rawPath) {
        if (rawPath.isEmpty()) {
            return "/";
        }
        StringBuilder b = new StringBuilder();
        for (byte x : rawPath.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (Character.isLetterOrDigit(c) && c < 0x80 || "-_.~/".indexOf(c) >= 0) {
                b.append((char) c);
            } else {
                b.append(String.format(Locale.ROOT, "%%%02X", c));
            }
        }
        return b.toString();
    }

    private static String first(Function<String, List<String>> headers, String name) {
        List<String> v = headers.apply(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
