package dev.playback.lambdas.aws.kinesis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Set-aside records in memory, keyed as the S3 store keys them. */
public final class InMemorySetAside implements SetAside {
    private final Map<String, Entry> entries = new TreeMap<>();

    @Override
    public synchronized void put(Entry entry) {
        entries.put(entry.shardId() + "/" + entry.sequenceNumber(), entry);
    }

    @Override
    public synchronized List<String> keys() {
        return new ArrayList<>(entries.keySet());
    }

    @Override
    public synchronized Entry get(String key) {
        return entries.get(key);
    }

    @Override
    public synchronized void remove(String key) {
        entries.remove(key);
    }
}
