package io.embedgate.observability;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;

/** On the Linux CPUs we ship the epoll library for, the gateway's server and upstream clients run on it. */
@QuarkusTest
class NetworkTransportTest {

    @Inject
    Vertx vertx;

    @Test
    void linuxRunsOnTheEpollTransport() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        Assumptions.assumeTrue(os.startsWith("linux") && (arch.equals("amd64") || arch.equals("aarch64")),
                "epoll is shipped for Linux x86_64 and aarch64 only");
        assertNull(vertx.unavailableNativeTransportCause(), "native transport unavailable");
        assertTrue(vertx.isNativeTransportEnabled(), "Vert.x fell back to NIO");
    }
}
