package io.embedgate.provider.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.embedgate.spi.InstanceSettings;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PfxOptions;

/**
 * {@code https} base URLs: the certificate is checked against the JVM's default trust store (here
 * pointed at a test store holding a self-signed localhost certificate), the host name is verified,
 * and the host name is sent as SNI, as providers behind shared front ends require.
 */
class UpstreamHttpTlsTest {

    static Vertx vertx;
    static HttpServer server;
    static final CompletableFuture<String> sni = new CompletableFuture<>();

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        // A self-signed certificate for localhost, made by the JDK's own keytool.
        Path keys = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost", "-storetype", "PKCS12",
                "-keystore", keys.toString(), "-storepass", "changeit").redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes());
        assertEquals(0, keytool.waitFor(), output);
        KeyStore serverKeys = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(keys.toFile())) {
            serverKeys.load(in, "changeit".toCharArray());
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("localhost", serverKeys.getCertificate("server"));
        Path store = dir.resolve("trust.p12");
        try (OutputStream out = new FileOutputStream(store.toFile())) {
            trust.store(out, "changeit".toCharArray());
        }
        // The JDK reads the default trust store's location when a default trust manager is built.
        System.setProperty("javax.net.ssl.trustStore", store.toString());
        System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");

        vertx = Vertx.vertx();
        server = vertx
                .createHttpServer(new HttpServerOptions().setSsl(true).setSni(true)
                        .setKeyCertOptions(new PfxOptions().setPath(keys.toString()).setPassword("changeit")))
                .requestHandler(request -> {
                    sni.complete(String.valueOf(request.connection().indicatedServerName()));
                    request.response().putHeader("content-type", "application/json").end("{}");
                })
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        System.clearProperty("javax.net.ssl.trustStore");
        System.clearProperty("javax.net.ssl.trustStorePassword");
        System.clearProperty("javax.net.ssl.trustStoreType");
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    static UpstreamHttp client(String host) {
        InstanceSettings s = new InstanceSettings("tls-test", "openai",
                Optional.of(URI.create("https://" + host + ":" + server.actualPort() + "/v1")),
                Optional.of("sk-test"), Map.of(), Duration.ofSeconds(2), 1);
        return UpstreamHttp.connect(vertx, s, UpstreamEndpoint.of(s, Map.of()));
    }

    @Test
    void aTrustedCertificateForTheHostIsAcceptedAndTheHostIsSentAsSni() throws Exception {
        try (UpstreamHttp http = client("localhost")) {
            assertEquals(200, http.post("/embeddings", new byte[]{'{', '}'}, r -> r).await().atMost(Duration.ofSeconds(10)).status());
            assertEquals("localhost", sni.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void aCertificateForAnotherHostIsRefused() {
        // The certificate names localhost; reached as 127.0.0.1 it does not match.
        try (UpstreamHttp http = client("127.0.0.1")) {
            Throwable failure = http.post("/embeddings", new byte[]{'{', '}'}, r -> r).onItem().<Throwable>transform(r -> null)
                    .onFailure().recoverWithItem(f -> f).await().atMost(Duration.ofSeconds(10));
            assertNotNull(failure, "host name verification must refuse the call");
            Throwable root = failure;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            assertTrue(root instanceof CertificateException && root.getMessage().contains("127.0.0.1"), "refused for the name: " + root);
        }
    }
}
