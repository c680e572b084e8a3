package io.embedgate.observability;

import static io.embedgate.testing.Api.embed;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.embedgate.fakes.FakeOpenAi;
import io.embedgate.testing.FakeUpstreamsResource;
import io.embedgate.testing.InjectFake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The Grafana dashboard and the Prometheus alerts in deploy/monitoring use only metric and label
 * names that the gateway really publishes: after real traffic (a success, a cache hit, a 4xx, an
 * upstream failure, a retry and a fallback) every name in their PromQL must be in /q/metrics. A
 * renamed meter or label fails this test.
 */
@QuarkusTest
@WithTestResource(FakeUpstreamsResource.class)
class MonitoringAssetsTest {

    /** Labels Prometheus adds to every series of a target, never in the gateway's own scrape. */
    static final Set<String> TARGET_LABELS = Set.of("job", "instance");
    /** Series Prometheus makes itself (per target). */
    static final Set<String> SYNTHETIC_SERIES = Set.of("up");
    /**
     * Published only with a shared Redis, which this application has not: RedisClusterTest and
     * RedisSentinelTest assert their names and labels in /q/metrics.
     */
    static final Map<String, Set<String>> WITH_SHARED_REDIS = Map.of("embedgate_redis_node_up", Set.of("node", "role"));
    /** Labels whose values depend on the traffic (a 503 needs an overload): their values are not checked. */
    static final Set<String> TRAFFIC_VALUED_LABELS = Set.of("status", "provider", "model", "key_id", "from", "to");

    @InjectFake
    FakeOpenAi fake;

    @Test
    void everyMetricAndLabelTheDashboardAndTheAlertsUseIsPublished() throws Exception {
        driveTraffic();
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Files.writeString(Path.of("target", "monitoring-assets-scrape.txt"), text); // to read when this fails
        Scrape scrape = Scrape.parse(text);

        List<Query> queries = new ArrayList<>();
        queries.addAll(dashboardQueries(Files.readString(monitoringDir().resolve("grafana-dashboard.json"))));
        int dashboard = queries.size();
        Rules rules = rules(Files.readString(monitoringDir().resolve("prometheus-rules.yaml")));
        queries.addAll(rules.queries);
        assertTrue(dashboard >= 20, "the dashboard's queries were found: " + dashboard);
        assertTrue(rules.queries.size() >= 10, "the alerts were found: " + rules.queries.size());

        List<String> problems = check(queries, scrape, rules.recorded);
        assertTrue(problems.isEmpty(), "names in deploy/monitoring that the gateway does not publish (scrape in "
                + "gateway-app/target/monitoring-assets-scrape.txt):\n" + String.join("\n", problems));
    }

    /** The check is not vacuous: a renamed meter, label or label value is reported. */
    @Test
    void aRenamedMeterOrLabelIsReported() {
        Scrape scrape = Scrape.parse("""
                # TYPE embedgate_requests counter
                embedgate_requests_total{model="m",provider="p",status="200"} 3.0
                embedgate_upstream_duration_seconds_bucket{outcome="ok",provider="p",le="0.1"} 1.0
                embedgate_cache_lookups_total{result="hit"} 1.0
                """);
        Map<String, String> cases = Map.of(
                "sum by (job, status) (rate(embedgate_requests_total{instance=~\"$instance\"}[$__rate_interval]))", "",
                "sum(rate(embedgate_request_total[5m]))", "embedgate_request_total",
                "sum by (route) (rate(embedgate_requests_total[5m]))", "route",
                "rate(embedgate_requests_total{code=\"500\"}[5m])", "code",
                "histogram_quantile(0.95, sum by (le, provider) (rate(embedgate_upstream_duration_seconds_bucket[5m])))", "",
                "histogram_quantile(0.95, sum by (le) (rate(embedgate_upstream_duration_seconds_buckets[5m])))",
                "embedgate_upstream_duration_seconds_buckets",
                "rate(embedgate_cache_lookups_total{result=\"hits\"}[5m])", "hits",
                "up{job=\"embedgate\"} == 0", "");
        cases.forEach((expr, wrong) -> {
            List<String> problems = check(List.of(new Query("case", expr, Set.of())), scrape, Set.of());
            if (wrong.isEmpty()) {
                assertTrue(problems.isEmpty(), expr + ": " + problems);
            } else {
                assertTrue(problems.stream().anyMatch(m -> m.contains(wrong)), expr + ": " + problems);
            }
        });
    }

