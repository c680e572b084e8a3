package io.embedgate.redis;

import java.util.Arrays;
import java.util.List;

import io.vertx.mutiny.redis.client.Response;

/**
 * The replies of a {@link SharedRedis#pipeline pipeline}, in the order of its commands. On a cluster
 * each node's share succeeds or fails on its own: a node that is down costs its commands, not the others.
 */
public final class Replies {

    private final Response[] responses;
    private final Throwable[] failures;

    Replies(int size) {
        this.responses = new Response[size];
        this.failures = new Throwable[size];
    }

    static Replies of(List<Response> list) {
        Replies r = new Replies(list.size());
        for (int i = 0; i < list.size(); i++) {
            r.responses[i] = list.get(i);
        }
        return r;
    }

    /** The replies of one multi-key command ({@code MGET}): one element each. */
    public static Replies ofArray(Response array, int size) {
        Replies r = new Replies(size);
        for (int i = 0; i < size; i++) {
            r.responses[i] = array.get(i);
        }
        return r;
    }

    public static Replies failed(int size, Throwable t) {
        Replies r = new Replies(size);
        Arrays.fill(r.failures, t);
        return r;
    }

    void set(int i, Response response) {
        responses[i] = response;
    }

    void fail(int i, Throwable t) {
        failures[i] = t;
    }

    public int size() {
        return responses.length;
    }

    /** The reply to command {@code i}; null for a nil reply and for a failed command. */
    public Response get(int i) {
        return responses[i];
    }

    public boolean failed(int i) {
        return failures[i] != null;
    }

    /** The first failure, or null when every command got its reply. */
    public Throwable failure() {
        for (Throwable t : failures) {
            if (t != null) {
                return t;
            }
        }
        return null;
    }
}
