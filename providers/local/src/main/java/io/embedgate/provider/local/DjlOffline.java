package io.embedgate.provider.local;

/**
 * Keeps the Hugging Face tokenizer (DJL) off the network. Unless told otherwise, DJL probes the EC2
 * metadata address to send telemetry when a tokenizer is created, and may try to download a CUDA
 * build of its native library. The gateway promises an in-process model that needs no network, so
 * offline mode is the default; an operator's explicit setting is left alone.
 */
final class DjlOffline {

    private DjlOffline() {
    }

    static void apply() {
        setUnlessConfigured("ai.djl.offline", "DJL_OFFLINE");
        setUnlessConfigured("OPT_OUT_TRACKING", "OPT_OUT_TRACKING");
    }

    private static void setUnlessConfigured(String property, String env) {
        if (System.getProperty(property) == null && System.getenv(env) == null) {
            System.setProperty(property, "true");
        }
    }
}
