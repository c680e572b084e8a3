package io.embedgate.testing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/** The gateway key the tests use, and how its configured hash is made. */
public final class TestKeys {

    public static final String GATEWAY_KEY = "eg-test-0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    public static final String BEARER = "Bearer " + GATEWAY_KEY;
    /** A second gateway key (id "other"), for tenancy tests. */
    public static final String OTHER_KEY = "eg-test-other-99887766554433221100ffeeddcc";

    private TestKeys() {
    }

    public static String sha256(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
