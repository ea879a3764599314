package dev.playback.lambdas.telemetry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One invocation's metrics in CloudWatch's embedded metric format: values are added as the invocation goes and
 * {@link #flush} writes them, one raw JSON line per dimension value, through the SLF4J logger {@value #LOGGER} (whose
 * appender writes the message as it is, so that CloudWatch reads the line from the function's output):
 * <pre>
 * {"_aws":{"Timestamp":1733356800000,"CloudWatchMetrics":[{"Namespace":"Playback/stack","Dimensions":[["Processor"]],
 *   "Metrics":[{"Name":"EventsApplied","Unit":"Count"}]}]},"Processor":"ledger","EventsApplied":3,"function":"…",…}
 * </pre>
 * The log keys of the flushing thread ({@link LogContext}: function, request id, replay id, generation, execution ARN)
 * go in as plain properties, never as dimensions. Counts add up; a duration keeps the largest value. Thread-safe.
 */
public final class EmbeddedMetrics {
    /** The logger whose lines are EMF documents. */
    public static final String LOGGER = "playback.metrics";
    /** The variable naming the CloudWatch namespace; template.yaml sets it to {@code Playback/<stack name>}. */
    public static final String NAMESPACE_VARIABLE = "PLAYBACK_METRICS_NAMESPACE";
    public static final String DEFAULT_NAMESPACE = "Playback/local";

    private static final Logger OUT = LoggerFactory.getLogger(LOGGER);
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Key(String dimension, String value) {
    }

    private final String namespace;
    private final Clock clock;
    private final Map<Key, Map<Metric, Long>> values = new LinkedHashMap<>();

    public EmbeddedMetrics(String namespace, Clock clock) {
        this.namespace = namespace;
        this.clock = clock;
    }

    /** Metrics in the namespace {@value #NAMESPACE_VARIABLE} names in {@code environment} ({@value #DEFAULT_NAMESPACE} if unset). */
    public static EmbeddedMetrics from(Map<String, String> environment, Clock clock) {
        String namespace = environment.get(NAMESPACE_VARIABLE);
        return new EmbeddedMetrics(namespace == null || namespace.isBlank() ? DEFAULT_NAMESPACE : namespace, clock);
    }

    public String namespace() {
        return namespace;
    }

    /** Adds {@code n} to the count {@code metric} for {@code dimensionValue} (its dimension is the metric's own). */
    public synchronized void count(Metric metric, String dimensionValue, long n) {
        if (metric.unit() != Metric.Unit.COUNT) throw new IllegalArgumentException(metric.metricName() + " is not a count");
        values.computeIfAbsent(new Key(metric.dimension(), dimensionValue), k -> new LinkedHashMap<>()).merge(metric, n, Long::sum);
    }

    /**
     * Records the duration or level {@code metric} (in its unit) for {@code dimensionValue}; of several in one flush the
     * largest is written.
     */
    public synchronized void largest(Metric metric, String dimensionValue, long value) {
        if (metric.unit() == Metric.Unit.COUNT) throw new IllegalArgumentException(metric.metricName() + " is a count, not a duration");
        values.computeIfAbsent(new Key(metric.dimension(), dimensionValue), k -> new LinkedHashMap<>()).merge(metric, value, Math::max);
    }

    /** These metrics as model's port: its counts by metric name ({@link Metric#named}). */
    public Metrics port() {
        return (metric, dimensionValue, n) -> count(Metric.named(metric), dimensionValue, n);
    }

    /** The EMF documents of what was added since the last flush, one per dimension value; then forgets it. */
    public synchronized List<String> drain() {
        long now = clock.millis();
        Map<String, String> properties = LogContext.current();
        List<String> lines = values.entrySet().stream().map(e -> document(now, e.getKey(), e.getValue(), properties)).toList();
        values.clear();
        return lines;
    }

    /** Writes what was added since the last flush (nothing if nothing was). */
    public void flush() {
        for (String line : drain()) OUT.info(line);
    }

    private String document(long timestamp, Key key, Map<Metric, Long> metrics, Map<String, String> properties) {
        ObjectNode doc = JSON.createObjectNode();
        ObjectNode aws = doc.putObject("_aws");
        aws.put("Timestamp", timestamp);
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", namespace);
        directive.putArray("Dimensions").addArray().add(key.dimension());
        ArrayNode names = directive.putArray("Metrics");
        metrics.keySet().forEach(m -> names.addObject().put("Name", m.metricName()).put("Unit", m.unit().cloudWatch()));
        doc.put(key.dimension(), key.value());
        metrics.forEach((m, v) -> doc.put(m.metricName(), v));
        properties.forEach((name, value) -> {
            if (!doc.has(name)) doc.put(name, value);
        });
        return doc.toString();
    }
}
