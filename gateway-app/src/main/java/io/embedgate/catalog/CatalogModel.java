package io.embedgate.catalog;

import java.util.List;

import io.embedgate.spi.ModelCapabilities;

/**
 * A public model id and everything that serves it.
 *
 * @param candidates   active instances serving it, in configured order of preference
 * @param unavailable  configured instances that are disabled (no key, switched off), for error messages
 * @param capabilities what the model can do; every candidate yields the same vector space and size
 */
public record CatalogModel(String id, List<Candidate> candidates, List<String> unavailable, ModelCapabilities capabilities) {

    public boolean available() {
        return !candidates.isEmpty();
    }
}
