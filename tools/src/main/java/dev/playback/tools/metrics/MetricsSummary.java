package dev.playback.tools.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What the functions' metrics say, from the CloudWatch embedded metric format lines the local stack wrote under
 * {@code .playback/logs/} (in the log files, {@code *.log}, beside the JSON log lines; also {@code *.jsonl}): per metric
 * and dimension value the sum of a count, the largest and the mean of any other unit, and the time the lines span.
 * Lines that are not EMF documents are passed over; an EMF document that cannot be read is refused, naming its file
 * and line.
 */
public final class MetricsSummary {
    private static final ObjectMapper JSON = new ObjectMapper();

    private MetricsSummary() {
    }

    /** One metric for one dimension value: its unit and values. */
    public record Row(String metric, String dimension, String unit, long values, double sum, double max, Instant first, Instant last) {
        Row add(double value, Instant at) {
            return new Row(metric, dimension, unit, values + 1, sum + value, Math.max(max, value),
                    first.isBefore(at) ? first : at, last.isAfter(at) ? last : at);
        }

        public boolean isCount() {
            return unit.equals("Count");
        }

        public double mean() {
            return values == 0 ? 0 : sum / values;
        }
    }

    /** The rows of every EMF line of the files under {@code logsDir} (or of that one file), by metric then dimension value. */
    public static List<Row> read(Path logsDir) {
        Map<String, Row> rows = new TreeMap<>();
        for (Path file : files(logsDir)) {
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).trim();
                if (!line.startsWith("{") || !line.contains("\"_aws\"")) continue;
                read(line, file + ":" + (i + 1), rows);
            }
        }
        return List.copyOf(rows.values());
    }

    private static List<Path> files(Path logsDir) {
        if (Files.isRegularFile(logsDir)) return List.of(logsDir);
        if (!Files.isDirectory(logsDir)) return List.of();
        try (Stream<Path> s = Files.walk(logsDir)) {
            return s.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".log") || p.toString().endsWith(".jsonl"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + logsDir + ": " + e.getMessage(), e);
        }
    }

    private static void read(String line, String where, Map<String, Row> rows) {
        JsonNode doc;
        try {
            doc = JSON.readTree(line);
        } catch (IOException e) {
            throw new IllegalArgumentException(where + ": not a JSON document: " + e.getMessage(), e);
        }
        JsonNode aws = doc.path("_aws");
        if (!aws.path("Timestamp").isNumber()) throw new IllegalArgumentException(where + ": _aws.Timestamp is not a number");
        Instant at = Instant.ofEpochMilli(aws.path("Timestamp").asLong());
        if (!aws.path("CloudWatchMetrics").isArray()) throw new IllegalArgumentException(where + ": _aws.CloudWatchMetrics is not a list");
        for (JsonNode directive : aws.path("CloudWatchMetrics")) {
            List<String> dimensionSets = new ArrayList<>();
            for (JsonNode set : directive.path("Dimensions")) {
                List<String> parts = new ArrayList<>();
                for (JsonNode name : set) {
                    JsonNode value = doc.get(name.asText());
                    if (value == null || !value.isTextual()) {
                        throw new IllegalArgumentException(where + ": dimension " + name.asText() + " has no text value in the document");
                    }
                    parts.add(name.asText() + "=" + value.asText());
                }
                dimensionSets.add(String.join(",", parts));
            }
            if (dimensionSets.isEmpty()) dimensionSets.add("");
            for (JsonNode metric : directive.path("Metrics")) {
                String name = metric.path("Name").asText();
                String unit = metric.path("Unit").asText("None");
                JsonNode value = doc.get(name);
                if (value == null) throw new IllegalArgumentException(where + ": metric " + name + " has no value in the document");
                List<Double> values = new ArrayList<>();
                if (value.isArray()) value.forEach(v -> values.add(number(v, name, where)));
                else values.add(number(value, name, where));
                for (String dimension : dimensionSets) {
                    for (double v : values) {
                        rows.merge(name + "\u0000" + dimension, new Row(name, dimension, unit, 1, v, v, at, at),
                                (old, added) -> old.add(v, at));
                    }
                }
            }
        }
    }

    private static double number(JsonNode v, String metric, String where) {
        if (!v.isNumber()) throw new IllegalArgumentException(where + ": metric " + metric + " is not a number: " + v);
        return v.asDouble();
    }

    /** The newest {@code *.log} file directly in {@code logsDir}, if there is one. */
    public static Optional<Path> newest(Path logsDir) {
        if (!Files.isDirectory(logsDir)) return Optional.empty();
        try (Stream<Path> s = Files.list(logsDir)) {
            return s.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".log"))
                    .max(Comparator.comparing((Path p) -> {
                        try {
                            return Files.getLastModifiedTime(p);
                        } catch (IOException e) {
                            throw new UncheckedIOException("cannot read the time of " + p + ": " + e.getMessage(), e);
                        }
                    }).thenComparing(Path::toString));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + logsDir + ": " + e.getMessage(), e);
        }
    }

    /** Prints the summary of the EMF lines under {@code logsDir} (or in that one file) to {@code out}. */
    public static void print(Path logsDir, PrintStream out) {
        List<Row> rows = read(logsDir);
        if (rows.isEmpty()) {
            out.println("no metrics under " + logsDir + " (the functions' EMF lines are written there by `playback demo` and `playback local`)");
            return;
        }
        int metricWidth = Math.max("metric".length(), rows.stream().mapToInt(r -> r.metric().length()).max().orElse(0));
        int dimensionWidth = Math.max("dimension".length(), rows.stream().mapToInt(r -> r.dimension().length()).max().orElse(0));
        String format = "%-" + metricWidth + "s  %-" + dimensionWidth + "s  %s%n";
        out.printf(format, "metric", "dimension", "value");
        for (Row r : rows) {
            String value = r.isCount() ? "sum " + number(r.sum())
                    : "max " + number(r.max()) + " avg " + number(r.mean()) + " " + r.unit() + " (" + r.values() + " values)";
            out.printf(format, r.metric(), r.dimension(), value);
        }
        Instant first = rows.stream().map(Row::first).min(Instant::compareTo).orElseThrow();
        Instant last = rows.stream().map(Row::last).max(Instant::compareTo).orElseThrow();
        out.println("from " + first + " to " + last + " (" + Duration.between(first, last).toSeconds() + " s)");
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(java.util.Locale.ROOT, "%.1f", v);
    }
}
