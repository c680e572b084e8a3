package io.embedgate.fakes;

import java.util.concurrent.CountDownLatch;

/**
 * Runs a fake upstream as a standalone server, e.g. for the benchmark:
 * {@code java -cp ... io.embedgate.fakes.FakeUpstreamMain --provider openai --port 9100 --event-loops 1 --memoize}
 * ({@code --provider} is {@code openai}, {@code google}, {@code mistral} or {@code azure-openai}; {@code --key} defaults to
 * the fake's {@code DEFAULT_KEY}).
 * With {@code --memoize} each distinct request body is answered once and then from memory, so the
 * fake costs next to nothing per request and the measurement is of the client or the gateway.
 */
public final class FakeUpstreamMain {

    private FakeUpstreamMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        String provider = "openai";
        int port = 9100;
        int loops = 1;
        boolean memoize = false;
        String key = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--provider" -> provider = args[++i];
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--event-loops" -> loops = Integer.parseInt(args[++i]);
                case "--memoize" -> memoize = true;
                case "--key" -> key = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        FakeUpstream.Options options = new FakeUpstream.Options(port, loops, memoize, false);
        FakeUpstream fake = switch (provider) {
            case "openai" -> FakeOpenAi.start(options, key == null ? FakeOpenAi.DEFAULT_KEY : key);
            case "google" -> FakeGemini.start(options, key == null ? FakeGemini.DEFAULT_KEY : key);
            case "mistral" -> FakeMistral.start(options, key == null ? FakeMistral.DEFAULT_KEY : key);
            case "azure-openai" -> FakeAzureOpenAi.start(options, key == null ? FakeAzureOpenAi.DEFAULT_KEY : key);
            default -> throw new IllegalArgumentException("unknown provider " + provider);
        };
        System.out.println("fake " + provider + " listening on 127.0.0.1:" + fake.port() + (memoize ? " (memoized)" : "")
                + ", transport " + fake.transport());
        Runtime.getRuntime().addShutdownHook(new Thread(fake::close));
        new CountDownLatch(1).await();
    }
}
