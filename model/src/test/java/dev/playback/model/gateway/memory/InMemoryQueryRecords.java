package dev.playback.model.gateway.memory;

import dev.playback.model.gateway.QueryKey;
import dev.playback.model.gateway.QueryRecords;
import dev.playback.model.gateway.RecordedQuery;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Recorded query answers in memory, write-once per key. */
public final class InMemoryQueryRecords implements QueryRecords {
    private final Map<QueryKey, RecordedQuery> records = new ConcurrentHashMap<>();

    @Override
    public Optional<RecordedQuery> find(QueryKey key) {
        return Optional.ofNullable(records.get(key));
    }

    @Override
    public RecordedQuery put(RecordedQuery record) {
        RecordedQuery first = records.putIfAbsent(record.key(), record);
        return first == null ? record : first;
    }

    public int size() {
        return records.size();
    }

    public void clear() {
        records.clear();
    }
}
