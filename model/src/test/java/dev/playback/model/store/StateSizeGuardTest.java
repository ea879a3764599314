package dev.playback.model.store;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.playback.model.store.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The state-size guard over the in-memory store, whose item is the state's JSON: a text state of n characters is n + 2
 * bytes (its quotes). Warning size 100 bytes, limit 200 bytes.
 */
class StateSizeGuardTest {
    private final InMemoryStateStore store = new InMemoryStateStore();
    private final List<String> warnings = new ArrayList<>();
    private final Map<String, Long> counted = new HashMap<>();
    private final StateSizeGuard guard = new StateSizeGuard(store, p -> new StateSizeLimits(100, 200),
            (metric, processor, n) -> counted.merge(metric + "/" + processor, n, Long::sum), warnings::add);

    /** A state of {@code bytes} bytes as the in-memory store counts it. */
    private static ProcessorState state(long version, int bytes) {
        return new ProcessorState("balances", "g0", "acc-7", version, TextNode.valueOf("x".repeat(bytes - 2)));
    }

    @Test
    void aStateAtTheWarningSizeIsSavedWithoutAWarning() {
        assertTrue(guard.save(state(1, 100), 0));

        assertEquals(List.of(), warnings);
        assertEquals(Map.of(), counted);
        assertEquals(1, store.load("balances", "g0", "acc-7").orElseThrow().version());
    }

    @Test
    void aStateJustOverTheWarningSizeIsSavedWithAWarningAndCounted() {
        assertTrue(guard.save(state(1, 101), 0));

        assertEquals(List.of("state of aggregate acc-7 for processor balances (generation g0, version 1) is 101 bytes, over the "
                + "warning size of 100 bytes (refused over 200 bytes)"), warnings);
        assertEquals(Map.of("LargeStates/balances", 1L), counted);
        assertEquals(1, store.load("balances", "g0", "acc-7").orElseThrow().version());
    }

    @Test
    void aStateAtTheLimitIsStillSaved() {
        assertTrue(guard.saveRevision(state(1, 200), 0, null).isPresent());

        assertEquals(1, warnings.size());
        assertEquals(200, store.load("balances", "g0", "acc-7").orElseThrow().state().asText().length() + 2);
    }

    @Test
    void aStateJustOverTheLimitIsRefusedNamingProcessorAggregateSizeAndLimitAndNothingIsWritten() {
        assertTrue(guard.save(state(3, 50), 0));

        StateTooLarge refused = assertThrows(StateTooLarge.class, () -> guard.save(state(4, 201), 3));

        assertEquals("state of aggregate acc-7 for processor balances (generation g0, version 4) is 201 bytes, over the limit of "
                + "200 bytes: not saved, the stored state stays at version 3", refused.getMessage());
        assertEquals("balances", refused.processor());
        assertEquals("acc-7", refused.aggregateId());
        assertEquals(201, refused.bytes());
        assertEquals(200, refused.limitBytes());
        assertEquals(3, refused.storedVersion());
        assertEquals(3, store.load("balances", "g0", "acc-7").orElseThrow().version(), "the stored state is unchanged");
        assertEquals(List.of(refused.getMessage()), warnings);
        assertEquals(Map.of("LargeStates/balances", 1L), counted);
    }

    @Test
    void aSaveWithATokenIsRefusedTheSameWay() {
        assertThrows(StateTooLarge.class, () -> guard.saveRevision(state(1, 5000), 0, null));

        assertEquals(Optional.empty(), store.load("balances", "g0", "acc-7"));
    }

    @Test
    void eachProcessorHasItsOwnLimits() {
        StateSizeGuard perProcessor = new StateSizeGuard(store, p -> p.equals("balances") ? new StateSizeLimits(10, 20)
                : StateSizeLimits.DEFAULT, (m, p, n) -> { }, warnings::add);
        ProcessorState payouts = new ProcessorState("payouts", "g0", "acc-7", 1, TextNode.valueOf("x".repeat(998)));

        assertTrue(perProcessor.save(payouts, 0), "1,000 bytes is under payouts' default warning size of 8,192");
        assertThrows(StateTooLarge.class, () -> perProcessor.save(state(1, 21), 0));
        assertEquals(1, warnings.size());
    }

    @Test
    void limitsAreRefusedWhenTheLimitIsBelowTheWarningOrOverTheStoresItemLimit() {
        assertEquals("limit 99 bytes is below the warning size 100 bytes",
                assertThrows(IllegalArgumentException.class, () -> new StateSizeLimits(100, 99)).getMessage());
        assertEquals("limit 409601 bytes is over the data store's item limit of 409600 bytes",
                assertThrows(IllegalArgumentException.class, () -> new StateSizeLimits(100, 409_601)).getMessage());
        assertEquals(new StateSizeLimits(8192, 358_400), StateSizeLimits.DEFAULT, "8 KB and 350 KB");
    }
}
