package io.embedgate.provider.bedrock;

import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.embedgate.provider.bedrock.BedrockModels.Family;
import io.embedgate.provider.support.AwsSigV4;
import io.embedgate.provider.support.HttpProviderClient;
import io.embedgate.provider.support.UpstreamEndpoint;
import io.embedgate.provider.support.UpstreamHttp;
import io.embedgate.spi.InputType;
import io.embedgate.spi.InstanceSettings;
import io.embedgate.spi.ModelCapabilities;
import io.embedgate.spi.OptionSpec;
import io.embedgate.spi.ProviderAdapter;
import io.embedgate.spi.ProviderClient;
import io.vertx.core.Vertx;

/**
 * AWS Bedrock Runtime ({@code POST {base}/model/{modelId}/invoke}): Titan Text Embeddings v2 and G1,
 * Cohere Embed v3/v4, by base id, inference profile ({@code us.cohere.embed-v4:0}) or ARN.
 *
 * <p>Instance settings ({@code gateway.providers.<name>.settings.*}): {@code region} (default
 * us-east-1; the base URL is {@code https://bedrock-runtime.<region>.amazonaws.com} unless
 * {@code base-url} is set), {@code access-key-id}, {@code secret-access-key}, {@code session-token}
 * (SigV4; the default instance's come from {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY},
 * {@code AWS_SESSION_TOKEN} through the module's defaults file), {@code model-family} ({@code titan-v2}, {@code titan-g1} or {@code cohere}: the body for
 * model ids that name no known model, e.g. a provisioned-throughput ARN; default titan-v2).
 *
 * <p>Credentials: a Bedrock API key ({@code api-key}, sent as {@code Authorization: Bearer}) or SigV4
 * credentials. When both are configured the API key wins, as in the AWS SDKs when
 * {@code AWS_BEARER_TOKEN_BEDROCK} is set.
 */
@ApplicationScoped
public class BedrockAdapter implements ProviderAdapter {

    private static final System.Logger LOG = System.getLogger(BedrockAdapter.class.getName());

    public static final String TYPE = "bedrock";
    static final String DIMENSIONS = "dimensions";
    static final String EMBEDDING_TYPES = "embedding_types";
    static final String INPUT_TYPE = "input_type";
    static final String NORMALIZE = "normalize";
    static final String TRUNCATE = "truncate";
    static final String MAX_TOKENS = "max_tokens";
    /** What Cohere requires when nobody said what the texts are for: a document is the common case (indexing). */
    static final String DEFAULT_INPUT_TYPE = "search_document";

    static final String REGION = "region";
    static final String ACCESS_KEY_ID = "access-key-id";
    static final String SECRET_ACCESS_KEY = "secret-access-key";
    static final String SESSION_TOKEN = "session-token";
    static final String MODEL_FAMILY = "model-family";
    static final String DEFAULT_REGION = "us-east-1";
    /** A region is part of a host name: nothing else may reach it. */
    private static final Pattern REGION_SHAPE = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");

