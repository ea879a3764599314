package dev.playback.model.store;

import dev.playback.model.event.EventEnvelope;
import dev.playback.model.store.memory.InMemoryEventLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;

import static dev.playback.model.event.Envelopes.T0;
import static dev.playback.model.event.Envelopes.added;
import static dev.playback.model.event.Envelopes.expecting;
import static dev.playback.model.event.Envelopes.created;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AppenderTest {
    private final InMemoryEventLog log = new InMemoryEventLog();
    private final Appender appender = new Appender(log);
    private ExecutorService pool;

    @AfterEach
    void stopPool() {
        if (pool != null) pool.shutdownNow();
    }

    private List<String> idsOf(String aggregateId) {
        return log.read(aggregateId, 1, 10_000).stream().map(EventEnvelope::eventId).toList();
    }

    private List<Long> versionsOf(String aggregateId) {
        return log.read(aggregateId, 1, 10_000).stream().map(EventEnvelope::version).toList();
    }

    /** A log that fails once right after recording statuses, as a pump crashing between claim and write would. */
    private static class CrashAfterRecord extends ForwardingEventLog {
        private final AtomicBoolean armed = new AtomicBoolean(true);

        CrashAfterRecord(EventLog delegate) {
            super(delegate);
        }

        @Override
        public Set<String> recordAll(List<EventStatus> statuses) {
            Set<String> taken = delegate.recordAll(statuses);
            if (armed.compareAndSet(true, false)) throw new IllegalStateException("crash after recording " + statuses);
            return taken;
        }
    }

    @Test
    void appendsNewEventsAtContiguousVersionsPerAggregate() {
        List<AppendOutcome> outcomes = appender.append(List.of(created("a1", "acc-1"), created("b1", "acc-2"),
                added("a2", "acc-1", "1.00"), added("a3", "acc-1", "2.00"), added("b2", "acc-2", "3.00")), T0);
        assertEquals(5, outcomes.size());
        assertTrue(outcomes.stream().allMatch(o -> o instanceof AppendOutcome.Appended), outcomes.toString());
        assertEquals(List.of("a1", "a2", "a3"), idsOf("acc-1"));
        assertEquals(List.of(1L, 2L, 3L), versionsOf("acc-1"));
        assertEquals(List.of("b1", "b2"), idsOf("acc-2"));
        EventStatus.Claimed a3 = assertInstanceOf(EventStatus.Claimed.class, log.statuses(List.of("a3")).get("a3"));
        assertEquals(List.of("acc-1", 3L, T0), List.of(a3.aggregateId(), a3.version(), a3.at()));
    }

    @Test
    void continuesAfterTheLatestStoredVersion() {
        appender.append(List.of(created("a1", "acc-1"), added("a2", "acc-1", "1.00")), T0);
        List<AppendOutcome> outcomes = appender.append(List.of(added("a3", "acc-1", "1.00")), T0);
        assertEquals(List.of(new AppendOutcome.Appended("a3", "acc-1", 3)), outcomes);
    }

    @Test
    void appendsAnEventRepeatedInOneBatchOnce() {
        List<AppendOutcome> outcomes = appender.append(List.of(created("a1", "acc-1"), added("a2", "acc-1", "1.00"),
                created("a1", "acc-1"), added("a2", "acc-1", "1.00")), T0);
        assertEquals(2, outcomes.stream().filter(o -> o instanceof AppendOutcome.Appended).count());
        assertEquals(2, outcomes.stream().filter(o -> o instanceof AppendOutcome.Duplicate).count());
        assertEquals(List.of("a1", "a2"), idsOf("acc-1"));
    }

    @Test
    void appendsAnEventDeliveredAgainInALaterBatchOnce() {
        appender.append(List.of(created("a1", "acc-1"), added("a2", "acc-1", "1.00")), T0);
        List<AppendOutcome> outcomes = appender.append(List.of(added("a2", "acc-1", "1.00"), added("a3", "acc-1", "4.00")), T0);
        assertEquals(List.of(new AppendOutcome.Duplicate("a2", "acc-1", 2L), new AppendOutcome.Appended("a3", "acc-1", 3)), outcomes);
        assertEquals(List.of("a1", "a2", "a3"), idsOf("acc-1"));
    }

    @Test
    void refusesAnEventIdReusedForAnotherAggregateAsAConflictRecordedWithTheId() {
        appender.append(List.of(created("x", "acc-1")), T0);

        List<AppendOutcome> outcomes = appender.append(List.of(created("x", "acc-2")), T0);

        AppendOutcome.Conflict conflict = assertInstanceOf(AppendOutcome.Conflict.class, outcomes.get(0));
        assertTrue(conflict.reason().contains("acc-2") && conflict.reason().contains("acc-1"), conflict.reason());
        assertEquals(List.of(), idsOf("acc-2"));
        assertEquals(List.of(conflict.reason()), log.statuses(List.of("x")).get("x").conflicts());
    }

    @Test
    void refusesAnEventIdSentAgainWithOtherContentAndRecordsTheConflictOnce() {
        appender.append(List.of(added("d", "acc-1", "1.00")), T0);

        AppendOutcome first = appender.append(List.of(added("d", "acc-1", "900.00")), T0).get(0);
        appender.append(List.of(added("d", "acc-1", "900.00")), T0);   // the same conflicting record delivered again

        AppendOutcome.Conflict conflict = assertInstanceOf(AppendOutcome.Conflict.class, first);
        assertEquals(List.of("d"), idsOf("acc-1"));
        assertEquals("1.00", log.read("acc-1", 1, 1).get(0).payload().path("amount").asText());
        EventStatus status = log.statuses(List.of("d")).get("d");
        assertEquals(List.of(conflict.reason()), status.conflicts());
        assertTrue(conflict.reason().contains(ContentHash.of(added("d", "acc-1", "900.00"))), conflict.reason());
    }

    @Test
    void refusesTheLaterOfTwoSendsOfOneIdWithOtherContentInOneBatch() {
        List<AppendOutcome> outcomes = appender.append(List.of(added("d", "acc-1", "1.00"), added("d", "acc-1", "2.00")), T0);

        assertEquals(new AppendOutcome.Appended("d", "acc-1", 1), outcomes.get(0));
        assertInstanceOf(AppendOutcome.Conflict.class, outcomes.get(1));
        assertEquals(1, log.statuses(List.of("d")).get("d").conflicts().size());
    }

    /**
     * A log on which the first status read of its pump lets another pump append a whole batch right after it: both
     * pumps read "no status" for the batch's ids before either claims them, as two shards racing would.
     */
    private static EventLog racedBy(EventLog log, Runnable otherPump) {
        AtomicBoolean once = new AtomicBoolean(true);
        return new ForwardingEventLog(log) {
            @Override
            public Map<String, EventStatus> statuses(java.util.Collection<String> eventIds) {
                Map<String, EventStatus> seen = delegate.statuses(eventIds);
                if (once.compareAndSet(true, false)) otherPump.run();
                return seen;
            }
        };
    }

    @Test
    void appendsAnEventIdSentForTwoAggregatesOnTwoShardsAtOnceOnlyOnceAndListsTheLaterClaimAsAConflict() {
        List<List<AppendOutcome>> otherOutcomes = new ArrayList<>();
        EventLog raced = racedBy(log, () -> otherOutcomes.add(new Appender(log).append(List.of(created("x", "acc-2")), T0)));

        List<AppendOutcome> outcomes = new Appender(raced).append(List.of(created("x", "acc-1"),
                expecting(added("a2", "acc-1", "1.00"), 0), added("a3", "acc-1", "2.00")), T0);

        assertEquals(List.of(List.of(new AppendOutcome.Appended("x", "acc-2", 1))), otherOutcomes);
        AppendOutcome.Conflict conflict = assertInstanceOf(AppendOutcome.Conflict.class, outcomes.get(0));
        assertEquals("acc-1", conflict.aggregateId());
        assertTrue(conflict.reason().contains("acc-1") && conflict.reason().contains("acc-2"), conflict.reason());
        // x is not in acc-1, so a2's expectedVersion 0 holds and a3 follows it.
        assertEquals(List.of(new AppendOutcome.Appended("a2", "acc-1", 1), new AppendOutcome.Appended("a3", "acc-1", 2)), outcomes.subList(1, 3));
        assertEquals(List.of("x"), idsOf("acc-2"));
        assertEquals(List.of("a2", "a3"), idsOf("acc-1"));
        assertEquals(List.of(1L, 2L), versionsOf("acc-1"));
        EventStatus x = log.statuses(List.of("x")).get("x");
        assertEquals(List.of("acc-2", List.of(conflict.reason())), List.of(x.aggregateId(), x.conflicts()));
    }

    @Test
    void takesAClaimFoundRecordedAsItsOwnWhenItIsTheStatusThisAppendMeant() {
        // A conditional put whose response was lost is sent again by the client and finds its own status there.
        EventLog retried = new ForwardingEventLog(log) {
            @Override
            public Set<String> recordAll(List<EventStatus> statuses) {
                delegate.recordAll(statuses);
                return delegate.recordAll(statuses);
            }
        };

        List<AppendOutcome> outcomes = new Appender(retried).append(List.of(created("a1", "acc-1"),
                expecting(added("a2", "acc-1", "1.00"), 0), added("a3", "acc-1", "2.00")), T0);

        assertEquals(List.of(new AppendOutcome.Appended("a1", "acc-1", 1), new AppendOutcome.Rejected("a2", "acc-1",
                "expectedVersion 0 but aggregate acc-1 is at version 1"), new AppendOutcome.Appended("a3", "acc-1", 2)), outcomes);
        assertEquals(List.of("a1", "a3"), idsOf("acc-1"));
        assertEquals(List.of(), log.statuses(List.of("a1")).get("a1").conflicts());
    }

    @Test
    void rejectsAMovedClaimWhoseExpectedVersionNoLongerHolds() {
        // Issue 9, reproduction 2: d was claimed at version 2 with expectedVersion 1, its record was lost, and a3
        // went ahead at version 2. Sent again, d must not land at version 3: its guard no longer holds.
        appender.append(List.of(created("a1", "acc-1")), T0);
        log.record(new EventStatus.Claimed("d", "acc-1", 2, T0));
        appender.append(List.of(added("a3", "acc-1", "1.00")), T0);

        List<AppendOutcome> outcomes = appender.append(List.of(expecting(added("d", "acc-1", "5.00"), 1)), T0);

        AppendOutcome.Rejected rejected = assertInstanceOf(AppendOutcome.Rejected.class, outcomes.get(0));
        assertTrue(rejected.reason().contains("expectedVersion 1") && rejected.reason().contains("version 2"), rejected.reason());
        assertEquals(List.of("a1", "a3"), idsOf("acc-1"));
        EventStatus.Rejected recorded = assertInstanceOf(EventStatus.Rejected.class, log.statuses(List.of("d")).get("d"));
        assertEquals(rejected.reason(), recorded.reason());
    }

    @Test
    void rejectsAnEventThatCanNeverBeStoredWithTheReasonAndAppendsTheRestOfItsAggregate() {
        EventLog picky = new ForwardingEventLog(log) {
            @Override
            public Optional<String> unstorable(EventEnvelope event) {
                return event.eventId().equals("a2") ? Optional.of("occurredAt out of range") : Optional.empty();
            }
        };

        List<AppendOutcome> outcomes = new Appender(picky).append(List.of(created("a1", "acc-1"), added("a2", "acc-1", "1.00"),
                added("a3", "acc-1", "2.00")), T0);

        assertEquals(List.of(new AppendOutcome.Appended("a1", "acc-1", 1), new AppendOutcome.Rejected("a2", "acc-1", "occurredAt out of range"),
                new AppendOutcome.Appended("a3", "acc-1", 2)), outcomes);
        assertEquals(List.of(1L, 2L), versionsOf("acc-1"));
        assertEquals("occurredAt out of range", ((EventStatus.Rejected) log.statuses(List.of("a2")).get("a2")).reason());
    }

    @Test
    void rejectsAnOrphanedClaimOfAnEventThatCanNeverBeStored() {
        // Issue 9, reproduction 1: the claim was written before building the item failed.
        log.record(new EventStatus.Claimed("bad", "acc-1", 1, T0));
        EventLog picky = new ForwardingEventLog(log) {
            @Override
            public Optional<String> unstorable(EventEnvelope event) {
                return event.eventId().equals("bad") ? Optional.of("occurredAt out of range") : Optional.empty();
            }
        };

        List<AppendOutcome> outcomes = new Appender(picky).append(List.of(created("bad", "acc-1"), added("ok", "acc-1", "1.00")), T0);

        assertEquals(List.of(new AppendOutcome.Rejected("bad", "acc-1", "occurredAt out of range"), new AppendOutcome.Appended("ok", "acc-1", 1)), outcomes);
        assertInstanceOf(EventStatus.Rejected.class, log.statuses(List.of("bad")).get("bad"));
        assertEquals(List.of("ok"), idsOf("acc-1"));
    }

    @Test
    void neverOverwritesAVersionTakenBetweenTheReadAndTheWrite() {
        // Another writer (a stale pump instance) stores x at version 1 just before this append writes there.
        AtomicBoolean once = new AtomicBoolean(true);
        EventLog racing = new ForwardingEventLog(log) {
            @Override
            public List<EventEnvelope> write(List<EventEnvelope> events) {
                if (once.compareAndSet(true, false)) log.write(List.of(created("x", "acc-1").withVersion(1)));
                return delegate.write(events);
            }
        };

        List<AppendOutcome> outcomes = new Appender(racing).append(List.of(created("a1", "acc-1"), added("a2", "acc-1", "1.00")), T0);

        assertEquals(List.of(new AppendOutcome.Appended("a1", "acc-1", 2), new AppendOutcome.Appended("a2", "acc-1", 3)), outcomes);
        assertEquals(List.of("x", "a1", "a2"), idsOf("acc-1"));
        assertEquals(List.of(1L, 2L, 3L), versionsOf("acc-1"));
    }

    @Test
    void rejectsAnEventWhoseVersionWasTakenWhenItsExpectedVersionNoLongerHolds() {
        AtomicBoolean once = new AtomicBoolean(true);
        EventLog racing = new ForwardingEventLog(log) {
            @Override
            public List<EventEnvelope> write(List<EventEnvelope> events) {
                if (once.compareAndSet(true, false)) log.write(List.of(created("x", "acc-1").withVersion(1)));
                return delegate.write(events);
            }
        };

        List<AppendOutcome> outcomes = new Appender(racing).append(List.of(expecting(created("a1", "acc-1"), 0)), T0);

        assertInstanceOf(AppendOutcome.Rejected.class, outcomes.get(0));
        assertEquals(List.of("x"), idsOf("acc-1"));
    }

    @Test
    void completesTheAppendAfterACrashBetweenClaimAndWrite() {
        Appender crashing = new Appender(new CrashAfterRecord(log));
        List<EventEnvelope> batch = List.of(created("a1", "acc-1"));
        assertThrows(IllegalStateException.class, () -> crashing.append(batch, T0));
        assertInstanceOf(EventStatus.Claimed.class, log.statuses(List.of("a1")).get("a1"));
        assertEquals(List.of(), idsOf("acc-1"), "nothing written before the crash");

        assertEquals(List.of(new AppendOutcome.Appended("a1", "acc-1", 1)), crashing.append(batch, T0));
        assertEquals(List.of(new AppendOutcome.Duplicate("a1", "acc-1", 1L)), crashing.append(batch, T0));
        assertEquals(List.of("a1"), idsOf("acc-1"));
    }

    @Test
    void completesEveryClaimOfABatchThatCrashedBeforeWriting() {
        List<EventEnvelope> batch = List.of(created("a1", "acc-1"), added("a2", "acc-1", "1.00"), added("a3", "acc-1", "2.00"));
        EventLog crashOnWrite = new ForwardingEventLog(log) {
            @Override
            public List<EventEnvelope> write(List<EventEnvelope> events) {
                throw new IllegalStateException("crash before writing");
            }
        };
        assertThrows(IllegalStateException.class, () -> new Appender(crashOnWrite).append(batch, T0));
        assertEquals(3, log.statuses(List.of("a1", "a2", "a3")).size());

        List<AppendOutcome> outcomes = appender.append(batch, T0);
        assertEquals(List.of(new AppendOutcome.Appended("a1", "acc-1", 1), new AppendOutcome.Appended("a2", "acc-1", 2),
                new AppendOutcome.Appended("a3", "acc-1", 3)), outcomes);
        assertEquals(List.of("a1", "a2", "a3"), idsOf("acc-1"));
    }

    @Test
    void fillsTheHoleLeftByAWriteThatStoredOnlyLaterEventsBeforeItCrashed() {
        // BatchWriteItem is not atomic: version 2 can land while version 1 comes back unprocessed, then the pump dies.
        EventLog partialWrite = new ForwardingEventLog(log) {
            @Override
            public List<EventEnvelope> write(List<EventEnvelope> events) {
                log.write(events.subList(1, events.size()));
                throw new IllegalStateException("crash after a partial write");
            }
        };
        List<EventEnvelope> batch = List.of(created("a1", "acc-1"), added("a2", "acc-1", "1.00"));
        assertThrows(IllegalStateException.class, () -> new Appender(partialWrite).append(batch, T0));
        assertEquals(List.of(2L), versionsOf("acc-1"));

        List<AppendOutcome> outcomes = appender.append(batch, T0);
        assertEquals(List.of(new AppendOutcome.Appended("a1", "acc-1", 1), new AppendOutcome.Duplicate("a2", "acc-1", 2L)), outcomes);
        assertEquals(List.of("a1", "a2"), idsOf("acc-1"));
        assertEquals(List.of(1L, 2L), versionsOf("acc-1"));
        assertEquals(List.of(new AppendOutcome.Appended("a3", "acc-1", 3)), appender.append(List.of(added("a3", "acc-1", "1.00")), T0));
    }

    @Test
    void movesAStaleClaimToTheNextFreeVersion() {
        // a1 was claimed at version 1, then its record was set aside and a2 went ahead at version 1.
        log.record(new EventStatus.Claimed("a1", "acc-1", 1, T0));
        appender.append(List.of(created("a2", "acc-1")), T0);
        assertEquals(List.of("a2"), idsOf("acc-1"));

        List<AppendOutcome> outcomes = appender.append(List.of(added("a1", "acc-1", "1.00")), T0);
        assertEquals(List.of(new AppendOutcome.Appended("a1", "acc-1", 2)), outcomes);
        assertEquals(List.of("a2", "a1"), idsOf("acc-1"));
        assertEquals(List.of(1L, 2L), versionsOf("acc-1"));
        assertEquals(new EventStatus.Claimed("a1", "acc-1", 2, T0), log.statuses(List.of("a1")).get("a1"));
    }

    @Test
    void rejectsAndRecordsAnEventWhoseExpectedVersionDoesNotMatch() {
        appender.append(List.of(created("a1", "acc-1")), T0);
        List<AppendOutcome> outcomes = appender.append(List.of(expecting(added("a2", "acc-1", "1.00"), 0)), T0);
        assertEquals(1, outcomes.size());
        AppendOutcome.Rejected rejected = assertInstanceOf(AppendOutcome.Rejected.class, outcomes.get(0));
        assertEquals("acc-1", rejected.aggregateId());
        assertTrue(rejected.reason().contains("expectedVersion 0") && rejected.reason().contains("version 1"), rejected.reason());
        EventStatus status = log.statuses(List.of("a2")).get("a2");
        EventStatus.Rejected recorded = assertInstanceOf(EventStatus.Rejected.class, status);
        assertEquals(List.of("acc-1", rejected.reason(), T0), List.of(recorded.aggregateId(), recorded.reason(), recorded.at()));
        assertEquals(List.of("a1"), idsOf("acc-1"));
        assertEquals(List.of(new AppendOutcome.Duplicate("a2")), appender.append(List.of(expecting(added("a2", "acc-1", "1.00"), 1)), T0));
        assertEquals(List.of("a1"), idsOf("acc-1"));
    }

    @Test
    void appendsEventsWhoseExpectedVersionMatchesIncludingEarlierOnesOfTheSameBatch() {
        List<AppendOutcome> outcomes = appender.append(List.of(expecting(created("a1", "acc-1"), 0),
                expecting(added("a2", "acc-1", "1.00"), 1), expecting(added("a3", "acc-1", "1.00"), 1)), T0);
        assertEquals(new AppendOutcome.Appended("a1", "acc-1", 1), outcomes.get(0));
        assertEquals(new AppendOutcome.Appended("a2", "acc-1", 2), outcomes.get(1));
        assertInstanceOf(AppendOutcome.Rejected.class, outcomes.get(2));
        assertEquals(List.of("a1", "a2"), idsOf("acc-1"));
    }

    @Test
    void keepsVersionsContiguousAndInStreamOrderForManyAggregatesInParallel() {
        pool = Executors.newFixedThreadPool(8);
        Appender parallel = new Appender(log, pool);
        int aggregates = 200;
        int perAggregate = 12;
        List<EventEnvelope> stream = new ArrayList<>();
        for (int i = 0; i < perAggregate; i++) {
            for (int a = 0; a < aggregates; a++) {
                String id = "agg-" + a;
                stream.add(i == 0 ? created(id + "-e0", id) : added(id + "-e" + i, id, i + ".00"));
            }
        }
        // Deliver in batches of 150, each batch delivered twice (at-least-once), the second time with the next one.
        List<EventEnvelope> previous = List.of();
        for (int from = 0; from < stream.size(); from += 150) {
            List<EventEnvelope> batch = new ArrayList<>(previous);
            List<EventEnvelope> next = stream.subList(from, Math.min(stream.size(), from + 150));
            batch.addAll(next);
            parallel.append(batch, T0);
            previous = next;
        }
        parallel.append(stream, T0);
        List<Long> expectedVersions = LongStream.rangeClosed(1, perAggregate).boxed().toList();
        Map<String, List<EventEnvelope>> all = log.all();
        assertEquals(aggregates, all.size());
        for (int a = 0; a < aggregates; a++) {
            String id = "agg-" + a;
            assertEquals(expectedVersions, versionsOf(id), id);
            List<String> expectedIds = new ArrayList<>();
            for (int i = 0; i < perAggregate; i++) expectedIds.add(id + "-e" + i);
            assertEquals(expectedIds, idsOf(id), id);
        }
    }
    @Test
    void shouldNotDecideAgain_whenTheStatusFoundRecordedIsExactlyTheOneMeant() {
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        EventLog retried = new ForwardingEventLog(log) {
            @Override
            public Map<String, EventStatus> statuses(java.util.Collection<String> eventIds) {
                reads.incrementAndGet();
                return delegate.statuses(eventIds);
            }

            @Override
            public Set<String> recordAll(List<EventStatus> statuses) {
                delegate.recordAll(statuses);
                return delegate.recordAll(statuses);
            }
        };

        List<AppendOutcome> outcomes = new Appender(retried).append(List.of(created("a1", "acc-1")), T0);

        assertEquals(List.of(new AppendOutcome.Appended("a1", "acc-1", 1)), outcomes);
        assertEquals(2, reads.get(), "the batch's statuses, then the taken one's: no second round");
    }

    @Test
    void shouldMoveAClaimRecordedMeanwhileAtAnotherVersion_toTheVersionItIsWrittenAt() {
        // Another pump claimed the same event (same aggregate and content) at version 2 between this append's read and its claim.
        EventLog raced = new ForwardingEventLog(log) {
            @Override
            public Set<String> recordAll(List<EventStatus> statuses) {
                delegate.record(new EventStatus.Claimed("a1", "acc-1", 2, T0, ContentHash.of(created("a1", "acc-1")), List.of()));
                return delegate.recordAll(statuses);
            }
        };

        List<AppendOutcome> outcomes = new Appender(raced).append(List.of(created("a1", "acc-1")), T0);

        assertEquals(List.of(new AppendOutcome.Appended("a1", "acc-1", 1)), outcomes);
        EventStatus.Claimed claim = assertInstanceOf(EventStatus.Claimed.class, log.statuses(List.of("a1")).get("a1"));
        assertEquals(1, claim.version(), "the claim names the version the event was written at");
        assertEquals(List.of(1L), versionsOf("acc-1"));
    }

    @Test
    void shouldNameNoContent_whenTheIdsStatusWasRecordedWithoutAHash() {
        log.record(new EventStatus.Claimed("x", "acc-1", 1, T0));
        log.write(List.of(created("x", "acc-1").withVersion(1)));

        AppendOutcome outcome = appender.append(List.of(created("x", "acc-2")), T0).get(0);

        assertEquals(new AppendOutcome.Conflict("x", "acc-2", "eventId x sent again for aggregate acc-2 with content "
                + ContentHash.of(created("x", "acc-2")) + ", but it names the event of aggregate acc-1: the later send is not appended"), outcome);
        assertEquals(new AppendOutcome.Duplicate("x", "acc-1", 1L), appender.append(List.of(added("x", "acc-1", "9.00")), T0).get(0),
                "without a hash, a send for the same aggregate is taken for the same event");
    }

    @Test
    void shouldRejectTheClaimOfAHoleBelowTheLatestVersion_whenItsEventCanNeverBeStored() {
        // a claim at version 1 whose event was never written, below a version 2 written by an older pump
        log.record(new EventStatus.Claimed("bad", "acc-1", 1, T0));
        EventLog holed = new ForwardingEventLog(log) {
            @Override
            public long latestVersion(String aggregateId) {
                return 2;
            }

            @Override
            public Map<String, Long> latestVersions(java.util.Collection<String> aggregateIds) {
                Map<String, Long> out = new java.util.HashMap<>();
                aggregateIds.forEach(id -> out.put(id, 2L));
                return out;
            }

            @Override
            public Optional<String> unstorable(EventEnvelope event) {
                return Optional.of("payload too large");
            }
        };

        List<AppendOutcome> outcomes = new Appender(holed).append(List.of(created("bad", "acc-1")), T0);

        assertEquals(List.of(new AppendOutcome.Rejected("bad", "acc-1", "payload too large")), outcomes);
        EventStatus.Rejected recorded = assertInstanceOf(EventStatus.Rejected.class, log.statuses(List.of("bad")).get("bad"));
        assertEquals("payload too large", recorded.reason());
    }
    @Test
    void shouldTakeTheClaimOfAnotherPump_overTheRejectionThisAppendMeant() {
        // Another pump claimed the same event at version 1 while this append was about to reject it for its expectedVersion.
        EventLog raced = new ForwardingEventLog(log) {
            @Override
            public Set<String> recordAll(List<EventStatus> statuses) {
                delegate.record(new EventStatus.Claimed("a1", "acc-1", 1, T0, ContentHash.of(created("a1", "acc-1")), List.of()));
                return delegate.recordAll(statuses);
            }
        };

        List<AppendOutcome> outcomes = new Appender(raced).append(List.of(expecting(created("a1", "acc-1"), 5)), T0);

        assertEquals(List.of(new AppendOutcome.Appended("a1", "acc-1", 1)), outcomes);
        assertEquals(List.of("a1"), idsOf("acc-1"));
    }

    @Test
    void shouldReadAClaimAgain_whenAnotherPumpRejectedItFirst() {
        log.record(new EventStatus.Claimed("bad", "acc-1", 1, T0));
        EventLog raced = new ForwardingEventLog(log) {
            @Override
            public Optional<String> unstorable(EventEnvelope event) {
                return Optional.of("payload too large");
            }

            @Override
            public boolean rejectClaim(EventStatus.Claimed claim, String reason, java.time.Instant at) {
                delegate.rejectClaim(claim, "rejected by the other pump", at);
                return false;
            }
        };

        List<AppendOutcome> outcomes = new Appender(raced).append(List.of(created("bad", "acc-1")), T0);

        assertEquals(List.of(new AppendOutcome.Duplicate("bad")), outcomes);
        assertEquals("rejected by the other pump", ((EventStatus.Rejected) log.statuses(List.of("bad")).get("bad")).reason());
    }
}
