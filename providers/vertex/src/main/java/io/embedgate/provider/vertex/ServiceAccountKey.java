package io.embedgate.provider.vertex;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * A Google service account key (the JSON file the console hands out), parsed and checked once, and
 * the RS256-signed JWT assertion it exchanges for an access token (RFC 7523, as google-auth does).
 * Holds the private key: {@link #toString()} shows the account only, and no error message carries any
 * part of the file.
 */
final class ServiceAccountKey {

    static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform";
    static final String DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token";
    /** Google accepts assertions of at most an hour. */
    static final long LIFETIME_SECONDS = 3600;

    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final Pattern PEM = Pattern.compile("-----(BEGIN|END) PRIVATE KEY-----");

    private final String clientEmail;
    private final String privateKeyId;
    private final URI tokenUri;
    private final String projectId;
    private final PrivateKey privateKey;

    private ServiceAccountKey(String clientEmail, String privateKeyId, URI tokenUri, String projectId, PrivateKey privateKey) {
        this.clientEmail = clientEmail;
        this.privateKeyId = privateKeyId;
        this.tokenUri = tokenUri;
        this.projectId = projectId;
        this.privateKey = privateKey;
    }

    /** A key file that cannot be used; the message names what is wrong, never a value from the file. */
    static final class InvalidKey extends Exception {

        InvalidKey(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Parses and checks a key file's content: a {@code service_account}, an email, an RSA PKCS#8 key,
     * a token URI that is https (or http on a loopback address, for tests: a key must not send its
     * signed assertion in clear text to an arbitrary host).
     */
    static ServiceAccountKey parse(String json) throws InvalidKey {
        Map<String, String> f = fields(json);
        if (!"service_account".equals(f.get("type"))) {
            throw new InvalidKey("is not a service account key (its \"type\" is not \"service_account\")");
        }
        String email = f.get("client_email");
        if (email == null || email.isBlank() || !email.contains("@")) {
            throw new InvalidKey("has no client_email");
        }
        String pem = f.get("private_key");
        if (pem == null || pem.isBlank()) {
            throw new InvalidKey("has no private_key");
        }
        PrivateKey key = privateKey(pem);
        String uri = f.getOrDefault("token_uri", DEFAULT_TOKEN_URI);
        return new ServiceAccountKey(email, f.get("private_key_id"), tokenUri(uri), f.get("project_id"), key);
    }

    private static Map<String, String> fields(String json) throws InvalidKey {
        Map<String, String> out = new HashMap<>();
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidKey("is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                if (p.nextToken() == JsonToken.VALUE_STRING) {
                    out.put(name, p.getText());
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            // Jackson's message quotes the text around the error: it could be part of the key.
            throw new InvalidKey("is not valid JSON");
        }
        return out;
    }

    private static PrivateKey privateKey(String pem) throws InvalidKey {
        if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
            throw new InvalidKey("has a private_key that is not a PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----)");
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(PEM.matcher(pem).replaceAll(""));
            PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
            if (!(key instanceof RSAPrivateKey rsa) || rsa.getModulus().bitLength() < 2048) {
                throw new InvalidKey("has a private_key that is not an RSA key of at least 2048 bits");
            }
            return key;
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new InvalidKey("has a private_key that cannot be read as an RSA key");
        }
    }

    private static URI tokenUri(String value) throws InvalidKey {
        URI uri;
        try {
            uri = URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidKey("has a token_uri that is not a URL");
        }
        String scheme = String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http") && loopback(uri.getHost()))) {
            throw new InvalidKey("has a token_uri that is neither https nor on a loopback address (the signed assertion must not travel "
                    + "in clear text)");
        }
        return uri;
    }

    /** Loopback by name or literal address only: no DNS lookup decides where a signed assertion goes. */
    static boolean loopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false;
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress(); // a literal: parsed, not resolved
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The signed JWT for the token endpoint, valid for an hour from {@code now}. */
    String assertion(Instant now) {
        String header = json(g -> {
            g.writeStringField("alg", "RS256");
            g.writeStringField("typ", "JWT");
            if (privateKeyId != null) {
                g.writeStringField("kid", privateKeyId);
            }
        });
        long iat = now.getEpochSecond();
        String claims = json(g -> {
            g.writeStringField("iss", clientEmail);
            g.writeStringField("scope", SCOPE);
            g.writeStringField("aud", tokenUri.toString());
            g.writeNumberField("iat", iat);
            g.writeNumberField("exp", iat + LIFETIME_SECONDS);
        });
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String signingInput = b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(privateKey);
            rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + b64.encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            // The key was checked at start-up; only a broken JRE gets here. No detail: it could name the key.
            throw new IllegalStateException("could not sign the service account assertion (" + e.getClass().getSimpleName() + ")");
        }
    }

    private interface Fields {

        void write(JsonGenerator g) throws IOException;
    }

    private static String json(Fields fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    URI tokenUri() {
        return tokenUri;
    }

    String clientEmail() {
        return clientEmail;
    }

    /** The key's project, the default when {@code settings.project} is not set (as Google's libraries do). */
    String projectId() {
        return projectId;
    }

    @Override
    public String toString() {
        return "ServiceAccountKey[" + clientEmail + ", token_uri=" + tokenUri + "]";
    }
}
