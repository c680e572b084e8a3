package io.embedgate.providers;

import static io.embedgate.testing.Api.embed;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.embedgate.fakes.FakeGoogleToken;
import io.embedgate.fakes.FakeVertex;
import io.embedgate.fakes.Fault;
import io.embedgate.testing.InjectFake;
import io.embedgate.testing.LeakCheck;
import io.embedgate.testing.VertexResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * No Vertex credential reaches a response, a full debug trace or a DEBUG log line: the private key
 * (PEM, and JSON-escaped as in the key file and settings.credentials-json), the whole credentials JSON,
 * the access tokens issued and configured, and the signed assertion, on successes, a refused token, a
 * provider error that echoes the token, and a failing token endpoint.
 */
@QuarkusTest
@WithTestResource(VertexResource.class)
class VertexSecretsTest {

    @InjectFake
    FakeVertex vertex;
    @InjectFake
    FakeGoogleToken tokens;
    @InjectFake
    VertexResource.Secrets secrets;

    @Test
    void noCredentialLeaks() {
        vertex.reset();
        tokens.reset();
        embed(req("vertex/text-embedding-005")).then().statusCode(200); // a token issued before the checks
        // Vertex echoing the token it refused, once per run of the request (with and without debug).
        Fault echo = Fault.rewrite(b -> io.embedgate.fakes.FakeGemini.errorBody(401, "UNAUTHENTICATED",
                "Request had invalid authentication credentials: " + lastToken()), java.util.Map.of());
        List<String> requests = List.of(req("vertex/text-embedding-005"), req("vertex/gemini-embedding-001"), req("vertex-json-005"),
                req("vertex-static-005"), req("vertex-badkey-005"));
        LeakCheck.assertNoLeaks(secrets(), requests);
        vertex.enqueue(echo, echo, echo, echo);
        LeakCheck.assertNoLeaks(secrets(), List.of(req("vertex-static-005"), req("vertex/text-embedding-005")));
        assertTrue(tokens.requests().size() >= 2, "the bad key's assertions reached the token endpoint");
        assertTrue(vertex.requests().stream().anyMatch(r -> r.header("authorization").startsWith("Bearer ya29.c.fake")));
    }

    String lastToken() {
        var all = vertex.requests();
        return all.isEmpty() ? FakeVertex.STATIC_TOKEN : all.get(all.size() - 1).header("authorization").substring(7);
    }

    /** What must never appear: the keys in each form, every token used so far, the assertions (recognised by their header). */
    List<String> secrets() {
        List<String> s = new ArrayList<>();
        s.add(secrets.keyJson());
        s.add(secrets.badKeyJson());
        for (String pem : List.of(secrets.privateKeyPem(), secrets.badPrivateKeyPem())) {
            s.add(pem);
            s.add(pem.replace("\n", "\\n")); // JSON-escaped, as in the file
            s.add(pem.split("\n")[1]); // one line of the key's base64
            s.add(pem.split("\n")[10]);
        }
        s.add(FakeVertex.STATIC_TOKEN);
        vertex.requests().stream().map(r -> r.header("authorization")).filter(a -> a != null).map(a -> a.substring(7)).distinct()
                .forEach(s::add);
        // Every assertion starts with the same header: any of them, made before or during the check, is caught.
        s.add(java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"0123456789abcdef0123456789abcdef01234567\"}"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        tokens.requests().stream().map(r -> r.body().substring(r.body().indexOf("assertion=") + 10)).forEach(a -> {
            s.add(a);
            s.add(a.substring(a.lastIndexOf('.') + 1)); // the signature
        });
        assertFalse(s.isEmpty());
        return s;
    }

    static String req(String model) {
        return "{\"model\":\"" + model + "\",\"input\":[\"leak check\"],\"embedding_options\":{\"input_type\":\"document\"}}";
    }
}
