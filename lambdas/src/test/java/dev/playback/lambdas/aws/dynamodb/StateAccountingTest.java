package dev.playback.lambdas.aws.dynamodb;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.playback.model.event.Envelopes;
import dev.playback.model.store.ProcessorState;
import dev.playback.model.store.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The data store's AWS accounting: item sizes as DynamoDB counts them, and the units charged per write and read. */
class StateAccountingTest {
    @Test
    void aWriteIsChargedOneUnitPerStartedKilobyte() {
        assertEquals(1, CapacityUnits.write(1));
        assertEquals(1, CapacityUnits.write(1024));
        assertEquals(2, CapacityUnits.write(1025));
        assertEquals(2, CapacityUnits.write(2048));
        assertEquals(3, CapacityUnits.write(2049));
        assertEquals(80, CapacityUnits.write(81_920));
        assertEquals(1, CapacityUnits.write(0), "at least one");
    }

    @Test
    void aStronglyConsistentReadIsChargedOneUnitPerStartedFourKilobytesAndAnEventuallyConsistentOneHalf() {
        assertEquals(1.0, CapacityUnits.read(1, true));
        assertEquals(1.0, CapacityUnits.read(4096, true));
        assertEquals(2.0, CapacityUnits.read(4097, true));
        assertEquals(1.0, CapacityUnits.read(4097, false));
        assertEquals(0.5, CapacityUnits.read(10, false));
    }

    @Test
    void theDataStoresItemIsCountedWithItsKeysVersionAndToken() {
        ProcessorState state = new ProcessorState("balances", "g0", "acc-1", 12, Envelopes.json("{\"a\":1}"));

        // pk "balances#g0#acc-1" 2+17, processor 9+8, generation 10+2, aggregateId 11+5, version 7+(2/2+1), state 5+7,
        // writeToken 10+36 (a UUID)
        assertEquals(19 + 17 + 12 + 16 + 9 + 12 + 46, new DynamoStateStore(null, "data").itemBytes(state));
    }

    /** A text state of {@code bytes} bytes as the in-memory store counts it (its JSON: the text and two quotes). */
    private static ProcessorState state(String processor, String aggregateId, long version, int bytes) {
        return new ProcessorState(processor, "g0", aggregateId, version, TextNode.valueOf("x".repeat(bytes - 2)));
    }

    @Test
    void theCountingStoreChargesEachSaveByItsItemsSizePerProcessor() {
        CountingStateStore.Tally tally = new CountingStateStore.Tally();
        CountingStateStore counting = tally.counting(new InMemoryStateStore());

        counting.save(state("balances", "acc-1", 1, 1024), 0);
        counting.save(state("balances", "acc-1", 2, 1025), 1);
        counting.save(state("balances", "acc-1", 3, 3), 1); // refused (the stored version is 2): charged as well
        counting.save(state("payouts", "acc-1", 1, 81_920), 0);

        assertEquals(Map.of(
                new CountingStateStore.Key("balances", ""), new CountingStateStore.Counts(3, 1 + 2 + 1, 1024 + 1025 + 3, 1025, 0, 0.0),
                new CountingStateStore.Key("payouts", ""), new CountingStateStore.Counts(1, 80, 81_920, 81_920, 0, 0.0)), tally.counts());
    }

    @Test
    void theCountingStoreChargesEachStateReadByItsSizeAndAMissingOneAUnit() {
        InMemoryStateStore store = new InMemoryStateStore();
        store.save(state("balances", "acc-1", 1, 4097), 0);
        store.save(state("balances", "acc-2", 1, 10), 0);
        CountingStateStore.Tally tally = new CountingStateStore.Tally();
        CountingStateStore counting = tally.counting(store);

        counting.load("balances", "g0", "acc-1");
        counting.loadAllRevisions("balances", "g0", List.of("acc-1", "acc-2", "acc-3"));

        assertEquals(Map.of(new CountingStateStore.Key("balances", ""), new CountingStateStore.Counts(0, 0, 0, 0, 4, 2.0 + 2.0 + 1.0 + 1.0)),
                tally.counts());
    }

    @Test
    void storesOfOneTallyAddUpPerGroupOfAggregatesAndAResetStartsFromZero() {
        CountingStateStore.Tally tally = new CountingStateStore.Tally(id -> id.startsWith("long-") ? "long" : "new");
        CountingStateStore one = tally.counting(new InMemoryStateStore());
        CountingStateStore other = tally.counting(new InMemoryStateStore());

        one.save(state("balances", "acc-1", 1, 100), 0);
        other.save(state("balances", "acc-2", 1, 2000), 0);
        other.save(state("balances", "long-1", 1, 3000), 0);

        assertEquals(1 + 2, tally.counts().get(new CountingStateStore.Key("balances", "new")).writeUnits());
        assertEquals(3, tally.counts().get(new CountingStateStore.Key("balances", "long")).writeUnits());
        tally.reset();
        assertEquals(Map.of(), tally.counts());
    }
}
