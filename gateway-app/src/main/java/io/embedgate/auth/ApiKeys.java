package io.embedgate.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.embedgate.config.GatewayConfig;
import io.quarkus.runtime.Startup;

/**
 * The gateway keys: those in configuration and those created through the admin API
 * ({@link RuntimeKeys}). Only SHA-256 hashes are kept; a presented key is hashed and compared
 * against every configured hash in constant time, so neither a match nor its position leaks
 * through timing.
 */
@Startup // its warnings (no keys, a key without a hash) at start-up, not at the first request
@Singleton
public class ApiKeys {

    private static final Logger LOG = Logger.getLogger(ApiKeys.class);

    private record Entry(String id, byte[] hash) {
    }

    private final List<Entry> entries = new ArrayList<>();
    private final Map<String, KeySpec> specs = new HashMap<>();
    private final Map<String, KeyPolicy> policies = new HashMap<>();
    private final RuntimeKeys runtime;
    private final boolean authEnabled;

    @Inject
    public ApiKeys(GatewayConfig config, RuntimeKeys runtime) {
        this.authEnabled = config.auth().enabled();
        this.runtime = runtime;
        config.auth().keys().forEach((id, key) -> {
            Optional<String> hex = key.sha256().map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty());
            if (hex.isEmpty()) {
                LOG.warnf("Gateway key '%s' has no sha256 and is ignored", id);
                return;
            }
            if (!hex.get().matches("[0-9a-f]{64}")) {
                throw new IllegalStateException("gateway.auth.keys." + id + ".sha256 must be 64 hex characters (the SHA-256 of the key)");
            }
            entries.add(new Entry(id, HexFormat.of().parseHex(hex.get())));
            KeySpec spec = KeySpec.of(id, key);
            specs.put(id, spec);
            policies.put(id, spec.policy(id));
        });
        if (entries.isEmpty() && config.auth().enabled()) {
            LOG.warn("No gateway keys are configured: every /v1 request will get 401 unless a key is created through the admin API."
                    + " See docs/operations.md, 'Gateway keys'.");
        }
        if (!config.auth().enabled()) {
            LOG.warn("gateway.auth.enabled=false: /v1 routes accept requests without a key");
        }
    }

    /** The id of the key, if {@code presented} is one of the configured keys or a runtime key in force. */
    public Optional<String> authenticate(String presented) {
        byte[] hash = sha256(presented);
        String match = null;
        for (Entry e : entries) {
            // No early exit: every entry is compared, whatever matched.
            if (MessageDigest.isEqual(e.hash(), hash)) {
                match = e.id();
            }
        }
        // Runtime keys are found by their hash in a map: what an attacker controls is the key, not its
        // hash, so the lookup's timing says nothing useful about any stored hash.
        return match != null ? Optional.of(match) : runtime.authenticate(hash, Instant.now());
    }

    /**
     * Whether requests authenticated with this key id may use {@code debug}. With authentication
     * turned off (local experiments) there is no key to ask, and debug is open like everything else.
     */
    public boolean debugAllowed(String keyId) {
        if (keyId == null) {
            return !authEnabled;
        }
        KeySpec spec = specs.get(keyId);
        return spec != null ? spec.debugAllowed() : runtime.debugAllowed(keyId);
    }

    /** What requests with this key may use; everything for a key without a policy, or without a key (authentication off). */
    public KeyPolicy policy(String keyId) {
        if (keyId == null) {
            return KeyPolicy.open(null);
        }
        KeyPolicy p = policies.get(keyId);
        if (p == null) {
            p = runtime.policy(keyId);
        }
        return p != null ? p : KeyPolicy.open(keyId);
    }

    /** The keys defined in configuration, by id. */
    public Map<String, KeySpec> configured() {
        return java.util.Collections.unmodifiableMap(specs);
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
