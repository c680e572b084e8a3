package io.embedgate.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.embedgate.cache.RedisHealth.Call;
import io.embedgate.testing.LogCapture;
import io.smallrye.mutiny.TimeoutException;
import io.vertx.redis.client.impl.types.ErrorType;

/** Call outcomes in, one warning per outage out, whatever the mix of calls that work and fail. */
class RedisHealthTest {

    static final String OOM = "OOM command not allowed when used memory > 'maxmemory'.";
    static final long QUIET = TimeUnit.SECONDS.toNanos(10);

    final String category = "test.RedisHealth." + System.nanoTime();
    final LogCapture log = LogCapture.of(category);
    final AtomicLong clock = new AtomicLong(1_000);
    final RedisHealth health = new RedisHealth(Logger.getLogger(category), clock::get, QUIET);

    @AfterEach
    void close() {
        log.close();
    }

    /** As the client reports a pipelined batch whose commands were all refused. */
    static ErrorType rejectedBatch(int commands) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < commands; i++) {
            b.append(i == 0 ? "" : System.lineSeparator()).append("ERR [").append(i).append("] ").append(OOM);
        }
        return ErrorType.create(b.toString());
    }

    @Test
    void writesRefusedWhileReadsWorkAreOneWarning() {
        for (int i = 0; i < 1000; i++) {
            health.succeeded(Call.READ);
            health.failed(Call.WRITE, rejectedBatch(3));
            clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(5));
        }
        assertEquals(List.of("Embedding cache: Redis rejects writes (" + OOM
                + "); new entries are not shared until it accepts them again"), log.warnings());
        assertEquals(List.of(), log.infos(), "reads working do not end a write outage, nor say Redis is back");
        assertEquals(1000, health.failures(), "every failed call is counted");
        assertEquals(1, health.outages());
    }

    @Test
    void writesAcceptedAgainAreOneLineOnceTheyStayAccepted() {
        health.failed(Call.WRITE, rejectedBatch(1));
        clock.addAndGet(QUIET - 1);
        health.succeeded(Call.WRITE); // memory hovering at the limit: one write fits
        health.failed(Call.WRITE, rejectedBatch(1));
        assertEquals(List.of(), log.infos());
        clock.addAndGet(QUIET);
        health.succeeded(Call.WRITE);
        health.succeeded(Call.WRITE);
        assertEquals(List.of("Embedding cache: Redis accepts writes again"), log.infos());
        assertEquals(1, log.warnings().size());
        health.failed(Call.WRITE, rejectedBatch(1));
        assertEquals(2, log.warnings().size(), "a later outage is warned about again");
        assertEquals(2, health.outages());
    }

    @Test
    void unreachableIsOneWarningForReadsAndWritesAlike() {
        for (int i = 0; i < 100; i++) {
            health.failed(Call.READ, new ConnectException("Connection refused"));
            health.failed(Call.WRITE, new ConnectException("Connection refused"));
            health.failed(Call.READ, new TimeoutException());
        }
        assertEquals(1, log.warnings().size(), log.warnings().toString());
        assertTrue(log.warnings().get(0).startsWith("Embedding cache: Redis unreachable or slow (ConnectException: Connection refused)"),
                log.warnings().get(0));
        clock.addAndGet(QUIET);
        health.succeeded(Call.WRITE);
        health.succeeded(Call.READ);
        assertEquals(List.of("Embedding cache: Redis is reachable again"), log.infos());
    }

    @Test
    void slowCallsAmongFastOnesAreOneOutage() {
        for (int i = 0; i < 100; i++) {
            health.failed(Call.READ, new TimeoutException());
            clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
            health.succeeded(Call.READ);
        }
        assertEquals(1, log.warnings().size());
        assertEquals(List.of(), log.infos());
    }

    @Test
    void anErrorReplyShowsRedisIsReachable() {
        health.failed(Call.READ, new ConnectException("Connection refused"));
        clock.addAndGet(QUIET);
        health.failed(Call.WRITE, rejectedBatch(1));
        assertEquals(List.of("Embedding cache: Redis is reachable again"), log.infos());
        assertEquals(2, log.warnings().size());
        assertTrue(log.warnings().get(1).startsWith("Embedding cache: Redis rejects writes (OOM"), log.warnings().get(1));
    }

    @Test
    void readsRejectedAreTheirOwnOutage() {
        health.failed(Call.READ, ErrorType.create("NOAUTH Authentication required."));
        health.succeeded(Call.WRITE);
        health.failed(Call.READ, ErrorType.create("NOAUTH Authentication required."));
        assertEquals(List.of("Embedding cache: Redis rejects reads (NOAUTH Authentication required.); serving from the local tier and "
                + "upstream until it answers them again"), log.warnings());
        clock.addAndGet(QUIET);
        health.succeeded(Call.READ);
        assertEquals(List.of("Embedding cache: Redis answers reads again"), log.infos());
    }

    @Test
    void aWarningIsOneShortLine() {
        health.failed(Call.WRITE, ErrorType.create("ERR [0] " + "x".repeat(5000) + System.lineSeparator() + "ERR [1] more"));
        String w = log.warnings().get(0);
        assertFalse(w.contains("\n") || w.contains("ERR [1]"), w);
        assertTrue(w.length() < 400, "length " + w.length());
    }

    @Test
    void errorRepliesAreToldFromCallsWithoutAReply() {
        assertEquals(OOM, RedisHealth.errorReply(rejectedBatch(2)));
        assertEquals(OOM, RedisHealth.errorReply(ErrorType.create(OOM)));
        assertEquals("READONLY You can't write against a read only replica.",
                RedisHealth.errorReply(ErrorType.create("READONLY You can't write against a read only replica.")));
        assertEquals("unknown command 'FOO'", RedisHealth.errorReply(ErrorType.create("ERR [0] unknown command 'FOO'")));
        // The client's own reports of a lost connection, alone or inside a batch.
        assertNull(RedisHealth.errorReply(ErrorType.create("CONNECTION_CLOSED")));
        assertNull(RedisHealth.errorReply(ErrorType.create("ERR [0] CONNECTION_CLOSED")));
        assertNull(RedisHealth.errorReply(ErrorType.create("ERR [0] java.io.IOException: Connection reset by peer")));
        assertNull(RedisHealth.errorReply(ErrorType.create("ERR [3] io.netty.channel.StacklessClosedChannelException")));
        assertNull(RedisHealth.errorReply(new ConnectException("Connection refused")));
        assertNull(RedisHealth.errorReply(new IOException("Connection reset by peer")));
        assertNull(RedisHealth.errorReply(new TimeoutException()));
    }
}
