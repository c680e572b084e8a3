package io.embedgate.provider.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

class AwsSigV4Test {

    static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    static final AwsSigV4.Credentials CREDENTIALS = new AwsSigV4.Credentials("AKIDEXAMPLE", SECRET, Optional.empty());
    static final String HOST = "bedrock-runtime.us-east-1.amazonaws.com";
    static final String PATH = "/model/amazon.titan-embed-text-v2%3A0/invoke";
    static final byte[] BODY = "{\"inputText\":\"hello world\",\"dimensions\":256,\"normalize\":true}".getBytes(StandardCharsets.UTF_8);
    static final Instant WHEN = Instant.parse("2026-01-15T12:00:00Z");

    /** AWS's documented signing-key example (secret, 20150830, us-east-1, iam). */
    @Test
    void signingKeyMatchesAwsExample() {
        assertEquals("c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9",
                AwsSigV4.hex(AwsSigV4.signingKey(SECRET, "20150830", "us-east-1", "iam")));
    }

    /** The reference's Bedrock request vector: payload hash, canonical request hash and the whole header. */
    @Test
    void signsABedrockInvokeLikeTheReferenceVector() {
        assertEquals("dd0928c23237d56e3129e4c7fd6f7d3d98e0c710d7e36001488af794136be2a0", AwsSigV4.hex(AwsSigV4.sha256(BODY)));
        TreeMap<String, String> signed = new TreeMap<>(Map.of("content-type", "application/json", "host", HOST, "x-amz-date",
                "20260115T120000Z"));
        String canonical = AwsSigV4.canonicalRequest("POST", PATH, signed, AwsSigV4.hex(AwsSigV4.sha256(BODY)));
        assertTrue(canonical.startsWith("POST\n/model/amazon.titan-embed-text-v2%253A0/invoke\n\n"), canonical);
        assertEquals("89337ee250c3f779b0cd1b1112c033078d290e9e36bd8aad54df2cc14265ede8",
                AwsSigV4.hex(AwsSigV4.sha256(canonical.getBytes(StandardCharsets.UTF_8))));
        Map<String, String> headers = AwsSigV4.sign("POST", HOST, PATH, Map.of("Content-Type", "application/json"), BODY, CREDENTIALS,
                "us-east-1", "bedrock", WHEN);
        assertEquals("20260115T120000Z", headers.get("X-Amz-Date"));
        assertEquals("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260115/us-east-1/bedrock/aws4_request, "
                + "SignedHeaders=content-type;host;x-amz-date, Signature=681a685bef767b027d902390a12a0926d5b74f2cbb8f17cc6054ed55d0b4de62",
                headers.get("Authorization"));
        assertFalse(headers.containsKey("X-Amz-Security-Token"));
    }

    @Test
    void aSessionTokenIsSentAndSigned() {
        AwsSigV4.Credentials temporary = new AwsSigV4.Credentials("ASIAEXAMPLE", SECRET, Optional.of("FwoGZXIvYXdzEXAMPLETOKEN"));
        Map<String, String> headers = AwsSigV4.sign("POST", HOST, PATH, Map.of("Content-Type", "application/json"), BODY, temporary,
                "us-east-1", "bedrock", WHEN);
        assertEquals("FwoGZXIvYXdzEXAMPLETOKEN", headers.get("X-Amz-Security-Token"));
        assertTrue(headers.get("Authorization").contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token,"));
        assertFalse(temporary.toString().contains("EXAMPLETOKEN") || temporary.toString().contains(SECRET));
    }

    @Test
    void theSignatureCoversPathBodyAndRegion() {
        String base = sig(PATH, BODY, "us-east-1");
        assertNotEquals(base, sig("/model/amazon.titan-embed-text-v2:0/invoke", BODY, "us-east-1"));
        assertNotEquals(base, sig(PATH, "{}".getBytes(StandardCharsets.UTF_8), "us-east-1"));
        assertNotEquals(base, sig(PATH, BODY, "eu-west-1"));
        assertEquals(base, sig(PATH, BODY, "us-east-1"));
    }

    @Test
    void canonicalPathIsEncodedOnceMore() {
        assertEquals("/model/us.cohere.embed-v4%253A0/invoke", AwsSigV4.canonicalUri("/model/us.cohere.embed-v4%3A0/invoke"));
        assertEquals("/model/arn%253Aaws%253Abedrock%252Fx/invoke", AwsSigV4.canonicalUri("/model/arn%3Aaws%3Abedrock%2Fx/invoke"));
        assertEquals("/", AwsSigV4.canonicalUri(""));
        assertEquals("a b", AwsSigV4.canonicalValue("  a    b "));
    }

    static String sig(String path, byte[] body, String region) {
        return AwsSigV4.sign("POST", HOST, path, Map.of("Content-Type", "application/json"), body, CREDENTIALS, region, "bedrock", WHEN)
                .get("Authorization");
    }
}
