package dev.playback.model.store;

import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.EventMetadata;
import dev.playback.model.store.memory.InMemoryPayloadStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;

import static dev.playback.model.event.Envelopes.T0;
import static dev.playback.model.event.Envelopes.added;
import static dev.playback.model.event.Envelopes.json;
import static dev.playback.model.event.Envelopes.created;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract of the events table: {@link EventLog} (the pump's write primitives) and {@link EventStore}
 * (reading), which one adapter implements together. Extend it once per implementation and supply a
 * fresh, empty log from {@link #newEventLog}; it must resolve claim-checked payloads through the given
 * {@link PayloadStore}. This class ships in model's test-jar, so an adapter module runs it as is:
 * <pre>{@code
 * class DynamoEventLogIT extends EventLogContract<DynamoEventLog> {
 *     protected DynamoEventLog newEventLog(PayloadStore payloads) {
 *         // fresh tables per test (or per class, with unique aggregate ids) on the emulator
 *         return new DynamoEventLog(dynamo, freshEventsTable(), freshEventIdsTable(), payloads);
 *     }
 * }
 * }</pre>
 * Override {@link #newPayloadStore} to resolve through a real store (for example S3 on its emulator).
 */
public abstract class EventLogContract<L extends EventLog & EventStore> {
    protected PayloadStore payloads;
    protected L log;

    /** A fresh log with no statuses and no events, resolving payload references through {@code payloads}. */
    protected abstract L newEventLog(PayloadStore payloads);

    /** The payload store handed to {@link #newEventLog}; in memory unless an implementation needs its own. */
    protected PayloadStore newPayloadStore() {
        return new InMemoryPayloadStore();
    }

    @BeforeEach
    void createLog() {
        payloads = newPayloadStore();
        log = newEventLog(payloads);
    }

    private static List<EventEnvelope> deposits(String aggregateId, long... versions) {
        List<EventEnvelope> out = new ArrayList<>();
        for (long v : versions) out.add(added(aggregateId + "-e" + v, aggregateId, v + ".00").withVersion(v));
        return out;
    }

    private static List<Long> versions(List<EventEnvelope> events) {
        return events.stream().map(EventEnvelope::version).toList();
    }

    // --- statuses ---

    @Test
    void knowsNoStatusOfAnUnseenEventId() {
        assertEquals(Map.of(), log.statuses(List.of("e-1", "e-2")));
        assertEquals(Map.of(), log.statuses(List.of()));
    }

    @Test
    void recordsTheFirstStatusOfAnEventIdOnly() {
        EventStatus.Claimed first = new EventStatus.Claimed("e-1", "acc-1", 1, T0);
        assertTrue(log.record(first));
        assertFalse(log.record(new EventStatus.Claimed("e-1", "acc-1", 2, T0)));
        assertFalse(log.record(new EventStatus.Rejected("e-1", "acc-1", "late", T0)));
        assertEquals(Map.of("e-1", first), log.statuses(List.of("e-1")));
    }

    @Test
    void recordsARejectionWithItsReason() {
        EventStatus.Rejected rejected = new EventStatus.Rejected("e-1", "acc-1", "expectedVersion 3 but aggregate acc-1 is at version 0", T0);
        assertTrue(log.record(rejected));
        assertFalse(log.record(new EventStatus.Claimed("e-1", "acc-1", 1, T0)));
        assertEquals(Map.of("e-1", rejected), log.statuses(List.of("e-1")));
    }

    @Test
    void recordsTheStatusesOfNewIdsOnlyAndNamesTheIdsThatHadOneAlready() {
        EventStatus.Claimed first = new EventStatus.Claimed("e-1", "acc-1", 1, T0, "sha256:ab", List.of());
        log.record(first);
        EventStatus.Claimed e2 = new EventStatus.Claimed("e-2", "acc-2", 1, T0, "sha256:cd", List.of());
        EventStatus.Rejected e3 = new EventStatus.Rejected("e-3", "acc-2", "expectedVersion 5 but aggregate acc-2 is at version 1", T0, "sha256:ef", List.of());

        Set<String> taken = log.recordAll(List.of(new EventStatus.Claimed("e-1", "acc-2", 1, T0, "sha256:99", List.of()), e2, e3));

        assertEquals(Set.of("e-1"), taken);
        assertEquals(Map.of("e-1", first, "e-2", e2, "e-3", e3), log.statuses(List.of("e-1", "e-2", "e-3")));
        assertEquals(Set.of("e-2", "e-3"), log.recordAll(List.of(e2, e3)), "recording the same statuses again writes nothing");
        assertEquals(Set.of(), log.recordAll(List.of()));
    }

    @Test
    void appendsAnEventIdThatTwoPumpsClaimForTwoAggregatesAtOnceOnce() {
        // The second pump appends x for acc-2 right after the first read "no status" for x, before it claims x.
        AtomicBoolean once = new AtomicBoolean(true);
        List<List<AppendOutcome>> secondPump = new ArrayList<>();
        EventLog raced = new ForwardingEventLog(log) {
            @Override
            public Map<String, EventStatus> statuses(java.util.Collection<String> eventIds) {
                Map<String, EventStatus> seen = delegate.statuses(eventIds);
                if (once.compareAndSet(true, false)) secondPump.add(new Appender(log).append(List.of(created("x", "acc-2")), T0));
                return seen;
            }
        };

        List<AppendOutcome> firstPump = new Appender(raced).append(List.of(created("x", "acc-1"), added("a2", "acc-1", "1.00")), T0);

        assertEquals(List.of(List.of(new AppendOutcome.Appended("x", "acc-2", 1))), secondPump);
        AppendOutcome.Conflict conflict = assertInstanceOf(AppendOutcome.Conflict.class, firstPump.get(0));
        assertEquals(new AppendOutcome.Appended("a2", "acc-1", 1), firstPump.get(1));
        assertEquals(List.of("x"), log.read("acc-2", 1, 10).stream().map(EventEnvelope::eventId).toList());
        assertEquals(List.of("a2"), log.read("acc-1", 1, 10).stream().map(EventEnvelope::eventId).toList());
        assertEquals(List.of(conflict.reason()), log.statuses(List.of("x")).get("x").conflicts());
    }

    @Test
    void reportsTheStatusesOfManyEventIdsAtOnceAndOnlyOfSeenOnes() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            String id = "e-" + i;
            ids.add(id);
            log.record(new EventStatus.Claimed(id, "acc-" + (i % 7), i + 1, T0));
        }
        List<String> asked = new ArrayList<>(ids);
        asked.add("never-seen");
        asked.add("e-3");
        Map<String, EventStatus> statuses = log.statuses(asked);
        assertEquals(250, statuses.size());
        assertEquals(new EventStatus.Claimed("e-42", "acc-0", 43, T0), statuses.get("e-42"));
        assertNull(statuses.get("never-seen"));
    }

    @Test
    void movesAClaimFromTheVersionItStillNames() {
        EventStatus.Claimed claim = new EventStatus.Claimed("e-1", "acc-1", 1, T0);
        log.record(claim);
        assertTrue(log.moveClaim(claim, 3));
        assertEquals(3, ((EventStatus.Claimed) log.statuses(List.of("e-1")).get("e-1")).version());
    }

    @Test
    void refusesToMoveAClaimThatMovedMeanwhile() {
        EventStatus.Claimed claim = new EventStatus.Claimed("e-1", "acc-1", 1, T0);
        log.record(claim);
        log.moveClaim(claim, 2);
        assertFalse(log.moveClaim(claim, 4));
        assertEquals(2, ((EventStatus.Claimed) log.statuses(List.of("e-1")).get("e-1")).version());
    }

    @Test
    void refusesToMoveAClaimOfAnUnseenOrRejectedEvent() {
        assertFalse(log.moveClaim(new EventStatus.Claimed("e-1", "acc-1", 1, T0), 2));
        log.record(new EventStatus.Rejected("e-2", "acc-1", "no", T0));
        assertFalse(log.moveClaim(new EventStatus.Claimed("e-2", "acc-1", 1, T0), 2));
        assertEquals(Map.of(), log.statuses(List.of("e-1")));
        assertInstanceOf(EventStatus.Rejected.class, log.statuses(List.of("e-2")).get("e-2"));
    }

    // --- events ---

    @Test
    void keepsTheHashAndConflictsOfAStatus() {
        log.record(new EventStatus.Claimed("e-1", "acc-1", 1, T0, "sha256:ab", List.of()));

        log.recordConflict("e-1", "sent again with other content");
        log.recordConflict("e-1", "sent again with other content");
        log.recordConflict("e-1", "sent again for acc-2");

        EventStatus.Claimed stored = assertInstanceOf(EventStatus.Claimed.class, log.statuses(List.of("e-1")).get("e-1"));
        assertEquals("sha256:ab", stored.hash());
        assertEquals(List.of("sent again for acc-2", "sent again with other content"), stored.conflicts().stream().sorted().toList());
    }

    @Test
    void rejectsAClaimOnlyWhileItStillNamesItsVersion() {
        EventStatus.Claimed claim = new EventStatus.Claimed("e-1", "acc-1", 1, T0, "sha256:ab", List.of());
        log.record(claim);
        log.moveClaim(claim, 2);

        assertFalse(log.rejectClaim(claim, "stale", T0));
        assertTrue(log.rejectClaim(claim.withVersion(2), "expectedVersion 0 but aggregate acc-1 is at version 1", T0));

        EventStatus.Rejected stored = assertInstanceOf(EventStatus.Rejected.class, log.statuses(List.of("e-1")).get("e-1"));
        assertEquals("expectedVersion 0 but aggregate acc-1 is at version 1", stored.reason());
        assertFalse(log.rejectClaim(claim.withVersion(2), "again", T0), "a rejection is final");
    }

    @Test
    void neverWritesAVersionTwiceAndStopsTheAggregateAtATakenVersion() {
        log.write(deposits("acc-1", 2));
        List<EventEnvelope> attempt = new ArrayList<>(deposits("acc-1", 1));
        attempt.add(added("other", "acc-1", "9.00").withVersion(2));
        attempt.add(added("later", "acc-1", "9.00").withVersion(3));
        attempt.addAll(deposits("acc-2", 1));

        List<EventEnvelope> notWritten = log.write(attempt);

        assertEquals(List.of("other", "later"), notWritten.stream().map(EventEnvelope::eventId).toList());
        assertEquals(List.of("acc-1-e1", "acc-1-e2"), log.read("acc-1", 1, 10).stream().map(EventEnvelope::eventId).toList());
        assertEquals(List.of("acc-2-e1"), log.read("acc-2", 1, 10).stream().map(EventEnvelope::eventId).toList());
    }

    @Test
    void isAtVersionZeroForAnAggregateWithoutEvents() {
        assertEquals(0, log.latestVersion("acc-1"));
        assertEquals(List.of(), log.read("acc-1", 1, 100));
        assertEquals(Optional.empty(), log.eventAt("acc-1", 1));
    }

    @Test
    void isAtTheHighestWrittenVersion() {
        log.write(deposits("acc-1", 1, 2, 3));
        assertEquals(3, log.latestVersion("acc-1"));
    }

    @Test
    void readsEventsInVersionOrderWhateverTheWriteOrder() {
        List<EventEnvelope> events = deposits("acc-1", 1, 2, 3, 4, 5);
        List<EventEnvelope> shuffled = new ArrayList<>(events);
        Collections.shuffle(shuffled, new Random(7));
        log.write(shuffled);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), versions(log.read("acc-1", 1, 100)));
        assertEquals(events, log.read("acc-1", 1, 100));
    }

    @Test
    void readsFromAVersionAndAtMostTheLimit() {
        log.write(deposits("acc-1", 1, 2, 3, 4, 5));
        assertEquals(List.of(3L, 4L, 5L), versions(log.read("acc-1", 3, 100)));
        assertEquals(List.of(2L, 3L), versions(log.read("acc-1", 2, 2)));
        assertEquals(List.of(), log.read("acc-1", 6, 100));
    }

    @Test
    void readsEveryEventOfALongStream() {
        long[] all = LongStream.rangeClosed(1, 260).toArray();
        log.write(deposits("acc-1", all));
        assertEquals(LongStream.rangeClosed(1, 260).boxed().toList(), versions(log.read("acc-1", 1, 1000)));
        assertEquals(260, log.latestVersion("acc-1"));
    }

    @Test
    void keepsAggregatesApartEvenWithSimilarIds() {
        log.write(deposits("acc-1", 1, 2));
        log.write(deposits("acc-10", 1, 2, 3));
        assertEquals(2, log.latestVersion("acc-1"));
        assertEquals(3, log.latestVersion("acc-10"));
        assertTrue(log.read("acc-1", 1, 100).stream().allMatch(e -> e.aggregateId().equals("acc-1")));
    }

    @Test
    void findsTheEventAtAVersion() {
        log.write(deposits("acc-1", 1, 2));
        assertEquals("acc-1-e2", log.eventAt("acc-1", 2).orElseThrow().eventId());
        assertEquals(Optional.empty(), log.eventAt("acc-1", 3));
    }

    @Test
    void readsBackEverythingOfAnEnvelopeThatWasWritten() {
        EventEnvelope written = new EventEnvelope("e-1", "acc-1", "CounterCreated", 1, 1L, null,
                T0, T0.plusMillis(1500), json("{\"owner\":\"Ada Lovelace ✓\",\"currency\":\"EUR\"}"), null,
                new EventMetadata("corr-1", "cause-1", "alice"));
        log.write(List.of(written));
        assertEquals(written, log.read("acc-1", 1, 1).get(0));
        assertEquals(written, log.eventAt("acc-1", 1).orElseThrow());
    }

    @Test
    void resolvesAClaimCheckedPayloadOnRead() {
        String big = "{\"document\":\"" + "x".repeat(300_000) + "\"}";
        String ref = payloads.put("payloads/acc-1/e-1.json", big.getBytes(StandardCharsets.UTF_8));
        EventEnvelope e = created("e-1", "acc-1").withPayloadRef(ref).withVersion(1);
        log.write(List.of(e));
        EventEnvelope read = log.read("acc-1", 1, 1).get(0);
        assertEquals(json(big), read.payload());
        assertEquals(ref, read.payloadRef());
        assertEquals(json(big), log.eventAt("acc-1", 1).orElseThrow().payload());
    }

    // --- the appender on this log ---

    @Test
    void appendsEachEventOnceWhenTheBatchIsDeliveredAgain() {
        Appender appender = new Appender(log);
        List<EventEnvelope> batch = List.of(created("e-1", "acc-1"), added("e-2", "acc-1", "5.00"), created("e-3", "acc-2"));
        appender.append(batch, T0);
        List<AppendOutcome> again = appender.append(batch, T0);
        assertTrue(again.stream().allMatch(o -> o instanceof AppendOutcome.Duplicate), again.toString());
        assertEquals(List.of(1L, 2L), versions(log.read("acc-1", 1, 100)));
        assertEquals(List.of(1L), versions(log.read("acc-2", 1, 100)));
    }

    @Test
    void completesAClaimThatACrashLeftBehind() {
        log.record(new EventStatus.Claimed("e-1", "acc-1", 1, T0));
        List<AppendOutcome> outcomes = new Appender(log).append(List.of(created("e-1", "acc-1"), added("e-2", "acc-1", "5.00")), T0);
        assertEquals(List.of(new AppendOutcome.Appended("e-1", "acc-1", 1), new AppendOutcome.Appended("e-2", "acc-1", 2)), outcomes);
        assertEquals(List.of("e-1", "e-2"), log.read("acc-1", 1, 100).stream().map(EventEnvelope::eventId).toList());
    }
}
