package io.embedgate.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** template.yaml deploys what the tests run: the same handler and package, and deadlines in the right order. */
class SamTemplateTest {

    static JsonNode function() throws IOException {
        JsonNode t = new ObjectMapper(new YAMLFactory()).readTree(Path.of("template.yaml").toFile());
        assertEquals("AWS::Serverless-2016-10-31", t.path("Transform").asText());
        JsonNode f = t.path("Resources").path("Gateway");
        assertEquals("AWS::Serverless::Function", f.path("Type").asText());
        return f.path("Properties");
    }

    @Test
    void deploysThePackageAndHandlerTheTestsRun() throws IOException {
        JsonNode p = function();
        assertEquals(FunctionPackageIT.HANDLER, p.path("Handler").asText());
        assertEquals("target/function.zip", p.path("CodeUri").asText());
        assertTrue(Set.of("java17", "java21").contains(p.path("Runtime").asText()), p.path("Runtime").asText());
        assertEquals("HttpApi", p.path("Events").path("Api").path("Type").asText(), "an HTTP API sends payload format 2.0");
    }

    @Test
    void theGatewaysDeadlineEndsBeforeTheFunctionsAndApiGateways() throws IOException {
        JsonNode p = function();
        int timeout = p.path("Timeout").asInt();
        assertTrue(timeout > 0 && timeout < 30, "an HTTP API waits 30 s at most for its integration: " + timeout);
        Duration gateway = Duration
                .parse("PT" + p.path("Environment").path("Variables").path("GATEWAY_ROUTING_TIMEOUT").asText().toUpperCase());
        assertTrue(gateway.toSeconds() < timeout,
                "gateway.routing.timeout " + gateway + " must end before the function's " + timeout + " s");
    }

    @Test
    void setsOnlyVariablesTheGatewayReads() throws IOException {
        // Variables the configuration reads (${NAME} in application.properties and in each provider
        // module's defaults), and the one gateway key the template sets in its environment form.
        Set<String> known = new HashSet<>(Set.of("GATEWAY_ROUTING_TIMEOUT"));
        List<Path> files = new ArrayList<>(List.of(Path.of("../../gateway-app/src/main/resources/application.properties")));
        try (Stream<Path> modules = Files.list(Path.of("../../providers"))) {
            modules.map(m -> m.resolve("src/main/resources/META-INF/microprofile-config.properties")).filter(Files::exists)
                    .forEach(files::add);
        }
        Pattern variable = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)[:}]");
        for (Path f : files) {
            Matcher m = variable.matcher(Files.readString(f));
            while (m.find()) {
                known.add(m.group(1));
            }
        }
        assertTrue(known.containsAll(Set.of("OPENAI_API_KEY", "COHERE_API_KEY", "EMBEDGATE_REDIS_URL")), known.toString());
        function().path("Environment").path("Variables").fieldNames().forEachRemaining(
                name -> assertTrue(known.contains(name), name + " is not a variable the gateway reads (application.properties)"));
    }
}