    @Test
    void theTokenizerFindsNamesAndSkipsTheRest() {
        Parsed p = Parsed.of("""
                sum by (job, provider) (rate(a_total{outcome!~"ok|x", q="v"}[$__rate_interval] offset 5m))
                  / ignoring(q) group_left(extra) sum without (z) (b_bucket) > bool 0.5e1
                  and on (job) max_over_time((c == 1)[10m:]) # a comment with d_total
                  or histogram_quantile(0.9, rate({__name__="e"}[5m])) unless inf""");
        assertEquals(List.of("a_total", "b_bucket", "c"), p.selectors.stream().map(s -> s.metric).filter(m -> m != null).toList());
        assertEquals(Set.of("job", "provider", "q", "extra", "z"), p.grouping);
        assertEquals(Set.of("outcome", "q"), p.selectors.get(0).labels);
        assertEquals(Map.of("q", "v"), p.selectors.get(0).equal);
    }

    // --- traffic -------------------------------------------------------------------------------

    private void driveTraffic() throws InterruptedException {
        fake.reset();
        String id = Long.toString(System.nanoTime());
        embed("{\"model\":\"text-embedding-3-small\",\"input\":\"monitoring ok " + id + "\"}").then().statusCode(200);
        String cached = "{\"model\":\"text-embedding-3-small\",\"input\":\"monitoring cached " + id
                + "\",\"orq\":{\"cache\":{\"type\":\"exact_match\",\"ttl\":600}}}";
        embed(cached).then().statusCode(200).header("x-embedgate-cache", "hits=0; misses=1");
        embed(cached).then().statusCode(200).header("x-embedgate-cache", "hits=1; misses=0");
        embed("{\"model\":\"no-such-model\",\"input\":\"monitoring 4xx\"}").then().statusCode(404);
        // The provider rejects the gateway's key: an upstream failure, a 502.
        embed("{\"model\":\"wrong-key-model\",\"input\":\"monitoring 502\"}").then().statusCode(502);
        // openai-down refuses connections: retried once, then the next instance answers.
        embed("""
                {"model":"text-embedding-3-large","input":"monitoring retry","provider":{"order":["openai-down","openai"]},\
                "orq":{"retry":{"count":1}}}""").then().statusCode(200).header("x-embedgate-provider", "openai");
        // Every instance of the model fails: a fallback model of the same size answers.
        embed("""
                {"model":"wrong-key-model","input":"monitoring fallback","orq":{"fallbacks":[{"model":"text-embedding-3-small"}]}}""")
                .then().statusCode(200).body("model", equalTo("text-embedding-3-small"));
        // The GC meters exist once a collection happened.
        System.gc();
        Thread.sleep(200);
    }

    // --- the assets ------------------------------------------------------------------------------

    record Query(String where, String expr, Set<String> legendLabels) {
    }

