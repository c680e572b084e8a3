package io.embedgate.routing;

import java.util.List;

import io.embedgate.catalog.Candidate;

/** One model to try, at one size, with its candidates in order. */
record Plan(EmbeddingJob job, List<Candidate> candidates) {
}
