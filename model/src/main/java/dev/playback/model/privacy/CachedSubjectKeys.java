package dev.playback.model.privacy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Remembers the keys a container read (or created) for {@code ttl}, at most {@code capacity} subjects, so that a KMS
 * {@code Decrypt} is not paid per event. Only keys that exist are remembered: a forgotten or unknown subject is asked
 * again each time. A forget through another container takes effect here when the remembered key expires, so {@code ttl}
 * bounds how long a warm container may still read a forgotten subject.
 */
public final class CachedSubjectKeys implements SubjectKeys {
    private record Remembered(byte[] key, Instant until) {
    }

    private final SubjectKeys keys;
    private final Duration ttl;
    private final Clock clock;
    private final Map<String, Remembered> remembered;

    public CachedSubjectKeys(SubjectKeys keys, Duration ttl, int capacity, Clock clock) {
        this.keys = keys;
        this.ttl = ttl;
        this.clock = clock;
        this.remembered = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Remembered> eldest) {
                return size() > capacity;
            }
        };
    }

    @Override
    public byte[] keyFor(String subject) {
        Optional<byte[]> known = recall(subject);
        return known.isPresent() ? known.get() : remember(subject, keys.keyFor(subject));
    }

    @Override
    public Optional<byte[]> find(String subject) {
        Optional<byte[]> known = recall(subject);
        return known.isPresent() ? known : keys.find(subject).map(k -> remember(subject, k));
    }

    @Override
    public boolean forget(String subject) {
        synchronized (remembered) {
            remembered.remove(subject);
        }
        return keys.forget(subject);
    }

    private Optional<byte[]> recall(String subject) {
        synchronized (remembered) {
            Remembered r = remembered.get(subject);
            if (r == null) return Optional.empty();
            if (!clock.instant().isBefore(r.until())) {
                remembered.remove(subject);
                return Optional.empty();
            }
            return Optional.of(r.key().clone());
        }
    }

    private byte[] remember(String subject, byte[] key) {
        synchronized (remembered) {
            remembered.put(subject, new Remembered(key.clone(), clock.instant().plus(ttl)));
        }
        return key;
    }
}
