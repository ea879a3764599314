package dev.playback.tools.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.tools.metrics.MetricsSummary;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Metric;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The health figures of a deployed stack from CloudWatch, over the last hour (GetMetricData, one period): every metric of
 * the namespace {@code Playback/<stack>} (sum, maximum and sample count), and the throttles of the stack's resources:
 * {@code AWS/Lambda Throttles} of its functions (named {@code <stack>-...}), {@code AWS/DynamoDB ThrottledRequests} of
 * its tables and {@code AWS/Kinesis WriteProvisionedThroughputExceeded} of its streams.
 */
public final class CloudWatchMetrics implements ConsoleMetrics {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Duration WINDOW = Duration.ofHours(1);
    private static final int QUERIES_PER_CALL = 500;

    private final CloudWatchClient cloudWatch;
    private final String stack;
    private final Set<String> tables;
    private final Set<String> streams;
    private final List<String> processors;

    public CloudWatchMetrics(CloudWatchClient cloudWatch, String stack, Set<String> tables, Set<String> streams, List<String> processors) {
        this.cloudWatch = cloudWatch;
        this.stack = stack;
        this.tables = Set.copyOf(tables);
        this.streams = Set.copyOf(streams);
        this.processors = List.copyOf(processors);
    }

    /** The namespace the stack's functions put their EMF metrics in. */
    String namespace() {
        return "Playback/" + stack;
    }

    @Override
    public ObjectNode health() {
        Instant to = Instant.now();
        Instant from = to.minus(WINDOW);
        List<Metric> own = list(namespace(), null, m -> true);
        Map<String, Double> sum = new HashMap<>(), max = new HashMap<>(), count = new HashMap<>();
        query(own, from, to, sum, max, count);
        List<MetricsSummary.Row> rows = new ArrayList<>();
        for (int i = 0; i < own.size(); i++) {
            Metric m = own.get(i);
            double values = count.getOrDefault("c" + i, 0.0);
            if (values == 0) continue;
            rows.add(new MetricsSummary.Row(m.metricName(), dimension(m), "None", (long) values, sum.getOrDefault("s" + i, 0.0),
                    max.getOrDefault("m" + i, 0.0), from, to));
        }
        List<Metric> throttled = new ArrayList<>();
        throttled.addAll(list("AWS/Lambda", "Throttles", m -> m.dimensions().stream()
                .anyMatch(d -> d.name().equals("FunctionName") && d.value().startsWith(stack + "-"))));
        throttled.addAll(list("AWS/DynamoDB", "ThrottledRequests", m -> m.dimensions().stream()
                .anyMatch(d -> d.name().equals("TableName") && tables.contains(d.value()))));
        throttled.addAll(list("AWS/Kinesis", "WriteProvisionedThroughputExceeded", m -> m.dimensions().stream()
                .anyMatch(d -> d.name().equals("StreamName") && streams.contains(d.value()))));
        Map<String, Double> tSum = new HashMap<>(), tMax = new HashMap<>(), tCount = new HashMap<>();
        query(throttled, from, to, tSum, tMax, tCount);
        ArrayNode throttles = JSON.arrayNode();
        for (int i = 0; i < throttled.size(); i++) {
            Metric m = throttled.get(i);
            throttles.addObject().put("what", m.namespace() + " " + m.metricName() + " " + dimension(m))
                    .put("count", Math.round(tSum.getOrDefault("s" + i, 0.0)));
        }
        ObjectNode n = JSON.objectNode().put("source", "CloudWatch namespace " + namespace() + " and the throttles of the stack's "
                + "functions, tables and streams, over the last hour");
        ObjectNode body = LocalLogMetrics.HealthFigures.of(n, rows, processors, throttles, null);
        body.put("from", from.toString()).put("to", to.toString());
        return body;
    }

    @Override
    public void close() {
        cloudWatch.close();
    }

    static String dimension(Metric m) {
        return m.dimensions().stream().map(d -> d.name() + "=" + d.value()).sorted().collect(Collectors.joining(","));
    }

    private List<Metric> list(String namespace, String metricName, Predicate<Metric> keep) {
        List<Metric> out = new ArrayList<>();
        try {
            for (var page : cloudWatch.listMetricsPaginator(b -> b.namespace(namespace).metricName(metricName))) {
                page.metrics().stream().filter(keep).forEach(out::add);
            }
        } catch (RuntimeException e) {
            throw new ConsoleException(502, "CloudWatch ListMetrics of " + namespace + (metricName == null ? "" : " " + metricName)
                    + " failed: " + e.getMessage(), e);
        }
        return out;
    }

    /** Sum, maximum and sample count of each metric over [from, to) in one period, by id {@code s<i>}, {@code m<i>}, {@code c<i>}. */
    private void query(List<Metric> metrics, Instant from, Instant to, Map<String, Double> sum, Map<String, Double> max, Map<String, Double> count) {
        List<MetricDataQuery> queries = new ArrayList<>();
        for (int i = 0; i < metrics.size(); i++) {
            Metric m = metrics.get(i);
            queries.add(stat("s" + i, m, "Sum"));
            queries.add(stat("m" + i, m, "Maximum"));
            queries.add(stat("c" + i, m, "SampleCount"));
        }
        for (int start = 0; start < queries.size(); start += QUERIES_PER_CALL) {
            List<MetricDataQuery> part = queries.subList(start, Math.min(queries.size(), start + QUERIES_PER_CALL));
            try {
                for (var page : cloudWatch.getMetricDataPaginator(b -> b.metricDataQueries(part).startTime(from).endTime(to))) {
                    for (MetricDataResult r : page.metricDataResults()) {
                        double v = r.values().stream().mapToDouble(Double::doubleValue).sum();
                        Map<String, Double> into = r.id().startsWith("s") ? sum : r.id().startsWith("m") ? max : count;
                        into.merge(r.id(), v, r.id().startsWith("m") ? Math::max : Double::sum);
                    }
                }
            } catch (RuntimeException e) {
                throw new ConsoleException(502, "CloudWatch GetMetricData failed: " + e.getMessage(), e);
            }
        }
    }

    private static MetricDataQuery stat(String id, Metric m, String stat) {
        return MetricDataQuery.builder().id(id).returnData(true)
                .metricStat(s -> s.metric(m).period((int) WINDOW.toSeconds()).stat(stat)).build();
    }
}
