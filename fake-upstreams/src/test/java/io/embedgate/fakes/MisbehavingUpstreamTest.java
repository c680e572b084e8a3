package io.embedgate.fakes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The faults of a hostile upstream, seen on the wire by a raw socket client. */
class MisbehavingUpstreamTest {

    static final String BODY = "{\"model\":\"text-embedding-3-small\",\"input\":[\"a\",\"b\"],\"encoding_format\":\"base64\"}";
    static FakeOpenAi fake;

    @BeforeAll
    static void start() {
        fake = FakeOpenAi.start();
    }

    @AfterAll
    static void stop() {
        fake.close();
    }

    @BeforeEach
    void reset() {
        fake.reset();
    }

    /** Sends one request; returns the raw reply bytes read until {@code max} bytes, the end of the stream, or the timeout. */
    byte[] exchange(int max, Duration timeout) throws IOException {
        try (Socket s = new Socket("127.0.0.1", fake.port())) {
            s.setSoTimeout((int) timeout.toMillis());
            byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/embeddings HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer " + fake.apiKey()
                    + "\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[64 * 1024];
            try {
                for (int n; got.size() < max && (n = in.read(buf)) >= 0;) {
                    got.write(buf, 0, n);
                }
            } catch (java.net.SocketTimeoutException stalled) {
                // what arrived so far is the answer
            }
            return got.toByteArray();
        }
    }

    static String head(byte[] reply) {
        String text = new String(reply, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        return end < 0 ? text : text.substring(0, end);
    }

    @Test
    void anEndlessBodyKeepsComingAsLongAsTheClientReads() throws IOException {
        fake.enqueue(Fault.endlessBody());
        byte[] reply = exchange(8 << 20, Duration.ofSeconds(10));
        assertTrue(head(reply).startsWith("HTTP/1.1 200"), head(reply));
        assertTrue(head(reply).toLowerCase().contains("transfer-encoding: chunked"), head(reply));
        assertTrue(reply.length >= 8 << 20, "read " + reply.length + " bytes, and more were coming");
    }

    @Test
    void aHugeBodyAnnouncesItsLength() throws IOException {
        fake.enqueue(Fault.hugeBody(100L << 20));
        byte[] reply = exchange(1 << 20, Duration.ofSeconds(10));
        assertTrue(head(reply).toLowerCase().contains("content-length: " + (100L << 20)), head(reply));
    }

    @Test
    void aCutOffBodyEndsBeforeItsAnnouncedLength() throws IOException {
        fake.enqueue(Fault.cutOffBody());
        byte[] reply = exchange(Integer.MAX_VALUE, Duration.ofSeconds(10));
        String head = head(reply);
        long announced = Long.parseLong(head.toLowerCase().replaceAll("(?s).*content-length: (\\d+).*", "$1"));
        int bodyBytes = reply.length - head.length() - 4;
        assertTrue(bodyBytes < announced && bodyBytes > 0, bodyBytes + " of " + announced);
    }

    @Test
    void aTricklingBodyArrivesWhole() throws IOException {
        fake.enqueue(Fault.trickle(Duration.ofMillis(5), 4096));
        byte[] reply = exchange(Integer.MAX_VALUE, Duration.ofSeconds(20));
        String text = new String(reply, StandardCharsets.UTF_8);
        assertTrue(text.endsWith("}}"), "the whole JSON arrived");
    }

    @Test
    void redirectsAndSwitchingProtocolsAreAnswered() throws IOException {
        fake.enqueue(Fault.redirect(307, "https://elsewhere.example/v1/embeddings"));
        String redirect = head(exchange(Integer.MAX_VALUE, Duration.ofSeconds(5)));
        assertTrue(redirect.startsWith("HTTP/1.1 307"), redirect);
        assertTrue(redirect.toLowerCase().contains("location: https://elsewhere.example/v1/embeddings"), redirect);
        fake.enqueue(Fault.switchingProtocols());
        String switching = head(exchange(Integer.MAX_VALUE, Duration.ofSeconds(2)));
        assertTrue(switching.startsWith("HTTP/1.1 101"), switching);
    }

    @Test
    void zeroVectorsKeepTheirSize() throws Exception {
        fake.enqueue(FakeOpenAi.zeroVectors());
        byte[] reply = exchange(Integer.MAX_VALUE, Duration.ofSeconds(5));
        String text = new String(reply, StandardCharsets.UTF_8);
        JsonNode answer = new ObjectMapper().readTree(text.substring(text.indexOf("\r\n\r\n") + 4));
        byte[] zero = java.util.Base64.getDecoder().decode(answer.get("data").get(1).get("embedding").asText());
        assertEquals(1536 * 4, zero.length);
        for (byte b : zero) {
            assertEquals(0, b);
        }
        assertEquals("{\"embedding\":[0.0,0.0]}", FakeOpenAi.zeroed("{\"embedding\":[0.25,-1.5e-3]}"));
    }

    @Test
    void aCarelessUpstreamEchoesTheKey() throws IOException {
        fake.enqueue(fake.echoingKey());
        String text = new String(exchange(Integer.MAX_VALUE, Duration.ofSeconds(5)), StandardCharsets.UTF_8);
        assertTrue(text.contains("\"model\":\"" + fake.apiKey() + "\""), "model field");
        assertTrue(text.contains("x-request-id: " + fake.apiKey()), "header");
        fake.enqueue(fake.errorEchoingKey(400));
        String error = new String(exchange(Integer.MAX_VALUE, Duration.ofSeconds(5)), StandardCharsets.UTF_8);
        assertTrue(error.startsWith("HTTP/1.1 400"));
        assertTrue(error.contains("Invalid request for key " + fake.apiKey()));
        assertFalse(error.contains("\"data\""));
    }
}
