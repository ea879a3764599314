package dev.playback.model.store;

/** Port: the claim-check store for payloads too large to travel and be stored inline. */
public interface PayloadStore {
    /** Stores the bytes under {@code key}; returns the reference readers pass to {@link #get}. */
    String put(String key, byte[] bytes);

    byte[] get(String ref);

    /** The references of every object stored under a key starting with {@code prefix}, in key order. */
    java.util.List<String> refs(String prefix);
}