    /** Bedrock's options, declared once; each is sent only to the models whose body has it. */
    static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.integerOneOf(DIMENSIONS, 256, 512, 1024, 1536).foldsInto(OptionSpec.Fold.DIMENSIONS)
                    .sentAs("dimensions (Titan v2), output_dimension (Cohere v4)")
                    .describe("Output size: 256, 512, 1024 (Titan v2), or 1536 (Cohere v4); the same as the request's dimensions."),
            OptionSpec.listOf(EMBEDDING_TYPES, "float", "int8", "uint8", "binary", "ubinary").foldsInto(OptionSpec.Fold.DTYPE)
                    .describe("Element type, as a one-element list; native on Cohere models, computed by the gateway for Titan."),
            OptionSpec.oneOf(INPUT_TYPE, "search_document", "search_query", "classification", "clustering")
                    .foldsInto(OptionSpec.Fold.INPUT_TYPE)
                    .describe(
                            "Cohere models: what the texts are for; set by embedding_options.input_type, search_document when neither is given."),
            OptionSpec.bool(NORMALIZE).describe("Titan v2: unit-length vectors (Bedrock's default true). With false, also send "
                    + "embedding_options.normalize false, or the gateway normalises them."),
            OptionSpec.oneOf(TRUNCATE, "NONE", "START", "END", "LEFT", "RIGHT")
                    .describe("Cohere models: how an over-long input is shortened; Bedrock's default NONE makes it an error. "
                            + "v3 takes START/END, v4 is documented with LEFT/RIGHT; passed as given."),
            OptionSpec.integer(MAX_TOKENS, 1, 128_000).describe("Cohere v4: tokens kept per input before truncation."));

    /** embedding_options.input_type onto Cohere's input_type (as providers/cohere maps it). */
    private static final Map<InputType, String> INPUT_TYPE_VALUES;

    static {
        Map<InputType, String> m = new EnumMap<>(InputType.class);
        m.put(InputType.QUERY, "search_query");
        m.put(InputType.DOCUMENT, "search_document");
        m.put(InputType.CLASSIFICATION, "classification");
        m.put(InputType.CLUSTERING, "clustering");
        m.put(InputType.SIMILARITY, "clustering");
        m.put(InputType.CODE_QUERY, "search_query");
        m.put(InputType.CODE_DOCUMENT, "search_document");
        INPUT_TYPE_VALUES = Map.copyOf(m);
    }

    /** Quarkus' Vert.x instance: the HTTP client of every instance runs on its event loops. */
    @Inject
    Vertx vertx;

    /** What signatures are dated with; a fixed clock in tests. */
    Clock clock = Clock.systemUTC();

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String describe() {
        return "AWS Bedrock Runtime: POST {base}/model/{modelId}/invoke (Titan v2/G1, Cohere Embed v3/v4), SigV4 or a Bedrock API key";
    }

    @Override
    public Map<String, ModelCapabilities> knownModels() {
        Map<String, ModelCapabilities> out = new LinkedHashMap<>();
        BedrockModels.KNOWN.forEach((id, k) -> out.put(id, k.capabilities()));
        return out;
    }

    @Override
    public Optional<ModelCapabilities> knownModel(String upstreamModel) {
        return BedrockModels.known(upstreamModel).map(BedrockModels.Known::capabilities);
    }

    /** For a model id the adapter does not know (an opaque ARN): the instance's model family's batch size. */
    @Override
    public OptionalInt maxInputsPerCall(InstanceSettings instance) {
        return OptionalInt.of(fallbackFamily(instance) == Family.COHERE ? 96 : 1);
    }

    @Override
    public List<OptionSpec> options() {
        return OPTIONS;
    }

    /** Cohere models only: Titan has no input type (and takes no prefix either). */
    @Override
    public Optional<String> inputTypeValue(InputType type, String upstreamModel) {
        return BedrockModels.family(upstreamModel, Family.TITAN_V2) == Family.COHERE ? Optional.ofNullable(INPUT_TYPE_VALUES.get(type))
                : Optional.empty();
    }

    @Override
    public Optional<String> inputTypeValue(InstanceSettings instance, InputType type, String upstreamModel) {
        return BedrockModels.family(upstreamModel, fallbackFamily(instance)) == Family.COHERE
                ? Optional.ofNullable(INPUT_TYPE_VALUES.get(type))
                : Optional.empty();
    }

    @Override
    public List<String> validate(InstanceSettings settings) {
        List<String> problems = new ArrayList<>();
        String region = region(settings);
        if (!REGION_SHAPE.matcher(region).matches()) {
            problems.add("settings.region must be an AWS region such as us-east-1; got " + region);
            return problems;
        }
        problems.addAll(UpstreamHttp.urlProblems(withBaseUrl(settings)));
        settings.setting(MODEL_FAMILY).filter(f -> Family.fromSetting(f).isEmpty()).ifPresent(
                f -> problems.add("settings." + MODEL_FAMILY + " must be one of " + String.join(", ", BedrockModels.FAMILY_SETTINGS)));
        if (settings.apiKey().isEmpty() && credentials(settings).isEmpty()) {
            problems.add(settings.setting(ACCESS_KEY_ID).isPresent() || settings.setting(SECRET_ACCESS_KEY).isPresent()
                    ? "SigV4 needs both settings." + ACCESS_KEY_ID + " and settings." + SECRET_ACCESS_KEY
                    : "no credentials: set api-key (a Bedrock API key, AWS_BEARER_TOKEN_BEDROCK) or settings." + ACCESS_KEY_ID
                            + " and settings." + SECRET_ACCESS_KEY + " (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)");
        }
        return problems;
    }

    @Override
    public ProviderClient connect(InstanceSettings settings) {
        InstanceSettings s = withBaseUrl(settings);
        HttpProviderClient.Wire wire = new BedrockWire(fallbackFamily(settings)).wire();
        Optional<String> apiKey = settings.apiKey();
        if (apiKey.isPresent()) {
            if (credentials(settings).isPresent()) {
                // The AWS SDKs prefer AWS_BEARER_TOKEN_BEDROCK too; nothing secret in this line.
                LOG.log(System.Logger.Level.INFO, "Bedrock instance ''{0}'' has an API key and SigV4 credentials: the API key is used",
                        settings.name());
            }
            UpstreamEndpoint endpoint = UpstreamEndpoint.of(s, Map.of("Authorization", "Bearer " + apiKey.get()));
            return new HttpProviderClient(UpstreamHttp.connect(vertx, s, endpoint), apiKey.get(), wire);
        }
        AwsSigV4.Credentials credentials = credentials(settings).orElseThrow();
        UpstreamEndpoint endpoint = UpstreamEndpoint.of(s, Map.of());
        return new HttpProviderClient(UpstreamHttp.connect(vertx, s, endpoint), "", wire,
                new BedrockSigner(credentials, region(settings), clock));
    }

    /** The instance's SigV4 credentials; empty when either half of the key pair is missing. */
    static Optional<AwsSigV4.Credentials> credentials(InstanceSettings settings) {
        Optional<String> keyId = settings.setting(ACCESS_KEY_ID);
        Optional<String> secret = settings.setting(SECRET_ACCESS_KEY);
        if (keyId.isEmpty() || secret.isEmpty()) {
            return Optional.empty();
        }
        return Optional
                .of(new AwsSigV4.Credentials(keyId.get().trim(), secret.get().trim(), settings.setting(SESSION_TOKEN).map(String::trim)));
    }

    static String region(InstanceSettings settings) {
        return settings.setting(REGION).map(String::trim).orElse(DEFAULT_REGION);
    }

    /** The instance with its region's endpoint when no base URL is configured (an explicit one wins: a VPC endpoint, a fake). */
    static InstanceSettings withBaseUrl(InstanceSettings settings) {
        if (settings.baseUrl().isPresent()) {
            return settings;
        }
        return settings.withBaseUrl(Optional.of(URI.create("https://bedrock-runtime." + region(settings) + ".amazonaws.com")));
    }

    private static Family fallbackFamily(InstanceSettings instance) {
        return instance.setting(MODEL_FAMILY).flatMap(Family::fromSetting).orElse(Family.TITAN_V2);
    }
}
