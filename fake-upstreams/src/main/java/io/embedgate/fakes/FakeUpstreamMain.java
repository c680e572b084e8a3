package io.embedgate.fakes;

import java.util.concurrent.CountDownLatch;

/**
 * Runs a fake upstream as a standalone server, e.g. for the benchmark:
 * {@code java -cp ... io.embedgate.fakes.FakeUpstreamMain --provider openai --port 9100 --event-loops 1 --memoize}
 * ({@code --provider} is {@code openai}, {@code azure-openai}, {@code google}, {@code mistral}, {@code cohere},
 * {@code voyage}, {@code jina}, {@code ollama}, {@code tei} or {@code entra-id}, a token endpoint; {@code --key} defaults to the fake's
 * {@code DEFAULT_KEY}, none for ollama and tei; tei serves {@code --model} of {@code --dimensions}, by
 * default BAAI/bge-base-en-v1.5 at 768).
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
        String model = null;
        int dims = 768;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--provider" -> provider = args[++i];
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--event-loops" -> loops = Integer.parseInt(args[++i]);
                case "--memoize" -> memoize = true;
                case "--key" -> key = args[++i];
                case "--model" -> model = args[++i];
                case "--dimensions" -> dims = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        FakeUpstream.Options options = new FakeUpstream.Options(port, loops, memoize, false);
        FakeUpstream fake = switch (provider) {
            case "openai" -> FakeOpenAi.start(options, key == null ? FakeOpenAi.DEFAULT_KEY : key);
            case "google" -> FakeGemini.start(options, key == null ? FakeGemini.DEFAULT_KEY : key);
            case "mistral" -> FakeMistral.start(options, key == null ? FakeMistral.DEFAULT_KEY : key);
            case "jina" -> FakeJina.start(options, key == null ? FakeJina.DEFAULT_KEY : key);
            case "ollama" -> FakeOllama.start(options, key);
            case "tei" -> FakeTei.start(options, key, model == null ? "BAAI/bge-base-en-v1.5" : model, dims);
            case "cohere" -> FakeCohere.start(options, key == null ? FakeCohere.DEFAULT_KEY : key);
            case "voyage" -> FakeVoyage.start(options, key == null ? FakeVoyage.DEFAULT_KEY : key);
            case "azure-openai" -> FakeAzureOpenAi.start(options, key == null ? FakeAzureOpenAi.DEFAULT_KEY : key);
            // A token endpoint only: an azure-openai fake in another process cannot check its tokens.
            case "entra-id" -> FakeEntraId.start(options);
            default -> throw new IllegalArgumentException("unknown provider " + provider);
        };
        System.out.println("fake " + provider + " listening on 127.0.0.1:" + fake.port() + (memoize ? " (memoized)" : "")
                + ", transport " + fake.transport());
        Runtime.getRuntime().addShutdownHook(new Thread(fake::close));
        new CountDownLatch(1).await();
    }
}
