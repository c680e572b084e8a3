package io.embedgate.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.embedgate.config.GatewayConfig;
import io.embedgate.ratelimit.Budgets;
import io.embedgate.ratelimit.Rates;
import io.quarkus.runtime.Startup;

/**
 * The gateway keys. Only SHA-256 hashes are configured; a presented key is hashed and compared
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
    private final java.util.Set<String> debugAllowed = new java.util.HashSet<>();
    private final java.util.Map<String, KeyPolicy> policies = new java.util.HashMap<>();
    private final boolean authEnabled;

    @Inject
    public ApiKeys(GatewayConfig config) {
        this.authEnabled = config.auth().enabled();
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
            if (key.debugAllowed()) {
                debugAllowed.add(id);
            }
            key.maxInputsPerRequest().ifPresent(n -> {
                if (n < 1) {
                    throw new IllegalStateException("gateway.auth.keys." + id + ".max-inputs-per-request must be at least 1");
                }
            });
            Rates rates = new Rates(key.requestsPerMinute(), key.inputsPerMinute(), key.tokensPerMinute());
            for (var limit : List.of(key.requestsPerMinute(), key.inputsPerMinute(), key.tokensPerMinute())) {
                if (limit.isPresent() && limit.getAsInt() < 1) {
                    throw new IllegalStateException("gateway.auth.keys." + id + ": a per-minute limit must be at least 1");
                }
            }
            Budgets budgets = new Budgets(key.tokenBudgetPerDay(), key.tokenBudgetPerMonth(), key.costBudgetPerDay(),
                    key.costBudgetPerMonth());
            budgets.limits().forEach(b -> {
                if (b.limit().signum() <= 0) {
                    throw new IllegalStateException("gateway.auth.keys." + id + ": a budget must be more than 0");
                }
            });
            policies.put(id, new KeyPolicy(id, key.allowedModels().orElse(List.of()), key.allowedProviders().orElse(List.of()),
                    key.maxInputsPerRequest(), rates, budgets));
        });
        if (entries.isEmpty() && config.auth().enabled()) {
            LOG.warn("No gateway keys are configured: every /v1 request will get 401. See docs/operations.md, 'Gateway keys'.");
        }
        if (!config.auth().enabled()) {
            LOG.warn("gateway.auth.enabled=false: /v1 routes accept requests without a key");
        }
    }

    /** The id of the key, if {@code presented} is one of the configured keys. */
    public Optional<String> authenticate(String presented) {
        byte[] hash = sha256(presented);
        String match = null;
        for (Entry e : entries) {
            // No early exit: every entry is compared, whatever matched.
            if (MessageDigest.isEqual(e.hash(), hash)) {
                match = e.id();
            }
        }
        return Optional.ofNullable(match);
    }

    /**
     * Whether requests authenticated with this key id may use {@code debug}. With authentication
     * turned off (local experiments) there is no key to ask, and debug is open like everything else.
     */
    public boolean debugAllowed(String keyId) {
        return keyId == null ? !authEnabled : debugAllowed.contains(keyId);
    }

    /** What requests with this key may use; everything for a key without a policy, or without a key (authentication off). */
    public KeyPolicy policy(String keyId) {
        KeyPolicy p = keyId == null ? null : policies.get(keyId);
        return p != null ? p : KeyPolicy.open(keyId);
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
