package io.embedgate.api;

import java.util.Map;

/** A failed request whose client asked for debug: the error envelope also carries the trace. */
public final class DebuggedFailure extends RuntimeException {

    private final transient Map<String, Object> debug;

    public DebuggedFailure(Throwable cause, Map<String, Object> debug) {
        super(cause.getMessage(), cause, false, false);
        this.debug = debug;
    }

    public Map<String, Object> debug() {
        return debug;
    }
}