    static Path monitoringDir() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path m = d.resolve("deploy").resolve("monitoring");
            if (Files.isDirectory(m)) {
                return m;
            }
        }
        throw new IllegalStateException("deploy/monitoring not found above " + Path.of("").toAbsolutePath());
    }

    private static final Pattern LEGEND_LABEL = Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*}}");
    private static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\((?:(.*),)?\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*\\)\\s*$",
            Pattern.DOTALL);

    /** Every PromQL query of the dashboard: panel targets (rows included) and query variables. */
    static List<Query> dashboardQueries(String json) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json);
        List<Query> out = new ArrayList<>();
        collectPanels(root.path("panels"), out);
        for (JsonNode v : root.path("templating").path("list")) {
            if (!"query".equals(v.path("type").asText())) {
                continue;
            }
            JsonNode q = v.path("query");
            String text = q.isTextual() ? q.asText() : q.path("query").asText();
            Matcher m = LABEL_VALUES.matcher(text);
            if (!m.matches()) {
                throw new AssertionError("variable " + v.path("name").asText() + ": only label_values(...) queries are checked: " + text);
            }
            // label_values(selector, label): the label must be on the selected series, like a legend label.
            out.add(new Query("variable " + v.path("name").asText(), m.group(1) == null ? "" : m.group(1), Set.of(m.group(2))));
        }
        return out;
    }

    private static void collectPanels(JsonNode panels, List<Query> out) {
        for (JsonNode panel : panels) {
            for (JsonNode t : panel.path("targets")) {
                String expr = t.path("expr").asText("");
                if (expr.isBlank()) {
                    throw new AssertionError("panel '" + panel.path("title").asText() + "' has a target without expr");
                }
                Set<String> legend = new LinkedHashSet<>();
                Matcher m = LEGEND_LABEL.matcher(t.path("legendFormat").asText(""));
                while (m.find()) {
                    legend.add(m.group(1));
                }
                out.add(new Query("panel '" + panel.path("title").asText() + "'", expr, legend));
            }
            collectPanels(panel.path("panels"), out); // collapsed rows hold their panels
        }
    }

    record Rules(List<Query> queries, Set<String> recorded) {
    }

    static Rules rules(String yaml) throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        List<Query> queries = new ArrayList<>();
        Set<String> recorded = new TreeSet<>();
        for (JsonNode group : root.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String name = rule.has("alert") ? "alert " + rule.path("alert").asText() : "record " + rule.path("record").asText();
                if (rule.has("record")) {
                    recorded.add(rule.path("record").asText());
                }
                Set<String> templated = new LinkedHashSet<>();
                Matcher m = Pattern.compile("\\$labels\\.([A-Za-z_][A-Za-z0-9_]*)").matcher(rule.path("annotations").toString());
                while (m.find()) {
                    templated.add(m.group(1));
                }
                queries.add(new Query(name, rule.path("expr").asText(), templated));
            }
        }
        return new Rules(queries, recorded);
    }

    // --- the check ---------------------------------------------------------------------------------

    static List<String> check(List<Query> queries, Scrape scrape, Set<String> recorded) {
        List<String> problems = new ArrayList<>();
        for (Query q : queries) {
            Parsed p = Parsed.of(q.expr);
            Set<String> known = new TreeSet<>(TARGET_LABELS);
            for (Selector s : p.selectors) {
                if (s.metric == null) {
                    problems.add(q.where + ": a selector without a metric name: " + q.expr);
                    continue;
                }
                if (WITH_SHARED_REDIS.containsKey(s.metric)) {
                    known.addAll(WITH_SHARED_REDIS.get(s.metric));
                    continue;
                }
                if (SYNTHETIC_SERIES.contains(s.metric) || recorded.contains(s.metric)) {
                    continue;
                }
                Map<String, Set<String>> labels = scrape.labels.get(s.metric);
                if (labels == null) {
                    problems.add(q.where + ": metric " + s.metric + " is not in /q/metrics");
                    continue;
                }
                known.addAll(labels.keySet());
                for (String l : s.labels) {
                    if (!labels.containsKey(l) && !TARGET_LABELS.contains(l)) {
                        problems.add(q.where + ": metric " + s.metric + " has no label " + l + " (it has " + labels.keySet() + ")");
                    }
                }
                s.equal.forEach((l, v) -> {
                    if (labels.containsKey(l) && !TRAFFIC_VALUED_LABELS.contains(l) && !v.contains("$") && !labels.get(l).contains(v)) {
                        problems.add(
                                q.where + ": metric " + s.metric + " never has " + l + "=\"" + v + "\" (values " + labels.get(l) + ")");
                    }
                });
            }
            Set<String> used = new TreeSet<>(p.grouping);
            used.addAll(q.legendLabels);
            for (String l : used) {
                if (!known.contains(l)) {
                    problems.add(q.where + ": label " + l + " is on none of the metrics of " + q.expr.strip());
                }
            }
        }
        return problems;
    }

    /** The sample names of a Prometheus text scrape, each with its label names and their values. */
    static final class Scrape {

        final Map<String, Map<String, Set<String>>> labels = new HashMap<>();

        static Scrape parse(String text) {
            Scrape s = new Scrape();
            for (String line : text.split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int end = 0;
                while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                    end++;
                }
                Map<String, Set<String>> labels = s.labels.computeIfAbsent(line.substring(0, end), k -> new HashMap<>());
                if (end < line.length() && line.charAt(end) == '{') {
                    int i = end + 1;
                    while (i < line.length() && line.charAt(i) != '}') {
                        int eq = line.indexOf('=', i);
                        String name = line.substring(i, eq).strip();
                        StringBuilder value = new StringBuilder();
                        int j = eq + 2; // past ="
                        while (line.charAt(j) != '"') {
                            value.append(line.charAt(j) == '\\' ? line.charAt(++j) : line.charAt(j));
                            j++;
                        }
                        labels.computeIfAbsent(name, k -> new TreeSet<>()).add(value.toString());
                        i = j + 1;
                        while (i < line.length() && (line.charAt(i) == ',' || line.charAt(i) == ' ')) {
                            i++;
                        }
                    }
                }
            }
            return s;
        }
    }

    // --- PromQL, as far as names go ---------------------------------------------------------------

    /** A series selector: its metric name (null for {__name__=...}) and the labels its matchers use. */
    static final class Selector {

        final String metric;
        final Set<String> labels = new LinkedHashSet<>();
        /** Equality matchers, label to value. */
        final Map<String, String> equal = new HashMap<>();

        Selector(String metric) {
            this.metric = metric;
        }
    }

    /**
     * The names in a PromQL expression: series selectors and the labels of by / without / on /
     * ignoring / group_left / group_right. Strings, ranges and subqueries ([5m], [$__rate_interval],
     * [10m:]), numbers, comments and Grafana variables are skipped; an identifier followed by "(" is
     * a function, and aggregation operators and keywords are not metric names.
     */
    static final class Parsed {

        static final Set<String> GROUPING = Set.of("by", "without", "on", "ignoring", "group_left", "group_right");
        static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "atan2", "inf", "nan", "start", "end");
        static final Set<String> AGGREGATIONS = Set.of("sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values",
                "bottomk", "topk", "quantile", "limitk", "limit_ratio");

        final List<Selector> selectors = new ArrayList<>();
        final Set<String> grouping = new LinkedHashSet<>();
        private final String q;
        private int i;

        private Parsed(String q) {
            this.q = q;
        }

        static Parsed of(String expr) {
            Parsed p = new Parsed(expr);
            p.run();
            return p;
        }

        private void run() {
            while (i < q.length()) {
                char c = q.charAt(i);
                if (Character.isWhitespace(c)) {
                    i++;
                } else if (c == '#') {
                    while (i < q.length() && q.charAt(i) != '\n') {
                        i++;
                    }
                } else if (c == '"' || c == '\'' || c == '`') {
                    string();
                } else if (c == '[') {
                    int close = q.indexOf(']', i);
                    i = close < 0 ? q.length() : close + 1;
                } else if (c == '$') {
                    i++;
                    if (i < q.length() && q.charAt(i) == '{') {
                        i = q.indexOf('}', i) + 1;
                    } else {
                        ident();
                    }
                } else if (c == '{') {
                    Selector s = new Selector(null);
                    matchers(s);
                    selectors.add(s);
                } else if (Character.isDigit(c) || c == '.') {
                    while (i < q.length() && (Character.isLetterOrDigit(q.charAt(i)) || q.charAt(i) == '.'
                            || ((q.charAt(i) == '+' || q.charAt(i) == '-') && (q.charAt(i - 1) == 'e' || q.charAt(i - 1) == 'E')))) {
                        i++;
                    }
                } else if (Character.isLetter(c) || c == '_' || c == ':') {
                    word();
                } else {
                    i++;
                }
            }
        }

        private void word() {
            String w = ident();
            char next = peek();
            if (GROUPING.contains(w)) {
                if (next == '(') {
                    i = q.indexOf('(', i) + 1;
                    while (peek() != ')' && i < q.length()) {
                        if (peek() == ',') {
                            i = q.indexOf(',', i) + 1;
                        } else {
                            skipSpace();
                            grouping.add(ident());
                        }
                    }
                    i++;
                }
            } else if (w.equals("offset")) {
                skipSpace();
                ident(); // the duration
            } else if (KEYWORDS.contains(w.toLowerCase()) || AGGREGATIONS.contains(w) || next == '(') {
                // an operator, a literal or a function
            } else {
                Selector s = new Selector(w);
                if (next == '{') {
                    matchers(s);
                }
                selectors.add(s);
            }
        }

        /** {label op "value", ...}, from the opening brace (perhaps after spaces) to past the closing one. */
        private void matchers(Selector s) {
            i = q.indexOf('{', i) + 1;
            while (i < q.length()) {
                skipSpace();
                char c = q.charAt(i);
                if (c == '}') {
                    i++;
                    return;
                }
                if (c == ',') {
                    i++;
                    continue;
                }
                String label = ident();
                if (label.isEmpty()) {
                    throw new IllegalArgumentException("cannot read the matchers at " + i + " of " + q);
                }
                skipSpace();
                int opStart = i;
                while (i < q.length() && "=!~".indexOf(q.charAt(i)) >= 0) {
                    i++;
                }
                String op = q.substring(opStart, i);
                skipSpace();
                String value = string();
                s.labels.add(label);
                if (op.equals("=")) {
                    s.equal.put(label, value);
                }
            }
        }

        private String string() {
            char quote = q.charAt(i++);
            StringBuilder b = new StringBuilder();
            while (i < q.length() && q.charAt(i) != quote) {
                if (q.charAt(i) == '\\' && quote != '`') {
                    i++;
                }
                b.append(q.charAt(i++));
            }
            i++;
            return b.toString();
        }

        private String ident() {
            int start = i;
            while (i < q.length() && (Character.isLetterOrDigit(q.charAt(i)) || q.charAt(i) == '_' || q.charAt(i) == ':')) {
                i++;
            }
            return q.substring(start, i);
        }

        private char peek() {
            skipSpace();
            return i < q.length() ? q.charAt(i) : 0;
        }

        private void skipSpace() {
            while (i < q.length() && Character.isWhitespace(q.charAt(i))) {
                i++;
            }
        }
    }
}
