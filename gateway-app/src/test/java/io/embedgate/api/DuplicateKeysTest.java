package io.embedgate.api;

import static io.embedgate.testing.Api.embed;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.testing.FakeUpstreamsResource;
import io.embedgate.testing.InjectFake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A key repeated within one JSON object is a 400 naming it, wherever it is. Found by RequestBodyFuzzIT:
 * a repeated field of a nested object ({@code orq.cache}, {@code orq.retry}, ...) was a 500 without
 * the error envelope, because Jackson cannot assign a record's constructor parameter twice.
 */
@QuarkusTest
@WithTestResource(FakeUpstreamsResource.class)
class DuplicateKeysTest {

    @InjectFake
    FakeOpenAi fake;

    @BeforeEach
    void reset() {
        fake.reset();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            top-level field              | {"model":"text-embedding-3-small","input":"x","model":"text-embedding-3-large"} | model
            nested record field          | {"model":"text-embedding-3-small","input":"x","orq":{"cache":{"type":"exact_match","ttl":1,"type":null}}} | orq.cache.type
            same value twice             | {"model":"text-embedding-3-small","input":"x","orq":{"retry":{"count":1,"count":1}}} | orq.retry.count
            inside an array item         | {"model":"text-embedding-3-small","input":"x","orq":{"load_balancer":[{"model":"text-embedding-3-small","weight":1,"weight":2}]}} | orq.load_balancer[0].weight
            free-form object             | {"model":"text-embedding-3-small","input":"x","embedding_options":{"normalize":true,"normalize":false}} | embedding_options.normalize
            """)
    void aRepeatedKeyIs400NamingIt(String name, String body, String param) {
        embed(body).then().statusCode(400)
                .header("content-type", startsWith("application/json"))
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.param", equalTo(param))
                .body("error.message", containsString("more than once"));
        assertEquals(0, fake.callCount(), "nothing may reach upstream");
    }

    @Test
    void equalKeysInDifferentObjectsAreFine() {
        embed("""
                {"model":"text-embedding-3-small","input":"x",\
                "orq":{"fallbacks":[{"model":"text-embedding-3-small"},{"model":"openai/text-embedding-3-small"}]}}""")
                .then().statusCode(200);
    }
}
