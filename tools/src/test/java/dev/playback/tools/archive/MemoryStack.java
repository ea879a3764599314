package dev.playback.tools.archive;

import dev.playback.model.event.EventCodec;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.gateway.CommandLog;
import dev.playback.model.gateway.LoggedCommand;
import dev.playback.model.gateway.QueryKey;
import dev.playback.model.gateway.QueryRecords;
import dev.playback.model.gateway.RecordedQuery;
import dev.playback.model.gateway.memory.InMemoryCommandLog;
import dev.playback.model.gateway.memory.InMemoryQueryRecords;
import dev.playback.model.replay.EventIndex;
import dev.playback.model.store.EventLog;
import dev.playback.model.store.EventStore;
import dev.playback.model.store.PayloadStore;
import dev.playback.model.store.memory.InMemoryEventIndex;
import dev.playback.model.store.memory.InMemoryEventLog;
import dev.playback.model.store.memory.InMemoryPayloadStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/** A stack's data on model's in-memory ports, with what a test needs to see all of it. */
final class MemoryStack implements StackData {
    final InMemoryPayloadStore payloads = new InMemoryPayloadStore();
    final InMemoryEventLog log = new InMemoryEventLog(payloads);
    final InMemoryEventIndex index = new InMemoryEventIndex(log);
    final InMemoryCommandLog commands = new InMemoryCommandLog();
    private final InMemoryQueryRecords records = new InMemoryQueryRecords();
    /** The recorded answers by key, in the order recorded: the in-memory store lists none. */
    final Map<String, RecordedQuery> recorded = new ConcurrentHashMap<>();
    /** Called before an aggregate's events are read (a fault injected by a test). */
    volatile Consumer<String> beforeRead = id -> {
    };
    /** Whether the whole table was listed (a scoped export must find its aggregates through the index instead). */
    volatile boolean listedAll;

    private final QueryRecords queries = new QueryRecords() {
        @Override
        public Optional<RecordedQuery> find(QueryKey key) {
            return records.find(key);
        }

        @Override
        public RecordedQuery put(RecordedQuery record) {
            RecordedQuery kept = records.put(record);
            recorded.putIfAbsent(record.key().path(), kept);
            return kept;
        }
    };

    private final EventStore events = new EventStore() {
        @Override
        public Map<String, dev.playback.model.store.EventStatus> statuses(java.util.Collection<String> eventIds) {
            return log.statuses(eventIds);
        }

        @Override
        public List<EventEnvelope> read(String aggregateId, long fromVersion, int limit) {
            beforeRead.accept(aggregateId);
            return log.read(aggregateId, fromVersion, limit);
        }
    };

    @Override
    public String where() {
        return "memory stack";
    }

    @Override
    public EventStore events() {
        return events;
    }

    @Override
    public EventLog log() {
        return log;
    }

    @Override
    public EventIndex index() {
        return index;
    }

    @Override
    public PayloadStore payloads() {
        return payloads;
    }

    @Override
    public QueryRecords queries() {
        return queries;
    }

    @Override
    public CommandLog commands() {
        return commands;
    }

    @Override
    public List<String> allAggregates() {
        listedAll = true;
        return new ArrayList<>(log.all().keySet());
    }

    @Override
    public List<RecordedQuery> queriesOf(String eventId) {
        return recorded.values().stream().filter(q -> q.key().eventId().equals(eventId)).toList();
    }

    @Override
    public List<String> commandProcessors() {
        return List.of("payouts");
    }

    /** Everything the stack holds, as text: events (with their versions and times), answers and command log entries. */
    String snapshot() {
        StringBuilder b = new StringBuilder();
        new TreeMap<>(log.all()).forEach((id, stream) -> stream.forEach(e -> b.append(EventCodec.toText(e)).append('\n')));
        new TreeMap<>(recorded).forEach((k, q) -> b.append(k).append(' ').append(q.request()).append(' ').append(q.response()).append('\n'));
        commands.all().stream().map(LoggedCommand::toString).sorted().forEach(c -> b.append(c).append('\n'));
        return b.toString();
    }
}
