package dev.playback.tools.archive;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.model.event.EventCodec;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.gateway.CallSite;
import dev.playback.model.gateway.Disposition;
import dev.playback.model.gateway.LoggedCommand;
import dev.playback.model.gateway.QueryKey;
import dev.playback.model.gateway.RecordedQuery;
import dev.playback.model.ingest.Ingest;
import dev.playback.model.store.AppendOutcome;
import dev.playback.model.store.Appender;
import dev.playback.model.store.EventStatus;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Loads an archive into a stack through the same exactly-once rules as live traffic: the events with their own ids
 * and {@code recordedAt} through the pump's {@link Appender} (claims in the event-id table, conditional writes, index
 * entries first), large payloads kept aside in the target's payload store as ingest keeps them; then the recorded query
 * answers (write-once) and the command log entries (once per entry id).
 * <p>
 * Check first, then write: the whole archive is read and verified (every part's line count and SHA-256, its format
 * version, each aggregate's versions contiguous from 1) and compared with the target (the events it holds at each
 * version, the event ids it has recorded, the answers and log entries under the same keys) before anything is
 * written. An archive the target holds differently is refused naming the aggregate and version; one whose events the
 * target holds already changes nothing ("0 new, N already present"), and an import that stopped half way goes on
 * where it stopped.
 */
public final class Importer {
    private static final int APPEND_BATCH = 500;
    private static final int CHECKERS = 8;
    private static final int CONFLICTS_SHOWN = 5;
    private static final long PROGRESS_NANOS = 2_000_000_000L;

    private final StackData target;
    private final PrintStream out;
    private final Clock clock;

    /** What one import did: per part, lines in the archive, written now, found present already. */
    public record Result(long events, long newEvents, long presentEvents, long queries, long newQueries, long presentQueries,
                         long commands, long newCommands, long presentCommands, int aggregates, double seconds) {
    }

    public Importer(StackData target, PrintStream out, Clock clock) {
        this.target = target;
        this.out = out;
        this.clock = clock;
    }

    /** One archived event as the check needs it: id and digest of its line (the event as archived). */
    private record Archived(String eventId, String digest) {
    }

    /** What the first reading learnt of the archive. */
    private static final class Contents {
        final Map<String, TreeMap<Long, Archived>> events = new LinkedHashMap<>();
        final Map<String, String> eventAggregate = new HashMap<>();
        final Map<String, JsonNode> queries = new LinkedHashMap<>();
        final Map<String, List<JsonNode>> commands = new LinkedHashMap<>();
        long eventLines;
        long commandLines;
    }

    public Result importArchive(Path file) {
        long t0 = System.nanoTime();
        Contents archive = read(file);
        out.printf(Locale.ROOT, "import: %s verified (%,d events of %,d aggregates, %,d recorded queries, %,d command log entries); "
                        + "comparing with %s ...%n", file, archive.eventLines, archive.events.size(), archive.queries.size(),
                archive.commandLines, target.where());
        Present present = check(archive);
        if (present.events > 0 && present.events < archive.eventLines) {
            out.printf(Locale.ROOT, "import: resuming: %,d of the archive's %,d events are in the target already, the others are appended%n",
                    present.events, archive.eventLines);
        }
        Written written = write(file, archive, present);
        return new Result(archive.eventLines, written.events, present.events, archive.queries.size(), written.queries,
                present.queries.size(), archive.commandLines, written.commands, present.commands.size(), archive.events.size(),
                (System.nanoTime() - t0) / 1e9);
    }

