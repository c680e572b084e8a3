package io.embedgate.spi;

import java.util.List;
import java.util.Map;

/**
 * Sees one upstream exchange exactly as it went over the wire, for a client's debug trace. Adapters
 * report what they send and receive; the gateway redacts secrets and truncates vectors before
 * anything leaves the process. {@link #NONE} costs nothing: adapters check {@link #active()} first.
 */
public interface WireTap {

    WireTap NONE = new WireTap() {

        @Override
        public boolean active() {
            return false;
        }

        @Override
        public void request(String method, String url, Map<String, String> headers, byte[] body) {
        }

        @Override
        public void response(int status, Map<String, List<String>> headers, byte[] body) {
        }
    };

    default boolean active() {
        return true;
    }

    /** The request as sent, key headers included (the receiver masks them). */
    void request(String method, String url, Map<String, String> headers, byte[] body);

    /** The response as received, whatever its status. */
    void response(int status, Map<String, List<String>> headers, byte[] body);
}
