package io.embedgate.observability;

import java.util.Locale;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

/**
 * Says at start-up which network transport Vert.x runs on. The epoll transport is what the benchmarks
 * measure; a silent fall-back to NIO on Linux (a missing or unloadable native library) would cost
 * CPU on every request, so it is a warning there.
 */
@Singleton
public class NetworkTransport {

    private static final Logger LOG = Logger.getLogger(NetworkTransport.class);

    void report(@Observes StartupEvent start, Vertx vertx) {
        Throwable unavailable = vertx.unavailableNativeTransportCause();
        if (vertx.isNativeTransportEnabled()) {
            LOG.info("Network transport: native (epoll)");
        } else if (unavailable != null && System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
            LOG.warnf("Network transport: Java NIO, the native epoll transport is unavailable: %s", unavailable);
        } else {
            LOG.info("Network transport: Java NIO");
        }
    }
}
