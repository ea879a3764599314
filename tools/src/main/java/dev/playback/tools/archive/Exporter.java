package dev.playback.tools.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.event.EventCodec;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.gateway.LoggedCommand;
import dev.playback.model.gateway.RecordedQuery;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPOutputStream;

/**
 * Writes an archive ({@link ArchiveFormat}) of the aggregates in an {@link ExportScope}: every event of each (payloads
 * kept aside read back and inlined), the query answers recorded for those events and their command logs, with the
 * fields to redact pseudonymised ({@link Redaction}).
 * <p>
 * The parts are first written to {@code FILE.partial/} (one JSON-lines file per part, the sorted list of aggregates,
 * and {@code state.json} with the count of aggregates done and each part file's length after them, saved after every
 * chunk). An export that finds that directory resumes after the last aggregate it records (the part files cut back
 * to the recorded lengths) and says so. At the end the manifest is computed from the part files and the archive
 * written to a temporary file and moved to {@code FILE}; the directory is deleted.
 */
public final class Exporter {
    static final String PARTIAL_SUFFIX = ".partial";
    private static final int CHUNK = 50;
    private static final int READERS = 8;
    private static final long PROGRESS_NANOS = 2_000_000_000L;

    private final StackData source;
    private final PrintStream out;
    private final Clock clock;
    private final int chunk;

    /** What one export wrote. */
    public record Result(Path file, long aggregates, long events, long queries, long commands, long bytes, double seconds,
                         boolean resumed) {
    }

    public Exporter(StackData source, PrintStream out, Clock clock) {
        this(source, out, clock, CHUNK);
    }

    /** {@code chunk}: aggregates read at once, and between two saves of the progress. */
    Exporter(StackData source, PrintStream out, Clock clock, int chunk) {
        this.source = source;
        this.out = out;
        this.clock = clock;
        this.chunk = chunk;
    }

    /** Refuses to export to {@code file} when it exists: an archive is never overwritten. */
    public static void refuseExisting(Path file) {
        if (Files.exists(file)) throw new IllegalArgumentException("option --out: " + file + " exists already: remove it or choose another file");
    }

    /** The work directory of an export to {@code file}. */
    public static Path partialOf(Path file) {
        return file.resolveSibling(file.getFileName() + PARTIAL_SUFFIX);
    }

