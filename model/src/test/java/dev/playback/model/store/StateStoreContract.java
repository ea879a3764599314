package dev.playback.model.store;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract of {@link StateStore}: optimistic saves keyed by (processor, generation, aggregate).
 * Extend it once per implementation and supply a fresh, empty store from {@link #newStateStore()}.
 */
public abstract class StateStoreContract {
    protected StateStore store;

    /** A fresh store that holds no state and no active generation. */
    protected abstract StateStore newStateStore();

    @BeforeEach
    void createStore() {
        store = newStateStore();
    }

    private static ProcessorState state(String aggregateId, long version, String balance) {
        return state("totals", "g0", aggregateId, version, balance);
    }

    private static ProcessorState state(String processor, String generation, String aggregateId, long version, String balance) {
        ObjectNode s = JsonNodeFactory.instance.objectNode().put("balance", balance);
        s.putArray("rejected").addObject().put("eventId", "e-9").put("version", 9);
        return new ProcessorState(processor, generation, aggregateId, version, s);
    }

    @Test
    void findsNothingForAnAggregateNeverSaved() {
        assertEquals(Optional.empty(), store.load("totals", "g0", "acc-1"));
    }

    @Test
    void loadsWhatWasSavedFirst() {
        assertTrue(store.save(state("acc-1", 3, "10.00"), 0));
        ProcessorState loaded = store.load("totals", "g0", "acc-1").orElseThrow();
        assertEquals(state("acc-1", 3, "10.00"), loaded);
    }

    @Test
    void savesOverTheVersionItExpects() {
        store.save(state("acc-1", 3, "10.00"), 0);
        assertTrue(store.save(state("acc-1", 5, "12.00"), 3));
        assertEquals(state("acc-1", 5, "12.00"), store.load("totals", "g0", "acc-1").orElseThrow());
    }

    @Test
    void refusesAFirstSaveWhenAnotherWriterSavedAlready() {
        store.save(state("acc-1", 3, "10.00"), 0);
        assertFalse(store.save(state("acc-1", 1, "99.00"), 0));
        assertEquals(state("acc-1", 3, "10.00"), store.load("totals", "g0", "acc-1").orElseThrow());
    }

    @Test
    void refusesASaveOverAVersionThatChangedMeanwhile() {
        store.save(state("acc-1", 3, "10.00"), 0);
        store.save(state("acc-1", 4, "11.00"), 3);
        assertFalse(store.save(state("acc-1", 5, "99.00"), 3));
        assertEquals(state("acc-1", 4, "11.00"), store.load("totals", "g0", "acc-1").orElseThrow());
    }

    @Test
    void refusesASaveExpectingAVersionOfStateThatDoesNotExist() {
        assertFalse(store.save(state("acc-1", 5, "10.00"), 4));
        assertEquals(Optional.empty(), store.load("totals", "g0", "acc-1"));
    }

    @Test
    void storesANewTokenWithEverySave() {
        StateStore.Revision first = store.saveRevision(state("acc-1", 3, "10.00"), 0, null).orElseThrow();
        assertEquals(first, store.loadRevision("totals", "g0", "acc-1").orElseThrow());
        StateStore.Revision rewritten = store.saveRevision(state("acc-1", 3, "11.00"), 3, null).orElseThrow();
        assertNotEquals(first.token(), rewritten.token());
        assertEquals(rewritten, store.loadAllRevisions("totals", "g0", List.of("acc-1", "acc-2")).get("acc-1"));
        assertEquals(1, store.loadAllRevisions("totals", "g0", List.of("acc-1", "acc-2")).size());
    }

    @Test
    void refusesASaveOverATokenThatChangedMeanwhileEvenAtTheSameVersion() {
        StateStore.Revision read = store.saveRevision(state("acc-1", 3, "10.00"), 0, null).orElseThrow();
        // another writer rewrites version 3 (a rebuild with new logic): the version alone does not show it
        StateStore.Revision rebuilt = store.saveRevision(state("acc-1", 3, "20.00"), 3, null).orElseThrow();
        assertEquals(Optional.empty(), store.saveRevision(state("acc-1", 4, "11.00"), 3, read.token()));
        assertEquals(state("acc-1", 3, "20.00"), store.load("totals", "g0", "acc-1").orElseThrow());
        assertTrue(store.saveRevision(state("acc-1", 4, "21.00"), 3, rebuilt.token()).isPresent());
        assertEquals(state("acc-1", 4, "21.00"), store.load("totals", "g0", "acc-1").orElseThrow());
    }

    @Test
    void refusesASaveOverATokenOfAStateThatWasDiscarded() {
        StateStore.Revision read = store.saveRevision(state("acc-1", 3, "10.00"), 0, null).orElseThrow();
        store.discard("totals", "g0");
        assertEquals(Optional.empty(), store.saveRevision(state("acc-1", 4, "11.00"), 3, read.token()));
        assertEquals(Optional.empty(), store.load("totals", "g0", "acc-1"));
    }

    @Test
    void keepsProcessorsGenerationsAndAggregatesApart() {
        store.save(state("totals", "g0", "acc-1", 1, "1.00"), 0);
        store.save(state("totals", "g1", "acc-1", 2, "2.00"), 0);
        store.save(state("audit", "g0", "acc-1", 3, "3.00"), 0);
        store.save(state("totals", "g0", "acc-2", 4, "4.00"), 0);
        assertEquals(1, store.load("totals", "g0", "acc-1").orElseThrow().version());
        assertEquals(2, store.load("totals", "g1", "acc-1").orElseThrow().version());
        assertEquals(3, store.load("audit", "g0", "acc-1").orElseThrow().version());
        assertEquals(4, store.load("totals", "g0", "acc-2").orElseThrow().version());
    }

    @Test
    void servesTheDefaultGenerationWhenNoneWasActivated() {
        assertEquals("g0", store.activeGeneration("totals", "g0"));
    }

    @Test
    void startsWithTheDefaultGenerationActiveAndNothingElse() {
        assertEquals(new Generations("g0", null, Set.of()), store.generations("totals"));
    }

    @Test
    void registersAndUnregistersBuildingGenerations() {
        store.startBuilding("totals", "g1");
        store.startBuilding("totals", "shadow-r1");
        store.startBuilding("totals", "g1");
        assertEquals(Set.of("g1", "shadow-r1"), store.generations("totals").building());
        assertEquals("g0", store.activeGeneration("totals", "g0"));
        store.stopBuilding("totals", "shadow-r1");
        assertEquals(Set.of("g1"), store.generations("totals").building());
        assertEquals(Set.of(), store.generations("audit").building());
    }

    @Test
    void activatesAGenerationKeepingThePreviousOne() {
        store.startBuilding("totals", "g1");
        assertTrue(store.activate("totals", "g0", "g1"));
        assertEquals(new Generations("g1", "g0", Set.of()), store.generations("totals"));
        assertEquals("g1", store.activeGeneration("totals", "g0"));
        assertEquals("g0", store.activeGeneration("audit", "g0"));
    }

    @Test
    void refusesToActivateWhenTheActiveGenerationMovedMeanwhile() {
        store.startBuilding("totals", "g1");
        store.startBuilding("totals", "g2");
        assertTrue(store.activate("totals", "g0", "g1"));
        assertFalse(store.activate("totals", "g0", "g2"));
        assertEquals(new Generations("g1", "g0", Set.of("g2")), store.generations("totals"));
    }

    @Test
    void swapsActiveAndPreviousToRollBack() {
        store.startBuilding("totals", "g1");
        store.activate("totals", "g0", "g1");
        assertTrue(store.activate("totals", "g1", "g0"));
        assertEquals(new Generations("g0", "g1", Set.of()), store.generations("totals"));
    }

    @Test
    void listsAndDiscardsTheStatesOfOneGeneration() {
        store.save(state("totals", "shadow-r1", "acc-1", 1, "1.00"), 0);
        store.save(state("totals", "shadow-r1", "acc-2", 2, "2.00"), 0);
        store.save(state("totals", "g0", "acc-1", 3, "3.00"), 0);
        store.save(state("audit", "shadow-r1", "acc-1", 4, "4.00"), 0);
        List<String> seen = new ArrayList<>();
        store.forEach("totals", "shadow-r1", s -> seen.add(s.aggregateId() + "@" + s.version()));
        assertEquals(List.of("acc-1@1", "acc-2@2"), seen.stream().sorted().toList());
        store.discard("totals", "shadow-r1");
        assertEquals(Optional.empty(), store.load("totals", "shadow-r1", "acc-1"));
        assertEquals(Optional.empty(), store.load("totals", "shadow-r1", "acc-2"));
        assertEquals(3, store.load("totals", "g0", "acc-1").orElseThrow().version());
        assertEquals(4, store.load("audit", "shadow-r1", "acc-1").orElseThrow().version());
        List<String> none = new ArrayList<>();
        store.forEach("totals", "shadow-r1", s -> none.add(s.aggregateId()));
        assertEquals(List.of(), none);
    }

    @Test
    void keepsNoPreviousGenerationBeforeTheFirstSwitch() {
        assertNull(store.generations("totals").previous());
    }
}
