package dev.playback.model.batch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PerAggregateTest {
    private final ExecutorService workers = PerAggregate.workers("per-aggregate-test", 4);

    @AfterEach
    void stopWorkers() {
        workers.shutdownNow();
    }

    /** An item of a batch: "acc-1/3" is version 3 of acc-1. */
    private static String aggregateOf(String item) {
        return item.substring(0, item.indexOf('/'));
    }

    @Test
    void groupsItemsByAggregateInTheOrderTheyCame() {
        Map<String, List<String>> groups = PerAggregate.group(List.of("acc-2/1", "acc-1/1", "acc-2/2", "acc-3/1", "acc-1/2"),
                PerAggregateTest::aggregateOf);

        assertEquals(List.of("acc-2", "acc-1", "acc-3"), List.copyOf(groups.keySet()));
        assertEquals(List.of("acc-2/1", "acc-2/2"), groups.get("acc-2"));
        assertEquals(List.of("acc-1/1", "acc-1/2"), groups.get("acc-1"));
        assertEquals(List.of("acc-3/1"), groups.get("acc-3"));
    }

    @Test
    void runsEveryGroupOnTheWorkersAndReturnsWhenAllHaveFinished() {
        Map<String, List<String>> groups = PerAggregate.group(List.of("acc-1/1", "acc-2/1", "acc-1/2", "acc-3/1"), PerAggregateTest::aggregateOf);
        Map<String, List<String>> seen = new ConcurrentHashMap<>();
        Set<String> threads = ConcurrentHashMap.newKeySet();

        PerAggregate.forEach(groups, workers, (aggregateId, items) -> {
            seen.put(aggregateId, List.copyOf(items));
            threads.add(Thread.currentThread().getName());
        });

        assertEquals(Map.of("acc-1", List.of("acc-1/1", "acc-1/2"), "acc-2", List.of("acc-2/1"), "acc-3", List.of("acc-3/1")), seen);
        assertEquals(Set.of("per-aggregate-test"), threads);
    }

    @Test
    void aGroupThatFailsDoesNotStopTheOthersAndItsErrorIsThrownAfterAll() {
        Map<String, List<String>> groups = PerAggregate.group(List.of("acc-1/1", "bad/1", "acc-2/1"), PerAggregateTest::aggregateOf);
        Set<String> done = ConcurrentHashMap.newKeySet();

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> PerAggregate.forEach(groups, workers, (aggregateId, items) -> {
            if (aggregateId.equals("bad")) throw new IllegalStateException("cannot apply " + items);
            done.add(aggregateId);
        }));

        assertEquals("cannot apply [bad/1]", e.getMessage());
        assertEquals(Set.of("acc-1", "acc-2"), done);
    }

    @Test
    void workersAreDaemonThreadsSoAContainerNeverWaitsForThem() throws Exception {
        assertTrue(workers.submit(() -> Thread.currentThread().isDaemon()).get());
    }

    @Test
    void theFirstFailureIsThrownWithTheOthersSuppressed() {
        Map<String, List<Integer>> groups = new java.util.LinkedHashMap<>();
        groups.put("a", List.of(1));
        groups.put("b", List.of(2));
        groups.put("c", List.of(3));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> PerAggregate.forEach(groups, Runnable::run, (id, items) -> {
            if (!id.equals("b")) throw new IllegalStateException("failed " + id);
        }));
        assertEquals("failed a", e.getMessage());
        assertEquals(1, e.getSuppressed().length);
        assertEquals("failed c", e.getSuppressed()[0].getMessage());
    }
}
