package io.embedgate.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throwaway CA and a server certificate for 127.0.0.1 and localhost (PEM files made with
 * {@code openssl}), generated once per JVM, for TLS-enabled redis-servers and the clients that check
 * them against {@link #caCertPem()}. The server certificate is also a client certificate: redis-server
 * presents it on its own outgoing connections (cluster bus, replication).
 */
public final class TestCertificates {

    private static TestCertificates instance;

    private final Path dir;
    private final SSLSocketFactory sockets;

    private TestCertificates(Path dir) {
        this.dir = dir;
        this.sockets = trusting(caCertPem());
    }

    /** The JVM's certificates, generated on first use and deleted when the JVM exits. */
    public static synchronized TestCertificates get() {
        if (instance == null) {
            Path dir = RedisNode.tempDir("certs-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> RedisNode.deleteTree(dir)));
            generate(dir);
            instance = new TestCertificates(dir);
        }
        return instance;
    }

    public Path caCertPem() {
        return dir.resolve("ca.crt");
    }

    public Path serverCertPem() {
        return dir.resolve("server.crt");
    }

    public Path serverKeyPem() {
        return dir.resolve("server.key");
    }

    /** Sockets that trust the CA only (no client certificate: the servers run with tls-auth-clients no). */
    public SSLSocketFactory socketFactory() {
        return sockets;
    }

    private static void generate(Path dir) {
        write(dir.resolve("ca.cnf"), """
                [req]
                distinguished_name = dn
                prompt = no
                [dn]
                CN = embedgate-test-ca
                [ext]
                basicConstraints = critical, CA:TRUE
                keyUsage = critical, keyCertSign, cRLSign
                subjectKeyIdentifier = hash
                """);
        write(dir.resolve("server.ext"), """
                basicConstraints = CA:FALSE
                keyUsage = critical, digitalSignature, keyEncipherment
                extendedKeyUsage = serverAuth, clientAuth
                subjectAltName = IP:127.0.0.1, DNS:localhost
                """);
        openssl(dir, "req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "ca.key",
                "-out", "ca.crt", "-days", "7",
                "-config", "ca.cnf", "-extensions", "ext");
        openssl(dir, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "server.key", "-out",
                "server.csr", "-subj",
                "/CN=localhost");
        openssl(dir, "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.crt",
                "-days", "7", "-extfile", "server.ext");
    }

    private static void openssl(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            byte[] output = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " failed in " + dir + ":\n"
                        + new String(output, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new IllegalStateException("openssl is required for the TLS tests (apt-get install openssl)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static SSLSocketFactory trusting(Path caPem) {
        try (InputStream in = Files.newInputStream(caPem)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot load " + caPem, e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
