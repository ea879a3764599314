package dev.playback.tools.archive;

import dev.playback.model.event.EventEnvelope;
import dev.playback.model.gateway.LoggedCommand;
import dev.playback.model.gateway.RecordedQuery;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Two stacks' data compared item by item, as an export and import must leave them: the same aggregates; every event of
 * each with the same id, type, schema version, version, {@code occurredAt}, {@code recordedAt}, payload (claim checks
 * resolved), payload reference and metadata; every recorded query answer of those events found under its key in the
 * other stack (as a replay asks for it) with the same request and response, and no other; the same command log entries.
 * One page of one aggregate's events is held at a time on each side, so memory is bounded by the page, not the table.
 */
public final class StackComparison {
    static final int PAGE = 500;
    /** Differences kept word for word; beyond them only counted. */
    static final int KEPT = 20;

    /** What was compared, and the differences found (the first {@link #KEPT} of {@code differenceCount}). */
    public record Outcome(long aggregates, long events, long queries, long commands, long differenceCount, List<String> differences) {
        public boolean equal() {
            return differenceCount == 0;
        }
    }

    private final StackData source;
    private final StackData target;
    private final int page;
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong queries = new AtomicLong();
    private final AtomicLong commands = new AtomicLong();
    private final AtomicLong differenceCount = new AtomicLong();
    private final List<String> differences = new ArrayList<>();

    private StackComparison(StackData source, StackData target, int page) {
        this.source = source;
        this.target = target;
        this.page = page;
    }

    /** Compares {@code target} with {@code source}, {@code threads} aggregates at a time. */
    public static Outcome compare(StackData source, StackData target, int threads) {
        return compare(source, target, threads, PAGE);
    }

    static Outcome compare(StackData source, StackData target, int threads, int page) {
        return new StackComparison(source, target, page).run(threads);
    }

    private Outcome run(int threads) {
        TreeSet<String> inSource = new TreeSet<>(source.allAggregates());
        TreeSet<String> inTarget = new TreeSet<>(target.allAggregates());
        for (String a : inSource) if (!inTarget.contains(a)) differ("aggregate " + a + ": in the source, not in the target");
        for (String a : inTarget) if (!inSource.contains(a)) differ("aggregate " + a + ": in the target, not in the source");
        inSource.retainAll(inTarget);
        ExecutorService pool = Executors.newFixedThreadPool(threads, Importer.daemon("compare"));
        try {
            List<Future<Object>> work = new ArrayList<>();
            for (String aggregate : inSource) work.add(pool.submit(() -> {
                compareAggregate(aggregate);
                return null;
            }));
            for (Future<Object> f : work) Exporter.join(f);
        } finally {
            pool.shutdownNow();
        }
        synchronized (differences) {
            return new Outcome(inSource.size(), events.get(), queries.get(), commands.get(), differenceCount.get(),
                    List.copyOf(differences));
        }
    }

    private void compareAggregate(String aggregate) {
        long from = 1;
        while (true) {
            List<EventEnvelope> a = source.events().read(aggregate, from, page);
            List<EventEnvelope> b = target.events().read(aggregate, from, page);
            for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
                List<String> fields = fieldsDiffering(a.get(i), b.get(i));
                if (!fields.isEmpty()) {
                    differ("aggregate " + aggregate + " version " + a.get(i).version() + " (event " + a.get(i).eventId() + "): "
                            + String.join(", ", fields) + " differ");
                }
            }
            if (a.size() != b.size()) {
                differ("aggregate " + aggregate + ": the source ends at version " + (from - 1 + a.size()) + ", the target at "
                        + (from - 1 + b.size()));
            }
            events.addAndGet(Math.min(a.size(), b.size()));
            List<String> ids = a.stream().map(EventEnvelope::eventId).toList();
            for (String id : ids) compareQueries(id);
            for (String processor : source.commandProcessors()) compareCommands(processor, ids);
            if (a.size() < page || b.size() < page) return;
            from += page;
        }
    }

    /** The names of the fields in which two events differ; none when they are identical. */
    static List<String> fieldsDiffering(EventEnvelope a, EventEnvelope b) {
        List<String> out = new ArrayList<>();
        field(out, "eventId", a, b, EventEnvelope::eventId);
        field(out, "aggregateId", a, b, EventEnvelope::aggregateId);
        field(out, "type", a, b, EventEnvelope::type);
        field(out, "schemaVersion", a, b, EventEnvelope::schemaVersion);
        field(out, "version", a, b, EventEnvelope::version);
        field(out, "occurredAt", a, b, EventEnvelope::occurredAt);
        field(out, "recordedAt", a, b, EventEnvelope::recordedAt);
        field(out, "payload", a, b, EventEnvelope::payload);
        field(out, "payloadRef", a, b, EventEnvelope::payloadRef);
        field(out, "metadata", a, b, EventEnvelope::metadata);
        return out;
    }

    private static void field(List<String> out, String name, EventEnvelope a, EventEnvelope b, Function<EventEnvelope, Object> get) {
        if (!Objects.equals(get.apply(a), get.apply(b))) out.add(name);
    }

    /** Each of the source's answers for the event, as the target answers its key; and the target holds no other. */
    private void compareQueries(String eventId) {
        List<RecordedQuery> held = source.queriesOf(eventId);
        for (RecordedQuery q : held) {
            Optional<RecordedQuery> there = target.queries().find(q.key());
            if (there.isEmpty()) differ("recorded query " + q.key().path() + ": no answer in the target");
            else if (!Objects.equals(there.get().request(), q.request()) || !Objects.equals(there.get().response(), q.response())) {
                differ("recorded query " + q.key().path() + ": the target answers " + there.get().response() + " to " + there.get().request()
                        + ", the source " + q.response() + " to " + q.request());
            }
        }
        int inTarget = target.queriesOf(eventId).size();
        if (inTarget != held.size()) differ("event " + eventId + ": " + held.size() + " recorded answers in the source, " + inTarget + " in the target");
        queries.addAndGet(held.size());
    }

    private void compareCommands(String processor, List<String> eventIds) {
        Map<String, List<LoggedCommand>> a = source.commandsOf(processor, eventIds);
        Map<String, List<LoggedCommand>> b = target.commandsOf(processor, eventIds);
        for (String id : eventIds) {
            List<LoggedCommand> inSource = a.getOrDefault(id, List.of());
            List<LoggedCommand> inTarget = b.getOrDefault(id, List.of());
            if (!inSource.equals(inTarget)) {
                differ("command log of " + processor + " for event " + id + ": the source holds " + inSource + ", the target " + inTarget);
            }
            commands.addAndGet(inSource.size());
        }
    }

    private void differ(String difference) {
        differenceCount.incrementAndGet();
        synchronized (differences) {
            if (differences.size() < KEPT) differences.add(difference);
        }
    }
}
