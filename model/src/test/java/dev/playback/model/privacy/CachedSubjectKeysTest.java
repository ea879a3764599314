package dev.playback.model.privacy;

import dev.playback.model.privacy.memory.InMemorySubjectKeys;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CachedSubjectKeysTest extends SubjectKeysContract {
    @Override
    protected SubjectKeys keys() {
        return new CachedSubjectKeys(new InMemorySubjectKeys(), Duration.ofSeconds(60), 100, Clock.systemUTC());
    }

    /** A clock the test moves. */
    private static final class Hands extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void aForgetElsewhereReachesThisContainerWhenTheRememberedKeyExpires() {
        InMemorySubjectKeys store = new InMemorySubjectKeys();
        Hands clock = new Hands();
        CachedSubjectKeys container = new CachedSubjectKeys(store, Duration.ofSeconds(60), 100, clock);
        byte[] key = container.keyFor("acc-1");
        store.forget("acc-1"); // through another container, or the command line

        clock.now = clock.now.plusSeconds(59);
        assertArrayEquals(key, container.find("acc-1").orElseThrow());
        clock.now = clock.now.plusSeconds(1);
        assertTrue(container.find("acc-1").isEmpty());
    }

    @Test
    void anUnknownSubjectIsAskedAgainEachTime() {
        InMemorySubjectKeys store = new InMemorySubjectKeys();
        CachedSubjectKeys container = new CachedSubjectKeys(store, Duration.ofSeconds(60), 100, new Hands());
        assertTrue(container.find("acc-new").isEmpty());
        byte[] created = store.keyFor("acc-new");
        assertArrayEquals(created, container.find("acc-new").orElseThrow());
    }

    @Test
    void keepsAtMostCapacitySubjects() {
        CountingKeys store = new CountingKeys();
        CachedSubjectKeys container = new CachedSubjectKeys(store, Duration.ofSeconds(60), 2, new Hands());
        container.keyFor("a");
        container.keyFor("b");
        container.keyFor("c");
        container.find("a");
        assertTrue(store.finds == 1, "a was evicted and read again: " + store.finds);
        container.find("c");
        assertTrue(store.finds == 1, "c is remembered");
    }

    private static final class CountingKeys implements SubjectKeys {
        private final InMemorySubjectKeys keys = new InMemorySubjectKeys();
        int finds;

        @Override
        public byte[] keyFor(String subject) {
            return keys.keyFor(subject);
        }

        @Override
        public Optional<byte[]> find(String subject) {
            finds++;
            return keys.find(subject);
        }

        @Override
        public boolean forget(String subject) {
            return keys.forget(subject);
        }
    }
}
