package io.embedgate.spi;

import java.util.regex.Pattern;

/** Keeps provider keys out of anything that leaves the process. */
public final class Secrets {

    public static final String MASK = "[REDACTED]";

    // Shapes of common provider keys, caught even when a provider echoes someone else's key.
    // Cloud credentials too: JWTs (Entra ID tokens, signed assertions), Google access tokens, AWS
    // access key ids, Bedrock API keys, Entra client secrets and PEM private keys (also JSON-escaped).
    private static final Pattern KEY_SHAPES = Pattern.compile("(sk-[A-Za-z0-9_\\-.]{6,}|AIza[0-9A-Za-z_\\-]{20,}"
            + "|(?i:bearer)\\s+[A-Za-z0-9_\\-.~+/]{8,}=*"
            + "|eyJ[A-Za-z0-9_\\-]{8,}\\.[A-Za-z0-9_\\-]{8,}\\.[A-Za-z0-9_\\-]*"
            + "|ya29\\.[A-Za-z0-9_\\-.]{8,}"
            + "|\\b(?:AKIA|ASIA)[A-Z0-9]{16}\\b"
            + "|bedrock-api-key-[A-Za-z0-9+/=_\\-.]{8,}|\\bABSK[A-Za-z0-9+/=]{20,}"
            + "|[A-Za-z0-9_~.\\-]{3}\\dQ~[A-Za-z0-9_~.\\-]{31,34}"
            + "|-----BEGIN [A-Z ]*PRIVATE KEY-----[^-]*-----END [A-Z ]*PRIVATE KEY-----)");

    /** Names of instance settings whose values are credentials (a secret key, a session token, a client secret). */
    private static final Pattern SECRET_SETTING = Pattern.compile("(?i).*(secret|token|password|private|credentials-json|api-key).*");

    private Secrets() {
    }

    /** What an upstream error type or code may look like to be passed on: a short identifier. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    /**
     * An upstream identifier (an error type or code) fit to be passed on, or null: a short token that
     * neither contains {@code key} nor looks like a key. Unlike a message, which is redacted, such a
     * value is dropped whole: a client that matches on codes must never see a key as one.
     */
    public static String token(String value, String key) {
        if (value == null || !TOKEN.matcher(value).matches() || KEY_SHAPES.matcher(value).find()) {
            return null;
        }
        return key != null && key.length() >= 4 && value.contains(key) ? null : value;
    }

    /** Whether an instance setting of this name holds a credential, to be masked wherever its value appears. */
    public static boolean isSecretSetting(String name) {
        return SECRET_SETTING.matcher(name).matches();
    }

    /** Removes {@code key} and anything shaped like a provider key from {@code text}. */
    public static String redact(String text, String key) {
        if (text == null) {
            return null;
        }
        String out = text;
        if (key != null && key.length() >= 4) {
            out = out.replace(key, MASK);
        }
        return KEY_SHAPES.matcher(out).replaceAll(MASK);
    }
}
