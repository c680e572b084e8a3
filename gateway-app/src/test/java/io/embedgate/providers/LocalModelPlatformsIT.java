package io.embedgate.providers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.embedgate.testing.PackagedApp;

/**
 * The packaged application ships the local model's native libraries (ONNX Runtime's and the Hugging Face
 * tokenizer's) for the platforms of {@code -Dlocal.platforms} only, linux-x86_64 by default, and none of
 * their debug symbols (gateway-app/pom.xml); and on a platform it ships, the model still loads and answers.
 */
class LocalModelPlatformsIT {

    /** A native library in either jar, and the platform directory it sits in. */
    private static final Pattern ONNXRUNTIME = Pattern.compile("ai/onnxruntime/native/([^/]+)/[^/]+\\.(so|dylib|dll)");
    private static final Pattern TOKENIZERS = Pattern.compile("native/lib/([^/]+)/cpu/[^/]+\\.(so|dylib|dll)");
    private static final Pattern DEBUG_SYMBOLS = Pattern.compile("ai/onnxruntime/native/.*(\\.pdb|\\.dSYM/.*[^/])");

    /** What each -Dlocal.platforms selection keeps (the tokenizer has no osx-x86_64 library at all). */
    private static final Map<String, Set<String>> SELECTIONS = Map.of("linux-x86_64", Set.of("linux-x86_64"), "linux-aarch64",
            Set.of("linux-aarch64"), "linux", Set.of("linux-x86_64", "linux-aarch64"), "osx-aarch64", Set.of("osx-aarch64"),
            "win-x86_64", Set.of("win-x86_64"), "all",
            Set.of("linux-x86_64", "linux-aarch64", "osx-aarch64", "osx-x86_64", "win-x86_64"));

    @Test
    void onlyTheSelectedPlatformsNativeLibrariesAreShippedAndTheModelAnswers() throws Exception {
        String selection = System.getProperty("local.platforms", "linux-x86_64");
        Set<String> expected = SELECTIONS.get(selection);
        assertTrue(expected != null, "unknown local.platforms " + selection);

        List<String> entries = packagedEntries();
        Set<String> onnxruntime = platforms(entries, ONNXRUNTIME);
        Assumptions.assumeFalse(onnxruntime.isEmpty() && platforms(entries, TOKENIZERS).isEmpty(),
                "this build packaged no local model (-P '!local-model')");
        assertEquals(new TreeSet<>(expected), onnxruntime, "ONNX Runtime's native libraries for " + selection);
        Set<String> tokenizers = new TreeSet<>(expected);
        tokenizers.remove("osx-x86_64");
        assertEquals(tokenizers, platforms(entries, TOKENIZERS), "the tokenizer's native libraries for " + selection);
        assertEquals(List.of(), entries.stream().filter(e -> DEBUG_SYMBOLS.matcher(e).matches()).toList(), "debug symbols");

        String here = currentPlatform();
        Assumptions.assumeTrue(expected.contains(here), "this build does not ship the model's libraries for " + here);
        File log = new File("target/local-model-platforms.log");
        try (PackagedApp app = PackagedApp.launch(Map.of("GATEWAY_PROVIDERS_LOCAL_ENABLED", "true"), log).awaitReady()) {
            HttpResponse<String> r = app.embed("{\"model\":\"all-minilm-l6-v2\",\"input\":[\"a packaged gateway\"]}");
            assertEquals(200, r.statusCode(), r.body() + "\n" + app.log());
            JsonNode body = new ObjectMapper().readTree(r.body());
            assertEquals(384, body.path("data").path(0).path("embedding").size(), r.body());
        }
    }

    /** Every entry of the jars the build packaged: the fast-jar's libraries, or the uber-jar itself. */
    private static List<String> packagedEntries() throws IOException {
        Path built = Path.of("target", "quarkus-app", "quarkus-run.jar");
        List<Path> jars;
        if (Files.exists(built)) {
            try (Stream<Path> files = Files.walk(built.getParent().resolve("lib"))) {
                jars = files.filter(p -> p.toString().endsWith(".jar")).toList();
            }
        } else {
            try (Stream<Path> files = Files.walk(Path.of("target"), 2)) {
                jars = files.filter(p -> p.toString().endsWith("-runner.jar")).toList();
            }
        }
        Assumptions.assumeFalse(jars.isEmpty(), "no packaged JVM application (a native build)");
        List<String> entries = new ArrayList<>();
        for (Path jar : jars) {
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                zip.stream().map(ZipEntry::getName).forEach(entries::add);
            }
        }
        return entries;
    }

    /** The platforms that have a native library in {@code entries}, named as local.platforms names them. */
    private static Set<String> platforms(List<String> entries, Pattern library) {
        Set<String> found = new TreeSet<>();
        for (String entry : entries) {
            Matcher m = library.matcher(entry);
            if (m.matches()) {
                found.add(m.group(1).replace("-x64", "-x86_64"));
            }
        }
        return found;
    }

    private static String currentPlatform() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch");
        String cpu = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64"
                : arch.equals("aarch64") || arch.equals("arm64") ? "aarch64" : arch;
        return (os.startsWith("mac") ? "osx" : os.startsWith("windows") ? "win" : "linux") + "-" + cpu;
    }
}