    /** Reads and verifies the whole archive; the archive's own consistency is checked here. */
    private static Contents read(Path file) {
        Contents c = new Contents();
        ArchiveReader.read(file, (part, n, line) -> {
            switch (part) {
                case ArchiveFormat.EVENTS -> {
                    EventEnvelope e = event(file, n, line);
                    TreeMap<Long, Archived> stream = c.events.computeIfAbsent(e.aggregateId(), a -> new TreeMap<>());
                    long expected = stream.isEmpty() ? 1 : stream.lastKey() + 1;
                    if (e.version() == null || e.version() != expected) {
                        throw new ArchiveRefused(file + ": part events, line " + n + ": aggregate " + e.aggregateId() + " has version "
                                + e.version() + " where " + expected + " was expected (an archive holds whole streams, in version order)");
                    }
                    String before = c.eventAggregate.put(e.eventId(), e.aggregateId());
                    if (before != null) throw new ArchiveRefused(file + ": part events, line " + n + ": event id " + e.eventId() + " appears twice");
                    stream.put(e.version(), new Archived(e.eventId(), digest(line.toString())));
                    c.eventLines++;
                }
                case ArchiveFormat.QUERIES -> c.queries.put(queryKey(file, n, line).path(), line);
                case ArchiveFormat.COMMANDS -> {
                    c.commands.computeIfAbsent(line.path("processor").asText() + "\n" + line.path("eventId").asText(), k -> new ArrayList<>()).add(line);
                    c.commandLines++;
                }
                default -> throw new ArchiveRefused(file + ": unknown part " + part);
            }
        });
        return c;
    }

    private static EventEnvelope event(Path file, long n, JsonNode line) {
        try {
            return EventCodec.fromJson(line);
        } catch (RuntimeException e) {
            throw new ArchiveRefused(file + ": part events, line " + n + ": not an event (" + e.getMessage() + ")", e);
        }
    }

    private static QueryKey queryKey(Path file, long n, JsonNode line) {
        try {
            return new QueryKey(text(line, "processor"), text(line, "eventId"), CallSite.parse(text(line, "callSite")), text(line, "requestHash"));
        } catch (RuntimeException e) {
            throw new ArchiveRefused(file + ": part queries, line " + n + ": not a recorded query (" + e.getMessage() + ")", e);
        }
    }

    private static String text(JsonNode n, String field) {
        if (!n.hasNonNull(field)) throw new IllegalArgumentException("field '" + field + "' is missing");
        return n.get(field).asText();
    }

