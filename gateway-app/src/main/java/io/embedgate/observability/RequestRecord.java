package io.embedgate.observability;

import io.vertx.ext.web.RoutingContext;

/**
 * What one embeddings request did, filled in as it goes (validation, routing, cache) and read once
 * when the response ends, for the access log and the metrics. Lives in the Vert.x routing context.
 */
public final class RequestRecord {

    static final String KEY = "embedgate.record";

    public String model;
    public String orqName;
    public String contactId;
    public int inputs;
    public long promptTokens;
    public long cachedTokens;
    public int cacheHits = -1;
    public boolean usageEstimated;
    /** USD at the model's list price; null when unknown. */
    public java.math.BigDecimal cost;
    public java.math.BigDecimal costSaved;

    /** The record of this request, created on first use. */
    public static RequestRecord of(RoutingContext rc) {
        RequestRecord r = rc.get(KEY);
        if (r == null) {
            r = new RequestRecord();
            rc.put(KEY, r);
        }
        return r;
    }
}
