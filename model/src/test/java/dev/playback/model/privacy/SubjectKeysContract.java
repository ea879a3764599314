package dev.playback.model.privacy;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every {@link SubjectKeys} does. An implementation's test extends this and supplies an empty key store. */
public abstract class SubjectKeysContract {
    /** A fresh, empty key store. */
    protected abstract SubjectKeys keys();

    @Test
    void createsA256BitKeyOnFirstUseAndGivesTheSameOneAfterwards() {
        SubjectKeys keys = keys();
        byte[] first = keys.keyFor("acc-1");
        assertEquals(32, first.length);
        assertArrayEquals(first, keys.keyFor("acc-1"));
        assertArrayEquals(first, keys.find("acc-1").orElseThrow());
    }

    @Test
    void givesEachSubjectItsOwnKey() {
        SubjectKeys keys = keys();
        assertFalse(java.util.Arrays.equals(keys.keyFor("acc-1"), keys.keyFor("acc-2")));
    }

    @Test
    void findsNoKeyForASubjectThatNeverHadOne() {
        assertTrue(keys().find("acc-never").isEmpty());
    }

    @Test
    void forgettingDeletesTheKeyAndForgettingAgainChangesNothing() {
        SubjectKeys keys = keys();
        keys.keyFor("acc-1");
        keys.keyFor("acc-2");
        assertTrue(keys.forget("acc-1"));
        assertTrue(keys.find("acc-1").isEmpty());
        assertFalse(keys.forget("acc-1"));
        assertTrue(keys.find("acc-2").isPresent());
    }

    @Test
    void callersCreatingTheSameSubjectsKeyAtOnceAllGetOneKey() throws Exception {
        SubjectKeys keys = keys();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<byte[]>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) calls.add(() -> keys.keyFor("acc-race"));
            List<byte[]> got = new ArrayList<>();
            for (Future<byte[]> f : pool.invokeAll(calls)) got.add(f.get());
            for (byte[] key : got) assertArrayEquals(got.get(0), key);
            assertArrayEquals(got.get(0), keys.find("acc-race").orElseThrow());
        } finally {
            pool.shutdownNow();
        }
    }
}