    static String digest(String text) {
        MessageDigest d = ArchiveFormat.sha256();
        return HexFormat.of().formatHex(d.digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** What the target holds already, found by the check. */
    private record Present(long events, Map<String, Long> latest, Set<String> queries, Set<String> commands) {
    }

    /** Compares the archive with the target; refuses the archive (nothing written) on any difference. */
    private Present check(Contents archive) {
        List<String> conflicts = java.util.Collections.synchronizedList(new ArrayList<>());
        Map<String, Long> latest = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(CHECKERS, daemon("import-check"));
        try {
            List<Future<Long>> work = new ArrayList<>();
            for (var entry : archive.events.entrySet()) {
                work.add(pool.submit(() -> checkAggregate(entry.getKey(), entry.getValue(), latest, conflicts)));
            }
            long present = 0;
            for (Future<Long> f : work) present += Exporter.join(f);
            // The event ids the target does not hold at their version: recorded there for something else?
            List<String> absent = new ArrayList<>();
            archive.events.forEach((agg, stream) -> stream.forEach((v, a) -> {
                if (v > latest.getOrDefault(agg, 0L)) absent.add(a.eventId());
            }));
            for (int i = 0; i < absent.size(); i += 100) {
                Map<String, EventStatus> statuses = target.log().statuses(absent.subList(i, Math.min(absent.size(), i + 100)));
                for (EventStatus st : statuses.values()) {
                    String aggregate = archive.eventAggregate.get(st.eventId());
                    TreeMap<Long, Archived> stream = archive.events.get(aggregate);
                    long version = stream.entrySet().stream().filter(x -> x.getValue().eventId().equals(st.eventId())).findFirst().orElseThrow().getKey();
                    boolean ours = st instanceof EventStatus.Claimed c && c.aggregateId().equals(aggregate) && c.version() == version;
                    if (!ours) {
                        conflicts.add("event " + st.eventId() + " (aggregate " + aggregate + " version " + version + " in the archive) is recorded in "
                                + "the target as " + describe(st));
                    }
                }
            }
            Set<String> queries = ConcurrentHashMap.newKeySet();
            List<Future<?>> qs = new ArrayList<>();
            for (var q : archive.queries.entrySet()) {
                qs.add(pool.submit(() -> {
                    target.queries().find(queryKey(Path.of("archive"), 0, q.getValue())).ifPresent(held -> {
                        if (Objects.equals(held.request(), q.getValue().get("request")) && Objects.equals(held.response(), q.getValue().get("response"))) {
                            queries.add(q.getKey());
                        } else {
                            conflicts.add("recorded query " + q.getKey() + " holds another answer in the target");
                        }
                    });
                    return null;
                }));
            }
            for (Future<?> f : qs) Exporter.join(f);
            Set<String> commands = ConcurrentHashMap.newKeySet();
            List<Future<?>> cs = new ArrayList<>();
            for (var c : archive.commands.entrySet()) {
                cs.add(pool.submit(() -> {
                    JsonNode first = c.getValue().get(0);
                    Map<String, LoggedCommand> held = new HashMap<>();
                    for (LoggedCommand l : target.commands().forEvent(first.path("processor").asText(), first.path("eventId").asText())) {
                        held.put(l.entryId(), l);
                    }
                    for (JsonNode line : c.getValue()) {
                        LoggedCommand wanted = command(line);
                        LoggedCommand there = held.get(wanted.entryId());
                        if (there == null) continue;
                        if (there.equals(wanted)) commands.add(key(wanted));
                        else conflicts.add("command log entry " + wanted.entryId() + " of " + wanted.processor() + " for event " + wanted.eventId()
                                + " differs in the target");
                    }
                    return null;
                }));
            }
            for (Future<?> f : cs) Exporter.join(f);
            if (!conflicts.isEmpty()) {
                List<String> sorted = conflicts.stream().sorted().toList();
                throw new ArchiveRefused(String.format(Locale.ROOT, "refused: %s holds this archive's data differently (%,d difference(s)); "
                                + "nothing was written: %s%s", target.where(), sorted.size(), String.join("; ", sorted.subList(0, Math.min(CONFLICTS_SHOWN, sorted.size()))),
                        sorted.size() > CONFLICTS_SHOWN ? "; …" : ""));
            }
            return new Present(present, latest, queries, commands);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The events of {@code aggregateId} the target holds, compared with the archive's; the count found equal. */
    private long checkAggregate(String aggregateId, TreeMap<Long, Archived> stream, Map<String, Long> latest, List<String> conflicts) {
        List<EventEnvelope> held = target.events().read(aggregateId, 1, stream.size());
        long version = 0;
        for (EventEnvelope e : held) {
            Archived a = stream.get(e.version());
            String heldDigest = digest(EventCodec.toJson(Exporter.inline(e)).toString());
            if (!a.eventId().equals(e.eventId())) {
                conflicts.add("aggregate " + aggregateId + " version " + e.version() + " is event " + e.eventId() + " in the target, "
                        + a.eventId() + " in the archive");
                return 0;
            }
            if (!a.digest().equals(heldDigest)) {
                conflicts.add("aggregate " + aggregateId + " version " + e.version() + " (event " + e.eventId() + ") has other content in the target");
                return 0;
            }
            version = e.version();
        }
        latest.put(aggregateId, version);
        return held.size();
    }

    private static String describe(EventStatus st) {
        if (st instanceof EventStatus.Claimed c) return "aggregate " + c.aggregateId() + " version " + c.version();
        return "rejected for aggregate " + st.aggregateId() + " (" + ((EventStatus.Rejected) st).reason() + ")";
    }

    static LoggedCommand command(JsonNode line) {
        return new LoggedCommand(text(line, "processor"), text(line, "eventId"), CallSite.parse(text(line, "callSite")),
                line.path("ordinal").asInt(), Disposition.valueOf(text(line, "disposition")), line.get("command"),
                text(line, "idempotencyKey"), line.hasNonNull("replayId") ? line.get("replayId").asText() : null);
    }

    private static String key(LoggedCommand c) {
        return c.processor() + "\n" + c.eventId() + "\n" + c.entryId();
    }

    private record Written(long events, long queries, long commands) {
    }

    /** Reads the archive again and writes what the target does not hold. */
    private Written write(Path file, Contents archive, Present present) {
        Appender appender = new Appender(target.log(), Runnable::run);
        long[] written = new long[3];
        List<EventEnvelope> batch = new ArrayList<>();
        long t0 = System.nanoTime();
        long[] lastPrint = {t0};
        ArchiveReader.read(file, (part, n, line) -> {
            switch (part) {
                case ArchiveFormat.EVENTS -> {
                    EventEnvelope e = event(file, n, line);
                    if (e.version() <= present.latest().getOrDefault(e.aggregateId(), 0L)) return;
                    batch.add(keptAside(e));
                    if (batch.size() >= APPEND_BATCH) {
                        written[0] += append(appender, batch);
                        batch.clear();
                        if (System.nanoTime() - lastPrint[0] > PROGRESS_NANOS) {
                            lastPrint[0] = System.nanoTime();
                            out.printf(Locale.ROOT, "import: %,d of %,d events appended (%,.0f events/s)%n", written[0],
                                    archive.eventLines - present.events(), written[0] / ((lastPrint[0] - t0) / 1e9));
                        }
                    }
                }
                case ArchiveFormat.QUERIES -> {
                    if (!batch.isEmpty()) {
                        written[0] += append(appender, batch);
                        batch.clear();
                    }
                    QueryKey k = queryKey(file, n, line);
                    if (present.queries().contains(k.path())) return;
                    target.queries().put(new RecordedQuery(k, line.get("request"), line.get("response"), line.path("recordedBy").asText()));
                    written[1]++;
                }
                case ArchiveFormat.COMMANDS -> {
                    LoggedCommand c = command(line);
                    if (present.commands().contains(key(c))) return;
                    target.commands().append(c);
                    written[2]++;
                }
                default -> throw new ArchiveRefused(file + ": unknown part " + part);
            }
        });
        if (!batch.isEmpty()) written[0] += append(appender, batch);
        return new Written(written[0], written[1], written[2]);
    }

    /** A payload too large to travel inline is kept aside in the target's payload store, under ingest's content-addressed key. */
    private EventEnvelope keptAside(EventEnvelope e) {
        byte[] payload = e.payload().toString().getBytes(StandardCharsets.UTF_8);
        if (payload.length <= Ingest.INLINE_PAYLOAD_BYTES) return e;
        return e.withPayloadRef(target.payloads().put(Ingest.payloadKey(e, payload), payload));
    }

    /** Appends one batch; every event must land at its archived version (appended now, or by an import that stopped). */
    private long append(Appender appender, List<EventEnvelope> batch) {
        Map<String, Long> wanted = new HashMap<>();
        batch.forEach(e -> wanted.put(e.eventId(), e.version()));
        List<EventEnvelope> unversioned = batch.stream().map(e -> new EventEnvelope(e.eventId(), e.aggregateId(), e.type(), e.schemaVersion(),
                null, null, e.occurredAt(), e.recordedAt(), e.payload(), e.payloadRef(), e.metadata())).toList();
        long appended = 0;
        for (AppendOutcome o : appender.append(unversioned, clock.instant())) {
            Long at = o instanceof AppendOutcome.Appended a ? Long.valueOf(a.version())
                    : o instanceof AppendOutcome.Duplicate d ? d.version() : null;
            if (at == null || !at.equals(wanted.get(o.eventId()))) {
                throw new IllegalStateException("event " + o.eventId() + " of the archive (version " + wanted.get(o.eventId()) + ") was not appended "
                        + "at its version: " + o + " (is something else writing to this aggregate?)");
            }
            if (o instanceof AppendOutcome.Appended) appended++;
        }
        return appended;
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
