package io.embedgate.catalog;

import java.util.List;
import java.util.Optional;

/**
 * What a request's {@code model} string resolved to.
 *
 * @param candidates the model's candidates, narrowed to the pinned provider when the id named one
 * @param pinned     the provider prefix of an id like {@code openai/text-embedding-3-small}
 */
public record ResolvedModel(CatalogModel model, List<Candidate> candidates, Optional<String> pinned) {
}
