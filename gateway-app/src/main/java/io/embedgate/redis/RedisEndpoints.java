package io.embedgate.redis;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.embedgate.config.RedisConfig;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;

/**
 * What {@code gateway.cache.redis.*} says, checked once at start-up and turned into the Vert.x client's
 * options: the endpoints with their credentials, TLS, and the mode. Credentials live in the endpoint
 * URLs only (the client reads them there, also for the nodes a cluster or the sentinels name), and
 * every line logged is masked.
 */
final class RedisEndpoints {

    private static final Pattern URL = Pattern.compile("^(rediss?)://(?:([^@/]*)@)?([^@/]+)(/\\d+)?$");

    private final RedisConfig.Type type;
    private final String scheme;
    private final String userInfo;
    private final List<String> addresses;
    private final String database;
    private final RedisConfig config;

    RedisEndpoints(RedisConfig config) {
        this.config = config;
        this.type = config.type();
        String url = config.url().orElseThrow();
        List<String> schemes = new ArrayList<>();
        List<String> infos = new ArrayList<>();
        List<String> dbs = new ArrayList<>();
        List<String> found = new ArrayList<>();
        for (String part : url.split(",")) {
            String u = part.trim();
            if (u.isEmpty()) {
                continue;
            }
            Matcher m = URL.matcher(u);
            if (!m.matches()) {
                throw new IllegalStateException(
                        "gateway.cache.redis.url: '" + mask(u) + "' is not redis://[user:password@]host:port or rediss://...");
            }
            schemes.add(m.group(1));
            infos.add(m.group(2) == null ? "" : m.group(2));
            dbs.add(m.group(4) == null ? "" : m.group(4));
            found.add(m.group(3));
        }
        if (found.isEmpty()) {
            throw new IllegalStateException("gateway.cache.redis.url names no Redis");
        }
        if (schemes.stream().distinct().count() > 1 || infos.stream().distinct().count() > 1) {
            throw new IllegalStateException("gateway.cache.redis.url: every node must use the same scheme and credentials");
        }
        if (type == RedisConfig.Type.STANDALONE && found.size() > 1) {
            throw new IllegalStateException("gateway.cache.redis.url names " + found.size()
                    + " servers: set gateway.cache.redis.type=cluster (seed nodes) or sentinel (sentinels)");
        }
        if (type == RedisConfig.Type.CLUSTER && !dbs.get(0).isEmpty() && !"/0".equals(dbs.get(0))) {
            throw new IllegalStateException("gateway.cache.redis.url: Redis Cluster has database 0 only");
        }
        this.scheme = schemes.get(0);
        this.addresses = List.copyOf(found);
        this.database = dbs.get(0);
        this.userInfo = userInfo(infos.get(0), config);
        if (config.tls().certificate().isPresent() != config.tls().key().isPresent()) {
            throw new IllegalStateException("gateway.cache.redis.tls.certificate and tls.key go together");
        }
    }

    RedisConfig.Type type() {
        return type;
    }

    boolean tls() {
        return "rediss".equals(scheme);
    }

    /** Seeds (cluster), sentinels, or the one server, as {@code host:port}. */
    List<String> addresses() {
        return addresses;
    }

    /** The options of the configured client: standalone, cluster-less seeds are not used here (see {@link #node}). */
    RedisOptions options() {
        RedisOptions o = common();
        for (String a : addresses) {
            o.addConnectionString(endpoint(a, database));
        }
        if (type == RedisConfig.Type.SENTINEL) {
            // The master the sentinels name; after a failover the client follows the new one.
            o.setType(RedisClientType.SENTINEL).setMasterName(config.masterName()).setRole(RedisRole.MASTER).setAutoFailover(true);
        }
        return o;
    }

    /** A standalone client of one cluster node, {@code host:port} as the cluster names it, with the seeds' scheme and credentials. */
    RedisOptions node(String address) {
        return common().setConnectionString(endpoint(address, ""));
    }

    /** The configured endpoints for a log line: no credentials. */
    String describe() {
        return type.name().toLowerCase() + " " + scheme + "://" + String.join(",", addresses)
                + (type == RedisConfig.Type.SENTINEL ? " (master '" + config.masterName() + "')" : "")
                + (userInfo.isEmpty() ? "" : ", with credentials");
    }

    private RedisOptions common() {
        NetClientOptions net = new NetClientOptions()
                // A node that is gone must fail fast: its calls are misses or fail-open decisions, not waits.
                .setConnectTimeout((int) Math.max(1000, config.timeout().toMillis() * 5))
                .setTcpNoDelay(true);
        if (tls()) {
            net.setHostnameVerificationAlgorithm(config.tls().verifyHostname() ? "HTTPS" : "");
            config.tls().trustCertificates().ifPresent(paths -> {
                PemTrustOptions trust = new PemTrustOptions();
                paths.forEach(trust::addCertPath);
                net.setTrustOptions(trust);
            });
            if (config.tls().certificate().isPresent()) {
                net.setKeyCertOptions(
                        new PemKeyCertOptions().setCertPath(config.tls().certificate().get()).setKeyPath(config.tls().key().get()));
            }
        }
        return new RedisOptions().setNetClientOptions(net).setMaxPoolSize(config.maxPoolSize()).setMaxWaitingHandlers(1024)
                .setMaxPoolWaiting(1024);
    }

    private String endpoint(String address, String db) {
        return scheme + "://" + (userInfo.isEmpty() ? "" : userInfo + "@") + address + db;
    }

    /** {@code user:password} from the settings, else from the URL; URL-encoded, as the client decodes it. */
    private static String userInfo(String fromUrl, RedisConfig config) {
        if (config.user().isEmpty() && config.password().isEmpty()) {
            return fromUrl;
        }
        String user = config.user().orElse("");
        String password = config.password().orElse("");
        return encode(user) + ":" + encode(password);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Any URL with its credentials hidden. */
    static String mask(String url) {
        return url.replaceAll("//[^@/]*@", "//***@");
    }
}
