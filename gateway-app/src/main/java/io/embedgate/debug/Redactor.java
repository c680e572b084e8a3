package io.embedgate.debug;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.embedgate.config.GatewayConfig;
import io.embedgate.spi.Secrets;

/**
 * The one place that makes upstream traffic safe to show a client: every configured provider key
 * (and every instance setting that holds a credential) is masked wherever it appears (headers, URL, bodies), so are headers and query parameters named like
 * credentials and anything shaped like a provider key; vectors and long texts are truncated with a
 * note saying how much was left out.
 */
@Singleton
public class Redactor {

    /** Number arrays longer than this are cut to their first values (a vector is noise in a trace). */
    static final int MAX_NUMBERS = 8;
    /** Other arrays (e.g. 2048 inputs) keep this many items. */
    static final int MAX_ITEMS = 32;
    /** Strings (base64 vectors, long texts) keep this many characters. */
    static final int MAX_STRING = 256;
    static final int MAX_RAW_BODY = 8192;

    private static final Pattern SENSITIVE_NAME = Pattern.compile("(?i).*(auth|key|token|secret|cookie|signature|password|credential).*");
    private static final Pattern QUERY_PARAM = Pattern.compile("([?&])([^=&#]+)=([^&#]*)");

    private final List<String> secrets;
    private final ObjectMapper json = new ObjectMapper();

    @Inject
    public Redactor(GatewayConfig config) {
        this(config.providers().values().stream().flatMap(p -> java.util.stream.Stream.concat(p.apiKey().stream(),
                p.settings().entrySet().stream().filter(e -> Secrets.isSecretSetting(e.getKey())).map(Map.Entry::getValue))).toList());
    }

    Redactor(List<String> providerKeys) {
        List<String> keys = new ArrayList<>();
        providerKeys.stream().filter(k -> k.length() >= 4).forEach(keys::add);
        keys.sort(Comparator.comparingInt(String::length).reversed()); // a key containing another is masked whole
        this.secrets = List.copyOf(keys);
    }

    /** Text with every configured key and key-shaped token masked. */
    public String text(String s) {
        if (s == null) {
            return null;
        }
        String out = s;
        for (String k : secrets) {
            out = out.replace(k, Secrets.MASK);
        }
        return Secrets.redact(out, null);
    }

    public Map<String, Object> headers(Map<String, ?> headers) {
        Map<String, Object> out = new LinkedHashMap<>();
        headers.forEach((name, value) -> {
            boolean sensitive = SENSITIVE_NAME.matcher(name).matches();
            if (value instanceof List<?> list) {
                out.put(name, list.stream().map(v -> sensitive ? Secrets.MASK : text(String.valueOf(v))).toList());
            } else {
                out.put(name, sensitive ? Secrets.MASK : text(String.valueOf(value)));
            }
        });
        return out;
    }

    /** The URL with credential-like query parameters masked (e.g. Google's {@code ?key=}). */
    public String url(String url) {
        Matcher m = QUERY_PARAM.matcher(text(url));
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String value = SENSITIVE_NAME.matcher(m.group(2)).matches() ? Secrets.MASK : m.group(3);
            m.appendReplacement(b, Matcher.quoteReplacement(m.group(1) + m.group(2) + "=" + value));
        }
        m.appendTail(b);
        return b.toString();
    }

    /** A body as JSON when it is JSON (redacted, truncated), else as text. */
    public JsonNode body(byte[] body) {
        if (body == null || body.length == 0) {
            return JsonNodeFactory.instance.nullNode();
        }
        try {
            return shrink(json.readTree(body));
        } catch (IOException notJson) {
            String s = new String(body, 0, Math.min(body.length, MAX_RAW_BODY), StandardCharsets.UTF_8);
            return TextNode.valueOf(text(s) + (body.length > MAX_RAW_BODY ? "... (" + body.length + " bytes, truncated)" : ""));
        }
    }

    private JsonNode shrink(JsonNode n) {
        if (n.isTextual()) {
            String s = text(n.textValue());
            return TextNode.valueOf(s.length() <= MAX_STRING ? s
                    : s.substring(0, MAX_STRING) + "... (" + s.length() + " characters, truncated)");
        }
        if (n.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            Iterator<Map.Entry<String, JsonNode>> fields = n.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                boolean sensitive = SENSITIVE_NAME.matcher(f.getKey()).matches() && f.getValue().isTextual();
                out.set(f.getKey(), sensitive ? TextNode.valueOf(Secrets.MASK) : shrink(f.getValue()));
            }
            return out;
        }
        if (n.isArray()) {
            boolean numbers = n.size() > 0 && n.get(0).isNumber();
            int keep = numbers ? MAX_NUMBERS : MAX_ITEMS;
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < n.size() && i < keep; i++) {
                out.add(shrink(n.get(i)));
            }
            if (n.size() > keep) {
                out.add("... " + (n.size() - keep) + " more " + (numbers ? "values" : "items") + " (truncated)");
            }
            return out;
        }
        return n;
    }
}
