package dev.playback.tools.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.tools.metrics.MetricsSummary;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The health figures of the local stack, from the EMF lines of its function log file ({@link MetricsSummary}): lag and
 * events applied per processor, records set aside per service, every metric row. The emulators never throttle:
 * {@code throttles} is null and {@code throttlesNote} says so. The file is read again only when it changed.
 */
public final class LocalLogMetrics implements ConsoleMetrics {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    static final String THROTTLES_NOTE = "the local emulators never throttle: throttles are measured on AWS only (CloudWatch)";

    private final Supplier<Optional<Path>> file;
    private final List<String> processors;
    private Path readFile;
    private long readSize = -1;
    private FileTime readTime;
    private List<MetricsSummary.Row> rows = List.of();

    /** @param file the log file to read now (empty: none, e.g. with {@code --verbose}); @param processors shown even without figures */
    public LocalLogMetrics(Supplier<Optional<Path>> file, List<String> processors) {
        this.file = file;
        this.processors = List.copyOf(processors);
    }

    /** The newest {@code local-*.log} in {@code folder} (the log file of a running {@code playback local}). */
    public static Optional<Path> newestLocalLog(Path folder) {
        if (!Files.isDirectory(folder)) return Optional.empty();
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> p.getFileName().toString().matches("local-.*\\.log")).max(Comparator.comparing(Path::toString));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized ObjectNode health() {
        Optional<Path> now = file.get();
        ObjectNode n = JSON.objectNode();
        if (now.isEmpty()) {
            n.put("source", "no function log file (playback local --verbose prints the metric lines instead of writing them to a file)");
            rows = List.of();
        } else {
            n.put("source", now.get().toString());
            refresh(now.get());
        }
        return HealthFigures.of(n, rows, processors, null, THROTTLES_NOTE);
    }

    private void refresh(Path path) {
        try {
            long size = Files.size(path);
            FileTime time = Files.getLastModifiedTime(path);
            if (path.equals(readFile) && size == readSize && time.equals(readTime)) return;
            rows = MetricsSummary.read(path);
            readFile = path;
            readSize = size;
            readTime = time;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the function log file " + path + ": " + e.getMessage(), e);
        }
    }

    /** The health body from metric rows (shared by the local file and CloudWatch). */
    static final class HealthFigures {
        private HealthFigures() {
        }

        static ObjectNode of(ObjectNode n, List<MetricsSummary.Row> rows, List<String> processors, ArrayNode throttles, String throttlesNote) {
            Instant from = rows.stream().map(MetricsSummary.Row::first).min(Instant::compareTo).orElse(null);
            Instant to = rows.stream().map(MetricsSummary.Row::last).max(Instant::compareTo).orElse(null);
            if (from == null) n.putNull("from");
            else n.put("from", from.toString());
            if (to == null) n.putNull("to");
            else n.put("to", to.toString());
            ArrayNode ps = n.putArray("processors");
            for (String p : processors) {
                ObjectNode o = ps.addObject().put("processor", p);
                Optional<MetricsSummary.Row> lag = row(rows, "ProcessorLag", "Processor=" + p);
                if (lag.isPresent()) {
                    o.put("lagMillisMax", lag.get().max()).put("lagMillisMean", Math.round(lag.get().mean() * 10) / 10.0);
                } else {
                    o.putNull("lagMillisMax").putNull("lagMillisMean");
                }
                o.put("applied", (long) row(rows, "EventsApplied", "Processor=" + p).map(MetricsSummary.Row::sum).orElse(0.0).doubleValue());
            }
            ArrayNode setAside = n.putArray("setAside");
            for (String service : List.of("pump", "processor")) {
                setAside.addObject().put("service", service)
                        .put("records", (long) row(rows, "RecordsSetAside", "Service=" + service).map(MetricsSummary.Row::sum).orElse(0.0).doubleValue());
            }
            if (throttles == null) n.putNull("throttles");
            else n.set("throttles", throttles);
            if (throttlesNote == null) n.putNull("throttlesNote");
            else n.put("throttlesNote", throttlesNote);
            ArrayNode metrics = n.putArray("metrics");
            for (MetricsSummary.Row r : rows) {
                metrics.addObject().put("metric", r.metric()).put("dimension", r.dimension()).put("unit", r.unit())
                        .put("sum", r.sum()).put("max", r.max()).put("values", r.values());
            }
            return n;
        }

        private static Optional<MetricsSummary.Row> row(List<MetricsSummary.Row> rows, String metric, String dimension) {
            return rows.stream().filter(r -> r.metric().equals(metric) && r.dimension().equals(dimension)).findFirst();
        }
    }
}
