package dev.playback.model.store.memory;

import dev.playback.model.store.PayloadStore;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The claim-check store in memory; references are {@code memory://key}. */
public final class InMemoryPayloadStore implements PayloadStore {
    private static final String SCHEME = "memory://";
    private final Map<String, byte[]> objects = new ConcurrentHashMap<>();

    @Override
    public String put(String key, byte[] bytes) {
        objects.put(key, bytes.clone());
        return SCHEME + key;
    }

    @Override
    public byte[] get(String ref) {
        if (!ref.startsWith(SCHEME)) throw new IllegalArgumentException("not a memory:// payload reference: " + ref);
        byte[] bytes = objects.get(ref.substring(SCHEME.length()));
        if (bytes == null) throw new IllegalArgumentException("no payload stored under " + ref);
        return bytes.clone();
    }

    @Override
    public java.util.List<String> refs(String prefix) {
        return objects.keySet().stream().filter(k -> k.startsWith(prefix)).sorted().map(k -> SCHEME + k).toList();
    }

    public int size() {
        return objects.size();
    }
}
