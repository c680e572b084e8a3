package io.embedgate.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.WithDefault;

/**
 * The shared Redis ({@code gateway.cache.redis.*}): the embedding cache's shared tier, and the state
 * replicas share (rate limits and budgets, the usage ledger, runtime keys). One standalone server,
 * a Redis Cluster, or a master watched by Redis Sentinel.
 */
public interface RedisConfig {

    /**
     * Where Redis is: a standalone server ({@code redis://host:6379}), the seed nodes of a cluster or the
     * sentinels, comma-separated ({@code redis://n1:6379,redis://n2:6379}). {@code rediss://} connects with
     * TLS. No shared Redis when absent.
     */
    Optional<String> url();

    /** {@code standalone}, {@code cluster} or {@code sentinel}. */
    @WithDefault("standalone")
    Type type();

    /** With {@code type=sentinel}: the name the sentinels monitor the master under. */
    @WithDefault("mymaster")
    String masterName();

    /** ACL user, for every node (and the sentinels); overrides a user in the URL. */
    Optional<String> user();

    /** Password, for every node (and the sentinels); overrides one in the URL. Never logged. */
    Optional<String> password();

    Tls tls();

    /** A Redis slower than this is skipped for the request (the local tier and upstream answer). */
    @WithDefault("200ms")
    Duration timeout();

    @WithDefault("embedgate:v1:")
    String keyPrefix();

    /** Connections per event loop and node (each loop keeps its own, so replies are read where they are awaited). */
    @WithDefault("16")
    int maxPoolSize();

    /** How often the nodes' state is read (cluster: {@code CLUSTER NODES}; sentinel: the sentinels' view), for metrics and warnings. */
    @WithDefault("2s")
    Duration nodeCheckInterval();

    enum Type {
        STANDALONE, CLUSTER, SENTINEL
    }

    /** TLS for {@code rediss://} URLs. */
    interface Tls {

        /** PEM files of the certificates to trust (a private CA); absent: the JVM's trust store. */
        Optional<List<String>> trustCertificates();

        /** PEM certificate chain and key of this client, for servers that require client certificates ({@code tls-auth-clients yes}). */
        Optional<String> certificate();

        Optional<String> key();

        /** Whether the server's certificate must name the host connected to. */
        @WithDefault("true")
        boolean verifyHostname();
    }
}
