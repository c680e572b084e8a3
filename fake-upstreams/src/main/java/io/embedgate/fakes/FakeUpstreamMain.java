package io.embedgate.fakes;

import java.util.concurrent.CountDownLatch;

/**
 * Runs a fake upstream as a standalone server, e.g. for the benchmark:
 * {@code java -cp ... io.embedgate.fakes.FakeUpstreamMain --provider openai --port 9100 --event-loops 1 --memoize}
 * ({@code --provider} is {@code openai}, {@code azure-openai}, {@code google}, {@code mistral}, {@code cohere},
 * {@code voyage}, {@code jina}, {@code ollama}, {@code tei}, {@code vertex}, {@code bedrock} or {@code entra-id}, a token
 * endpoint; {@code --key} defaults to the fake's
 * {@code DEFAULT_KEY}, none for ollama and tei; tei serves {@code --model} of {@code --dimensions}, by
 * default BAAI/bge-base-en-v1.5 at 768; vertex takes {@code --key} as a static access token and also
 * starts a token endpoint with a fresh key pair, whose service account key file it prints; bedrock
 * takes its fixed {@code FakeBedrock.API_KEY} and SigV4 key pairs).
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
            case "bedrock" -> FakeBedrock.start(options);
            case "azure-openai" -> FakeAzureOpenAi.start(options, key == null ? FakeAzureOpenAi.DEFAULT_KEY : key);
            // A token endpoint only: an azure-openai fake in another process cannot check its tokens.
            case "entra-id" -> FakeEntraId.start(options);
            case "vertex" -> vertex(options, key);
            default -> throw new IllegalArgumentException("unknown provider " + provider);
        };
        System.out.println("fake " + provider + " listening on 127.0.0.1:" + fake.port() + (memoize ? " (memoized)" : "")
                + ", transport " + fake.transport());
        Runtime.getRuntime().addShutdownHook(new Thread(fake::close));
        new CountDownLatch(1).await();
    }

    /** Vertex with its own token endpoint (any free port) and a service account key file for it in a temp file. */
    private static FakeUpstream vertex(FakeUpstream.Options options, String key) {
        try {
            java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            java.security.KeyPair pair = g.generateKeyPair();
            String email = "fake-vertex@fake-project.iam.gserviceaccount.com";
            FakeGoogleToken tokens = FakeGoogleToken.start(pair.getPublic(), email);
            java.nio.file.Path file = java.nio.file.Files.createTempFile("fake-vertex-sa", ".json");
            java.nio.file.Files.writeString(file, tokens.serviceAccountJson(pair.getPrivate(), "fake-project"));
            file.toFile().deleteOnExit();
            Runtime.getRuntime().addShutdownHook(new Thread(tokens::close));
            System.out.println("fake google token endpoint at " + tokens.tokenUri() + "; service account key file " + file);
            return FakeVertex.start(options, tokens, key == null ? FakeVertex.STATIC_TOKEN : key);
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("fake vertex did not start", e);
        }
    }
}
