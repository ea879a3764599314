package dev.playback.model.privacy.memory;

import dev.playback.model.privacy.SubjectKeys;

import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Subject keys held in this object only (lost with it): for tests and for an {@code Ingest} built without a key store. */
public final class InMemorySubjectKeys implements SubjectKeys {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Map<String, byte[]> keys = new ConcurrentHashMap<>();

    @Override
    public byte[] keyFor(String subject) {
        return keys.computeIfAbsent(subject, s -> {
            byte[] key = new byte[KEY_BYTES];
            RANDOM.nextBytes(key);
            return key;
        }).clone();
    }

    @Override
    public Optional<byte[]> find(String subject) {
        return Optional.ofNullable(keys.get(subject)).map(byte[]::clone);
    }

    @Override
    public boolean forget(String subject) {
        return keys.remove(subject) != null;
    }
}