    /**
     * Exports {@code scope} to {@code file}, redacting {@code redact} ({@code TYPE.FIELD}); {@code sourceJson} describes
     * the source in the manifest.
     */
    public Result export(ExportScope scope, List<String> redact, ObjectNode sourceJson, Path file) throws IOException {
        refuseExisting(file);
        long t0 = System.nanoTime();
        Path dir = partialOf(file);
        Work work = Files.isDirectory(dir) ? resume(dir, scope, redact) : start(dir, scope, redact);
        Redaction redaction = Redaction.of(redact, work.secret);
        List<String> aggregates = work.aggregates;
        ExecutorService pool = Executors.newFixedThreadPool(READERS, Importer.daemon("export-reader"));
        long events = work.lines.get(ArchiveFormat.EVENTS);
        long lastPrint = System.nanoTime();
        long eventsAtStart = events;
        try (Writer ev = append(dir, ArchiveFormat.EVENTS); Writer qu = append(dir, ArchiveFormat.QUERIES);
             Writer co = append(dir, ArchiveFormat.COMMANDS)) {
            for (int from = work.done; from < aggregates.size(); from += chunk) {
                List<Future<Exported>> reads = new ArrayList<>();
                for (String id : aggregates.subList(from, Math.min(aggregates.size(), from + chunk))) {
                    reads.add(pool.submit(() -> exportAggregate(id, redaction)));
                }
                for (Future<Exported> f : reads) {
                    Exported x = join(f);
                    write(ev, x.events);
                    write(qu, x.queries);
                    write(co, x.commands);
                    work.add(x);
                    events += x.events.size();
                }
                ev.flush();
                qu.flush();
                co.flush();
                work.done = Math.min(aggregates.size(), from + chunk);
                work.save(dir);
                if (System.nanoTime() - lastPrint > PROGRESS_NANOS) {
                    lastPrint = System.nanoTime();
                    out.printf(Locale.ROOT, "export: %,d of %,d aggregates, %,d events (%,.0f events/s)%n", work.done, aggregates.size(),
                            events, (events - eventsAtStart) / ((lastPrint - t0) / 1e9));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        long bytes = assemble(dir, file, work, scope, redaction, sourceJson);
        deleteTree(dir);
        return new Result(file, aggregates.size(), work.lines.get(ArchiveFormat.EVENTS), work.lines.get(ArchiveFormat.QUERIES),
                work.lines.get(ArchiveFormat.COMMANDS), bytes, (System.nanoTime() - t0) / 1e9, work.resumed);
    }

    /** The result of {@code f}; its failure thrown as it was (a runtime exception), an interruption as "run it again". */
    static <T> T join(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted; run the command again to resume", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The lines of one aggregate in the three parts. */
    private record Exported(String aggregateId, List<String> events, List<String> queries, List<String> commands) {
    }

    private Exported exportAggregate(String aggregateId, Redaction redaction) {
        List<EventEnvelope> stream = source.events().read(aggregateId, 1, Integer.MAX_VALUE);
        List<String> events = new ArrayList<>(stream.size());
        List<String> queries = new ArrayList<>();
        List<String> commands = new ArrayList<>();
        long expected = 1;
        for (EventEnvelope e : stream) {
            if (e.version() == null || e.version() != expected) {
                throw new IllegalStateException("aggregate " + aggregateId + " has version " + e.version() + " where " + expected
                        + " was expected: its events are not contiguous, nothing of it is exported");
            }
            expected++;
            events.add(EventCodec.toJson(redaction.apply(inline(e))).toString());
        }
        for (EventEnvelope e : stream) {
            for (RecordedQuery q : source.queriesOf(e.eventId())) queries.add(queryLine(q, redaction).toString());
        }
        List<String> ids = stream.stream().map(EventEnvelope::eventId).toList();
        for (String processor : source.commandProcessors()) {
            Map<String, List<LoggedCommand>> byEvent = source.commandsOf(processor, ids);
            for (String id : ids) {
                List<LoggedCommand> logged = byEvent.getOrDefault(id, List.of());
                for (int slot = 0; slot < logged.size(); slot++) commands.add(commandLine(logged.get(slot), slot, redaction).toString());
            }
        }
        return new Exported(aggregateId, events, queries, commands);
    }

    /** The event as archived: its payload inline (read back from the payload store by the event store), no reference. */
    static EventEnvelope inline(EventEnvelope e) {
        if (e.payload() == null) throw new IllegalStateException("event " + e.eventId() + " was read without its payload (" + e.payloadRef() + ")");
        return new EventEnvelope(e.eventId(), e.aggregateId(), e.type(), e.schemaVersion(), e.version(), null, e.occurredAt(),
                e.recordedAt(), e.payload(), null, e.metadata());
    }

    static ObjectNode queryLine(RecordedQuery q, Redaction redaction) {
        ObjectNode n = ArchiveFormat.JSON.createObjectNode();
        n.put("processor", q.key().processor()).put("eventId", q.key().eventId()).put("callSite", q.key().site().id())
                .put("requestHash", q.key().requestHash());
        n.set("request", redaction.applyToValues(q.request()));
        n.set("response", redaction.applyToValues(q.response()));
        n.put("recordedBy", q.recordedBy());
        return n;
    }

    static ObjectNode commandLine(LoggedCommand c, int slot, Redaction redaction) {
        ObjectNode n = ArchiveFormat.JSON.createObjectNode();
        n.put("processor", c.processor()).put("eventId", c.eventId()).put("slot", slot).put("callSite", c.site().id())
                .put("ordinal", c.ordinal()).put("disposition", c.disposition().name()).put("idempotencyKey", c.idempotencyKey());
        if (c.replayId() != null) n.put("replayId", c.replayId());
        n.set("command", redaction.applyToValues(c.command()));
        return n;
    }

    private static void write(Writer w, List<String> lines) throws IOException {
        for (String l : lines) {
            w.write(l);
            w.write('\n');
        }
    }

    private static Writer append(Path dir, String part) throws IOException {
        return new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(dir.resolve(part + ".jsonl"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.APPEND), StandardCharsets.UTF_8), 1 << 16);
    }

    private Work start(Path dir, ExportScope scope, List<String> redact) throws IOException {
        List<String> aggregates = scope.resolve(source.index(), source::allAggregates, clock.instant());
        byte[] secret = new byte[32];
        new java.security.SecureRandom().nextBytes(secret);
        Files.createDirectories(dir);
        Work w = new Work(scope.toJson(), List.copyOf(redact), secret, aggregates, 0, false);
        Files.write(dir.resolve("aggregates.jsonl"), aggregates.stream().map(a -> ArchiveFormat.JSON.valueToTree(a).toString()).toList(),
                StandardCharsets.UTF_8);
        for (String p : ArchiveFormat.PARTS) Files.write(dir.resolve(p + ".jsonl"), new byte[0]);
        w.save(dir);
        out.printf(Locale.ROOT, "exporting %,d aggregates from %s (work directory %s)%n", aggregates.size(), source.where(), dir);
        return w;
    }

    private Work resume(Path dir, ExportScope scope, List<String> redact) throws IOException {
        Work w = Work.load(dir);
        if (!w.scope.equals(scope.toJson()) || !w.redact.equals(redact)) {
            throw new IllegalArgumentException(dir + " holds an interrupted export of another scope or redaction (" + w.scope + ", redact "
                    + w.redact + "): export to another --out, or delete that directory to start again");
        }
        for (String p : ArchiveFormat.PARTS) {
            try (FileChannel c = FileChannel.open(dir.resolve(p + ".jsonl"), StandardOpenOption.WRITE)) {
                c.truncate(w.bytes.get(p));
            }
        }
        out.printf(Locale.ROOT, "resuming the interrupted export in %s after aggregate %s (%,d of %,d aggregates, %,d events done)%n", dir,
                w.done == 0 ? "(none)" : w.aggregates.get(w.done - 1), w.done, w.aggregates.size(), w.lines.get(ArchiveFormat.EVENTS));
        return w;
    }

    /** The progress of an export, saved in {@code state.json} after each chunk. */
    private static final class Work {
        final ObjectNode scope;
        final List<String> redact;
        final byte[] secret;
        final List<String> aggregates;
        int done;
        final boolean resumed;
        final Map<String, Long> bytes = new LinkedHashMap<>();
        final Map<String, Long> lines = new LinkedHashMap<>();

        Work(ObjectNode scope, List<String> redact, byte[] secret, List<String> aggregates, int done, boolean resumed) {
            this.scope = scope;
            this.redact = redact;
            this.secret = secret;
            this.aggregates = aggregates;
            this.done = done;
            this.resumed = resumed;
            for (String p : ArchiveFormat.PARTS) {
                bytes.put(p, 0L);
                lines.put(p, 0L);
            }
        }

        void add(Exported x) {
            count(ArchiveFormat.EVENTS, x.events());
            count(ArchiveFormat.QUERIES, x.queries());
            count(ArchiveFormat.COMMANDS, x.commands());
        }

        private void count(String part, List<String> added) {
            long b = 0;
            for (String l : added) b += l.getBytes(StandardCharsets.UTF_8).length + 1;
            bytes.merge(part, b, Long::sum);
            lines.merge(part, (long) added.size(), Long::sum);
        }

        /** Written to a temporary file and moved: a crash leaves the state before or after, never half of it. */
        void save(Path dir) throws IOException {
            ObjectNode n = ArchiveFormat.JSON.createObjectNode();
            n.set("scope", scope);
            n.set("redact", ArchiveFormat.JSON.valueToTree(redact));
            // The pseudonyms' secret stays on this machine, beside the unfinished parts; it is never written into the archive.
            n.put("secret", Base64.getEncoder().encodeToString(secret));
            n.put("done", done);
            n.set("bytes", ArchiveFormat.JSON.valueToTree(bytes));
            n.set("lines", ArchiveFormat.JSON.valueToTree(lines));
            Path tmp = dir.resolve("state.json.tmp");
            Files.writeString(tmp, n.toString());
            Files.move(tmp, dir.resolve("state.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }

        static Work load(Path dir) throws IOException {
            JsonNode n = ArchiveFormat.JSON.readTree(Files.readString(dir.resolve("state.json")));
            List<String> aggregates = new ArrayList<>();
            for (String line : Files.readAllLines(dir.resolve("aggregates.jsonl"), StandardCharsets.UTF_8)) {
                if (!line.isEmpty()) aggregates.add(ArchiveFormat.JSON.readTree(line).asText());
            }
            List<String> redact = new ArrayList<>();
            n.path("redact").forEach(r -> redact.add(r.asText()));
            Work w = new Work((ObjectNode) n.get("scope"), redact, Base64.getDecoder().decode(n.path("secret").asText()), aggregates,
                    n.path("done").asInt(), true);
            for (String p : ArchiveFormat.PARTS) {
                w.bytes.put(p, n.path("bytes").path(p).asLong());
                w.lines.put(p, n.path("lines").path(p).asLong());
            }
            return w;
        }
    }

    /** Computes the manifest from the part files, writes the archive to a temporary file and moves it to {@code file}. */
    private long assemble(Path dir, Path file, Work work, ExportScope scope, Redaction redaction, ObjectNode sourceJson) throws IOException {
        ObjectNode m = ArchiveFormat.JSON.createObjectNode();
        m.put("format", ArchiveFormat.NAME);
        m.put("formatVersion", ArchiveFormat.VERSION);
        m.put("createdAt", clock.instant().toString());
        m.set("source", sourceJson);
        m.set("scope", scope.toJson());
        m.set("redacted", ArchiveFormat.JSON.valueToTree(redaction.fields()));
        m.put("aggregates", work.aggregates.size());
        EventFigures figures = EventFigures.of(dir.resolve(ArchiveFormat.EVENTS + ".jsonl"));
        m.put("events", figures.events);
        m.set("countsByType", ArchiveFormat.JSON.valueToTree(figures.byType));
        if (figures.first != null) m.put("firstRecordedAt", figures.first.toString());
        if (figures.last != null) m.put("lastRecordedAt", figures.last.toString());
        var parts = m.putArray("parts");
        for (String p : ArchiveFormat.PARTS) {
            Path f = dir.resolve(p + ".jsonl");
            MessageDigest digest = ArchiveFormat.sha256();
            long lines = 0;
            try (InputStream in = Files.newInputStream(f)) {
                byte[] buf = new byte[1 << 16];
                for (int r; (r = in.read(buf)) > 0; ) {
                    digest.update(buf, 0, r);
                    for (int i = 0; i < r; i++) if (buf[i] == '\n') lines++;
                }
            }
            if (lines != work.lines.get(p)) {
                throw new IllegalStateException("part " + p + " in " + dir + " has " + lines + " lines, its state says " + work.lines.get(p));
            }
            parts.addObject().put("name", p).put("lines", lines).put("sha256", ArchiveFormat.hex(digest));
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
            gz.write((m + "\n").getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < ArchiveFormat.PARTS.size(); i++) {
                String p = ArchiveFormat.PARTS.get(i);
                ObjectNode header = ArchiveFormat.JSON.createObjectNode().put("part", p).put("lines", parts.get(i).path("lines").asLong());
                gz.write((header + "\n").getBytes(StandardCharsets.UTF_8));
                Files.copy(dir.resolve(p + ".jsonl"), gz);
            }
            gz.write(("{\"end\":\"" + ArchiveFormat.NAME + "\"}\n").getBytes(StandardCharsets.UTF_8));
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        return Files.size(file);
    }

    /** The manifest's figures of the events part: events per type, first and last {@code recordedAt}. */
    private record EventFigures(long events, Map<String, Long> byType, Instant first, Instant last) {
        static EventFigures of(Path part) throws IOException {
            Map<String, Long> byType = new TreeMap<>();
            Instant first = null, last = null;
            long events = 0;
            try (var lines = Files.lines(part, StandardCharsets.UTF_8)) {
                for (String line : (Iterable<String>) lines::iterator) {
                    JsonNode n = ArchiveFormat.JSON.readTree(line);
                    events++;
                    byType.merge(n.path("type").asText(), 1L, Long::sum);
                    if (n.hasNonNull("recordedAt")) {
                        Instant t = Instant.parse(n.get("recordedAt").asText());
                        if (first == null || t.isBefore(first)) first = t;
                        if (last == null || t.isAfter(last)) last = t;
                    }
                }
            }
            return new EventFigures(events, byType, first, last);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) Files.delete(f);
        }
        Files.delete(dir);
    }
}
