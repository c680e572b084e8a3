package io.embedgate.api;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import jakarta.enterprise.inject.Any;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.media.Schema;

import io.embedgate.spi.InputType;
import io.embedgate.spi.OptionSpec;
import io.embedgate.spi.OutputDtype;
import io.embedgate.spi.ProviderAdapter;
import io.quarkus.arc.Arc;
import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * The schema of {@code embedding_options} in {@code /q/openapi}, generated at start-up from the
 * installed adapters' option declarations: the document always matches what the gateway accepts.
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.RUNTIME_STARTUP)
public class EmbeddingOptionsSchema implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null || openAPI.getComponents().getSchemas() == null) {
            return;
        }
        Schema request = openAPI.getComponents().getSchemas().get("EmbeddingRequest");
        if (request == null || request.getProperties() == null || !request.getProperties().containsKey("embedding_options")) {
            return;
        }
        List<ProviderAdapter> adapters = new ArrayList<>();
        Arc.container().select(ProviderAdapter.class, Any.Literal.INSTANCE).forEach(adapters::add);
        adapters.sort(Comparator.comparing(ProviderAdapter::type));
        Schema options = request.getProperties().get("embedding_options");
        options.addType(Schema.SchemaType.OBJECT);
        options.addProperty("normalize", OASFactory.createSchema().addType(Schema.SchemaType.BOOLEAN).defaultValue(true)
                .description("Return unit-length float vectors even where the provider does not."));
        Schema inputType = OASFactory.createSchema().addType(Schema.SchemaType.STRING)
                .description("What the texts are for; mapped to each provider's own option, or to the model's text prefix.");
        for (InputType t : InputType.values()) {
            inputType.addEnumeration(t.wireName());
        }
        options.addProperty("input_type", inputType);
        Schema dtype = OASFactory.createSchema().addType(Schema.SchemaType.STRING).defaultValue("float")
                .description("Element type; computed by the gateway where the provider cannot return it.");
        for (OutputDtype d : OutputDtype.values()) {
            dtype.addEnumeration(d.wireName());
        }
        options.addProperty("output_dtype", dtype);
        for (ProviderAdapter a : adapters) {
            if (a.options().isEmpty()) {
                continue;
            }
            Schema own = OASFactory.createSchema().addType(Schema.SchemaType.OBJECT).additionalPropertiesBoolean(false)
                    .description("Options of provider type '" + a.type() + "', forwarded only to its instances.");
            for (OptionSpec o : a.options()) {
                own.addProperty(o.name(), schema(o));
            }
            options.addProperty(a.type(), own);
        }
    }

    static Schema schema(OptionSpec o) {
        Schema s = OASFactory.createSchema().description(o.description().isEmpty() ? null : o.description());
        switch (o.kind()) {
            case ENUM -> {
                s.addType(Schema.SchemaType.STRING);
                o.values().forEach(s::addEnumeration);
            }
            case STRING -> s.addType(Schema.SchemaType.STRING);
            case BOOLEAN -> s.addType(Schema.SchemaType.BOOLEAN);
            case INTEGER -> {
                s.addType(Schema.SchemaType.INTEGER).minimum(BigDecimal.valueOf(o.min())).maximum(BigDecimal.valueOf(o.max()));
                o.values().forEach(v -> s.addEnumeration(Integer.valueOf(v)));
            }
            case ENUM_LIST -> {
                Schema item = OASFactory.createSchema().addType(Schema.SchemaType.STRING);
                o.values().forEach(item::addEnumeration);
                s.addType(Schema.SchemaType.ARRAY).items(item).minItems(1);
            }
        }
        return s;
    }
}
