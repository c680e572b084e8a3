package io.embedgate.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class OptionSpecTest {

    static final List<OptionSpec> SPECS = List.of(
            OptionSpec.oneOf("input_type", "search_query", "search_document").foldsInto(OptionSpec.Fold.INPUT_TYPE),
            OptionSpec.integerOneOf("output_dimension", 256, 512, 1024).foldsInto(OptionSpec.Fold.DIMENSIONS),
            OptionSpec.integer("max_tokens", 1, 8192),
            OptionSpec.bool("truncation"),
            OptionSpec.text("prompt_name"),
            OptionSpec.listOf("embedding_types", "float", "int8").foldsInto(OptionSpec.Fold.DTYPE));

    @Test
    void validValuesPass() {
        Map<String, Object> ok = new LinkedHashMap<>();
        ok.put("input_type", "search_query");
        ok.put("output_dimension", 512);
        ok.put("max_tokens", 8192);
        ok.put("truncation", false);
        ok.put("prompt_name", "query");
        ok.put("embedding_types", List.of("int8"));
        assertEquals(List.of(), OptionSpec.validate(SPECS, ok));
    }

    @Test
    void eachProblemNamesItsFieldAndWhatIsValid() {
        Map<String, Object> bad = new LinkedHashMap<>();
        bad.put("input_type", "query");
        bad.put("output_dimension", 700);
        bad.put("max_tokens", 0);
        bad.put("truncation", "yes");
        bad.put("prompt_name", 3);
        bad.put("embedding_types", List.of());
        bad.put("colour", "red");
        List<OptionProblem> problems = OptionSpec.validate(SPECS, bad);
        assertEquals(List.of("input_type", "output_dimension", "max_tokens", "truncation", "prompt_name", "embedding_types", "colour"),
                problems.stream().map(OptionProblem::field).toList());
        assertEquals("input_type must be one of search_query, search_document; got query.", problems.get(0).message());
        assertEquals("output_dimension must be one of the integers 256, 512, 1024; got 700.", problems.get(1).message());
        assertEquals("max_tokens must be an integer from 1 to 8192; got 0.", problems.get(2).message());
        assertTrue(problems.get(6).message().contains("valid: input_type, output_dimension"), problems.get(6).message());
    }

    @Test
    void anAdapterWithoutOptionsRejectsAnyKey() {
        List<OptionProblem> p = OptionSpec.validate(List.of(), Map.of("x", 1));
        assertEquals("x", p.get(0).field());
    }
}
