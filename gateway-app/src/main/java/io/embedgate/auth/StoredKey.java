package io.embedgate.auth;

import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A key created through the admin API, as kept in Redis: the SHA-256 of the key (never the key), the
 * hash it replaced while a rotation's grace lasts, its state and dates, and its policy. A revoked key
 * stays as a tombstone so its id is never reused: usage, cache partitions and rate-limit buckets
 * belong to an id.
 */
public record StoredKey(String id, String sha256, Optional<String> previousSha256, Optional<Instant> previousValidUntil, boolean revoked,
        Instant createdAt, Optional<Instant> rotatedAt, Optional<Instant> revokedAt, KeySpec spec) {

    /** What an id may look like: it appears in messages, logs, metrics and Redis keys. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Whether requests may present the previous key now. */
    public boolean previousValid(Instant now) {
        return !revoked && previousSha256.isPresent() && previousValidUntil.isPresent() && now.isBefore(previousValidUntil.get());
    }

    public String toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", id);
        n.put("sha256", sha256);
        previousSha256.ifPresent(h -> n.put("previous_sha256", h));
        previousValidUntil.ifPresent(t -> n.put("previous_valid_until", t.toString()));
        n.put("status", revoked ? "revoked" : "active");
        n.put("created_at", createdAt.toString());
        rotatedAt.ifPresent(t -> n.put("rotated_at", t.toString()));
        revokedAt.ifPresent(t -> n.put("revoked_at", t.toString()));
        spec.description().ifPresent(d -> n.put("description", d));
        n.set("policy", KeySpecJson.write(spec));
        return n.toString();
    }

    /**
     * Reads a stored value. Redis is outside the process: anything malformed is an
     * {@link IllegalArgumentException}, and the key is left out rather than half-trusted.
     */
    public static StoredKey parse(String json) {
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON");
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        String id = text(n, "id").filter(s -> ID.matcher(s).matches()).orElseThrow(() -> new IllegalArgumentException("bad id"));
        String hash = text(n, "sha256").filter(s -> HEX.matcher(s).matches()).orElseThrow(() -> new IllegalArgumentException("bad sha256"));
        Optional<String> previous = text(n, "previous_sha256");
        if (previous.isPresent() && !HEX.matcher(previous.get()).matches()) {
            throw new IllegalArgumentException("bad previous_sha256");
        }
        String status = text(n, "status").orElse("");
        if (!status.equals("active") && !status.equals("revoked")) {
            throw new IllegalArgumentException("bad status");
        }
        KeySpec spec;
        try {
            spec = KeySpecJson.read(n.get("policy"), n.get("description"), "policy");
        } catch (KeySpec.Invalid e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        return new StoredKey(id, hash, previous, instant(n, "previous_valid_until"), status.equals("revoked"),
                instant(n, "created_at").orElseThrow(() -> new IllegalArgumentException("no created_at")), instant(n, "rotated_at"),
                instant(n, "revoked_at"), spec);
    }

    /** The lower-case hex SHA-256 of a key. */
    public static String hash(String key) {
        return HexFormat.of().formatHex(ApiKeys.sha256(key));
    }

    private static Optional<String> text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isTextual() ? Optional.of(v.asText()) : Optional.empty();
    }

    private static Optional<Instant> instant(JsonNode n, String field) {
        Optional<String> t = text(n, field);
        try {
            return t.map(Instant::parse);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("bad " + field);
        }
    }
}
