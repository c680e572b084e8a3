package io.embedgate.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.embedgate.testing.PackagedApp;

/**
 * SIGTERM seconds after start, while the local model is loading in ONNX Runtime's native code: the
 * process stops cleanly (the application waits for the load, then exits) instead of crashing in
 * the native runtime, whatever moment of the load the signal hits.
 */
class LocalModelShutdownIT {

    @ParameterizedTest
    @ValueSource(ints = {0, 100, 300, 600})
    void sigtermWhileTheLocalModelLoadsStopsCleanly(int delayMillis) throws Exception {
        File log = new File("target/local-model-shutdown-" + delayMillis + ".log");
        PackagedApp app = PackagedApp.launch(Map.of("GATEWAY_PROVIDERS_LOCAL_ENABLED", "true"), log);
        app.awaitLog("Loading local model", Duration.ofSeconds(60));
        Thread.sleep(delayMillis);
        int exit = app.terminate(Duration.ofSeconds(60));
        String out = app.log();
        assertFalse(out.contains("A fatal error has been detected"), "the JVM crashed:\n" + out);
        assertEquals(143, exit, "SIGTERM's exit code, after a clean stop:\n" + out);
        // The application was stopped by its main thread, before the JVM's shutdown hooks ran (among
        // them ONNX Runtime's, which frees the runtime the load is using): not by Quarkus' own hook.
        assertTrue(out.contains("(main) gateway-app stopped in"), "the application was stopped before the JVM's hooks:\n" + out);
        // And the stop waited for the load that was under way.
        int loaded = out.indexOf("Local model all-minilm-l6-v2 loaded");
        assertTrue(loaded >= 0 && loaded < out.indexOf("gateway-app stopped in"), "the load finished before the stop:\n" + out);
    }
}
