package io.embedgate.catalog;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.embedgate.spi.InputType;
import io.embedgate.spi.ModelCapabilities;

/**
 * A public model id and everything that serves it.
 *
 * @param candidates    active instances serving it, in configured order of preference
 * @param unavailable   configured instances that are disabled (no key, switched off), for error messages
 * @param capabilities  what the model can do; every candidate yields the same vector space and size
 * @param inputPrefixes text prefixes by input type, for models that expect them in the text
 * @param price         its list price, for the cost reported with each answer; empty when unknown
 */
public record CatalogModel(String id, List<Candidate> candidates, List<String> unavailable, ModelCapabilities capabilities,
        Map<InputType, String> inputPrefixes, Optional<Price> price) {

    public CatalogModel(String id, List<Candidate> candidates, List<String> unavailable, ModelCapabilities capabilities) {
        this(id, candidates, unavailable, capabilities, Map.of(), Optional.empty());
    }

    public boolean available() {
        return !candidates.isEmpty();
    }
}
