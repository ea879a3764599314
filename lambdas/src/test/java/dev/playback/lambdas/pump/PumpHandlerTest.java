package dev.playback.lambdas.pump;

import dev.playback.examples.ledger.LedgerEnvelopes;

import dev.playback.lambdas.Fixtures;
import dev.playback.lambdas.aws.kinesis.InMemorySetAside;
import dev.playback.lambdas.aws.kinesis.SetAside;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.store.EventStatus;
import dev.playback.model.store.memory.InMemoryEventLog;
import org.junit.jupiter.api.Test;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.model.store.AppendOutcome;
import java.util.Map;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static dev.playback.lambdas.aws.kinesis.KinesisBatches.batch;
import static dev.playback.lambdas.aws.kinesis.KinesisBatches.context;
import static dev.playback.lambdas.aws.kinesis.KinesisBatches.failures;
import static dev.playback.lambdas.aws.kinesis.KinesisBatches.poison;
import static dev.playback.lambdas.aws.kinesis.KinesisBatches.record;
import static dev.playback.examples.ledger.LedgerEnvelopes.deposited;
import static dev.playback.model.event.Envelopes.expecting;
import static dev.playback.examples.ledger.LedgerEnvelopes.opened;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PumpHandlerTest {
    @org.junit.jupiter.api.extension.RegisterExtension
    final dev.playback.lambdas.LogCapture logs = new dev.playback.lambdas.LogCapture();
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private final InMemoryEventLog log = new InMemoryEventLog();
    private final dev.playback.model.store.memory.InMemoryEventPublisher feed = new dev.playback.model.store.memory.InMemoryEventPublisher();
    private final InMemorySetAside setAside = new InMemorySetAside();
    private final PumpHandler pump = new PumpHandler(log, feed, setAside, Clock.fixed(NOW, ZoneOffset.UTC));

    private List<String> idsOf(String aggregateId) {
        return log.read(aggregateId, 1, 1000).stream().map(EventEnvelope::eventId).toList();
    }

    @Test
    void appendsTheEventsOfEveryRecordInStreamOrder() {
        StreamsEventResponse response = pump.handleRequest(batch(
                record("1", List.of(opened("a1", "acc-1"), deposited("a2", "acc-1", "5.00"))),
                record("2", List.of(opened("b1", "acc-2"))),
                record("3", List.of(deposited("a3", "acc-1", "1.00")))), null);
        assertEquals(List.of(), failures(response));
        assertEquals(List.of("a1", "a2", "a3"), idsOf("acc-1"));
        assertEquals(List.of(1L, 2L, 3L), log.read("acc-1", 1, 10).stream().map(EventEnvelope::version).toList());
        assertEquals(List.of("b1"), idsOf("acc-2"));
        EventStatus.Claimed a3 = assertInstanceOf(EventStatus.Claimed.class, log.statuses(List.of("a3")).get("a3"));
        assertEquals(List.of("acc-1", 3L, NOW), List.of(a3.aggregateId(), a3.version(), a3.at()));
    }

    @Test
    void appendsABatchAsTheEventSourceMappingDeliversIt() {
        StreamsEventResponse response = pump.handleRequest(Fixtures.kinesis("kinesis-event-stream.json"), null);

        assertEquals(List.of(), failures(response));
        assertEquals(List.of("a1", "a2"), idsOf("acc-1"));
        assertEquals(List.of("b1"), idsOf("acc-2"));
        EventEnvelope a2 = log.read("acc-1", 2, 1).get(0);
        assertEquals(List.of(2L, Instant.parse("2026-03-01T09:59:00Z"), Instant.parse("2026-03-01T09:59:00.500Z"), "5.00", "req-7", "teller-3"),
                List.of(a2.version(), a2.occurredAt(), a2.recordedAt(), a2.payload().path("amount").asText(),
                        a2.metadata().correlationId(), a2.metadata().actor()));
        assertEquals(List.of("a1@1", "a2@2", "b1@1"), feed.published().stream().map(e -> e.eventId() + "@" + e.version()).toList());
    }

    @Test
    void publishesWhatItAppendedVersionedToTheProcessorsFeed() {
        pump.handleRequest(batch(record("1", List.of(opened("a1", "acc-1"), deposited("a2", "acc-1", "5.00"))),
                record("2", List.of(opened("b1", "acc-2")))), null);
        assertEquals(List.of("a1@1", "a2@2", "b1@1"), feed.published().stream().map(e -> e.eventId() + "@" + e.version()).toList());
    }

    @Test
    void publishesAgainWhatAnEarlierAttemptAppendedButAClientDuplicateNot() {
        pump.handleRequest(batch(record("1", List.of(opened("a1", "acc-1")))), null);
        // The same delivery again (the earlier attempt may have died before publishing): published again.
        pump.handleRequest(batch(record("1", List.of(opened("a1", "acc-1")))), null);
        assertEquals(List.of("a1@1", "a1@1"), feed.published().stream().map(e -> e.eventId() + "@" + e.version()).toList());
    }

    @Test
    void acceptsARecordHoldingASingleEventObject() {
        byte[] single = dev.playback.model.event.EventCodec.toBytes(opened("a1", "acc-1"));
        assertEquals(List.of(), failures(pump.handleRequest(batch(record("1", "acc-1", single)), null)));
        assertEquals(List.of("a1"), idsOf("acc-1"));
    }

    @Test
    void setsAsideARecordThatCannotBeDecodedWithItsBytesAndReasonAndStillAppendsTheRest() {
        List<String> logLines = new ArrayList<>();
        StreamsEventResponse response = pump.handleRequest(batch(
                record("1", List.of(opened("a1", "acc-1"))),
                poison("2", "this is not JSON"),
                record("3", List.of(deposited("a2", "acc-1", "5.00"))),
                record("4", "acc-3", "{\"type\":\"MoneyDeposited\"}".getBytes(StandardCharsets.UTF_8)),
                record("5", "acc-4", "[]".getBytes(StandardCharsets.UTF_8))), context(logLines));
        assertEquals(List.of(), failures(response), "nothing left to block the shard");
        assertEquals(List.of("a1", "a2"), idsOf("acc-1"));
        List<SetAside.Entry> kept = setAside.keys().stream().map(setAside::get).toList();
        assertEquals(List.of("2", "4", "5"), kept.stream().map(SetAside.Entry::sequenceNumber).toList());
        assertEquals("this is not JSON", new String(kept.get(0).data(), StandardCharsets.UTF_8));
        assertEquals("poison", kept.get(0).partitionKey());
        assertTrue(kept.stream().allMatch(e -> e.reason().startsWith("not an event batch")), kept.toString());
        assertTrue(logs.messages().stream().anyMatch(l -> l.contains("record 2") && l.contains("set aside")), logs.messages().toString());
        assertTrue(logs.messages().stream().anyMatch(l -> l.contains("2 appended")), logs.messages().toString());
    }

    /** A pump whose events table refuses every write, as a throttled table does after the SDK's retries. */
    private PumpHandler throttled() {
        return new PumpHandler(new dev.playback.model.store.ForwardingEventLog(log) {
            @Override
            public List<EventEnvelope> write(List<EventEnvelope> events) {
                throw new IllegalStateException("throttled");
            }
        }, feed, setAside, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void failsTheBatchNamingTheAgeOfItsOldestRecord_whenTheEventsTableFails() {
        PumpHandler failing = throttled();
        KinesisEvent.KinesisEventRecord old = record("1", List.of(opened("a1", "acc-1")));
        old.getKinesis().setApproximateArrivalTimestamp(java.util.Date.from(NOW.minusSeconds(754)));
        KinesisEvent.KinesisEventRecord young = record("2", List.of(deposited("a2", "acc-1", "1.00")));
        young.getKinesis().setApproximateArrivalTimestamp(java.util.Date.from(NOW.minusSeconds(3)));
        List<String> logLines = new ArrayList<>();

        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> failing.handleRequest(batch(old, young), context(logLines)));

        assertEquals("throttled", thrown.getMessage());
        assertTrue(logs.messages().stream().anyMatch(l -> l.contains("2 records") && l.contains("oldest 754 s old") && l.contains("throttled")),
                logs.messages().toString());
        assertTrue(logs.metricLines().stream().anyMatch(l -> l.contains("\"PumpRetriedRecordAge\":754")), logs.metricLines().toString());
        assertEquals(List.of(), feed.published(), "nothing published from a failed batch");
    }

    @Test
    void recordsARejectionWithTheReasonForAnEventThatCanNeverBeStored_andAppendsTheOthers() {
        PumpHandler picky = new PumpHandler(new dev.playback.model.store.ForwardingEventLog(log) {
            @Override
            public java.util.Optional<String> unstorable(EventEnvelope event) {
                return event.eventId().equals("a2") ? java.util.Optional.of("occurredAt out of range") : java.util.Optional.empty();
            }
        }, feed, setAside, Clock.fixed(NOW, ZoneOffset.UTC));

        StreamsEventResponse response = picky.handleRequest(batch(record("1", List.of(opened("a1", "acc-1"),
                deposited("a2", "acc-1", "5.00"), deposited("a3", "acc-1", "6.00")))), null);

        assertEquals(List.of(), failures(response));
        assertEquals(List.of("a1", "a3"), idsOf("acc-1"));
        EventStatus.Rejected rejected = assertInstanceOf(EventStatus.Rejected.class, log.statuses(List.of("a2")).get("a2"));
        assertEquals("occurredAt out of range", rejected.reason());
        assertEquals(List.of("a1@1", "a3@2"), feed.published().stream().map(e -> e.eventId() + "@" + e.version()).toList());
    }

    @Test
    void appendsAnEventDeliveredTwiceOnce() {
        StreamsEventResponse response = pump.handleRequest(batch(
                record("1", List.of(opened("a1", "acc-1"))),
                record("2", List.of(opened("a1", "acc-1"), deposited("a2", "acc-1", "5.00")))), null);
        assertEquals(List.of(), failures(response));
        pump.handleRequest(batch(record("2", List.of(opened("a1", "acc-1"), deposited("a2", "acc-1", "5.00")))), null);
        assertEquals(List.of("a1", "a2"), idsOf("acc-1"));
    }

    @Test
    void recordsARejectionForAnEventWhoseExpectedVersionIsStale() {
        StreamsEventResponse response = pump.handleRequest(batch(
                record("1", List.of(opened("a1", "acc-1"), expecting(deposited("a2", "acc-1", "5.00"), 0)))), null);
        assertEquals(List.of(), failures(response), "a rejection is an outcome, not a failure to retry");
        assertEquals(List.of("a1"), idsOf("acc-1"));
        EventStatus.Rejected rejected = assertInstanceOf(EventStatus.Rejected.class, log.statuses(List.of("a2")).get("a2"));
        assertEquals(NOW, rejected.at());
    }

    private static Map<String, String> keysOfLine(List<ILoggingEvent> events, String start) {
        return events.stream().filter(e -> e.getFormattedMessage().startsWith(start)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting " + start + " in " + events)).getMDCPropertyMap();
    }

    @Test
    void shouldPublishEachStoredEventOnceInAggregateAndVersionOrder_whenOutcomesMixAppendedDuplicateAndRejected() {
        EventEnvelope b2 = deposited("b2", "acc-2", "1.00"), c = deposited("c", "acc-1", "3.00"), a1 = opened("a1", "acc-1");
        EventEnvelope x = deposited("x", "acc-1", "9.00"), d = deposited("d", "acc-3", "4.00");
        List<AppendOutcome> outcomes = List.of(new AppendOutcome.Appended("b2", "acc-2", 2), new AppendOutcome.Duplicate("c", "acc-1", 7L),
                new AppendOutcome.Appended("a1", "acc-1", 1), new AppendOutcome.Duplicate("a1"),
                new AppendOutcome.Rejected("x", "acc-1", "stale"), new AppendOutcome.Duplicate("d"));

        List<EventEnvelope> published = PumpHandler.appended(List.of(b2, c, a1, a1, x, d), outcomes);

        assertEquals(List.of("a1@1", "c@7", "b2@2"), published.stream().map(e -> e.eventId() + "@" + e.version()).toList());
    }

    @Test
    void shouldCountAndLogEachKindOfOutcome_whenABatchHoldsAppendedDuplicateRejectedAndConflictingEvents() {
        pump.handleRequest(batch(record("1", List.of(opened("a1", "acc-1")))), null);
        int linesBefore = logs.events().size(), metricsBefore = logs.metricLines().size();

        pump.handleRequest(batch(record("2", List.of(opened("a1", "acc-1"), deposited("a2", "acc-1", "5.00"),
                expecting(deposited("a3", "acc-1", "6.00"), 0))), record("3", List.of(opened("a2", "acc-2")))), null);

        List<String> metricLines = logs.metricLines().subList(metricsBefore, logs.metricLines().size());
        assertEquals(1, metricLines.size(), metricLines.toString());
        JsonNode counts = dev.playback.model.event.Envelopes.json(metricLines.get(0));
        assertEquals(List.of("pump", 1L, 1L, 2L), List.of(counts.path("Service").asText(), counts.path("EventsAppended").asLong(),
                counts.path("EventsDuplicate").asLong(), counts.path("EventsRejected").asLong()), counts.toString());
        List<ILoggingEvent> events = logs.events().subList(linesBefore, logs.events().size());
        assertTrue(events.stream().anyMatch(e -> e.getFormattedMessage().startsWith("pump: 1 appended, 1 rejected, 1 conflicts, 1 duplicates from 2 records; append ")),
                events.toString());
        List<ILoggingEvent> warned = events.stream().filter(e -> e.getLevel() == Level.WARN).toList();
        assertEquals(List.of("a3 acc-1 Rejected", "a2 acc-2 Conflict"), warned.stream().map(e -> e.getMDCPropertyMap().get("eventId") + " "
                + e.getMDCPropertyMap().get("aggregateId") + " " + e.getFormattedMessage().replaceAll("pump: (\\w+)\\[.*", "$1")).toList());
        List<ILoggingEvent> debug = events.stream().filter(e -> e.getLevel() == Level.DEBUG && e.getLoggerName().equals(PumpHandler.class.getName())).toList();
        assertEquals(List.of("a1 acc-1 Duplicate", "a2 acc-1 Appended"), debug.stream().map(e -> e.getMDCPropertyMap().get("eventId") + " "
                + e.getMDCPropertyMap().get("aggregateId") + " " + e.getFormattedMessage().replaceAll("pump: (\\w+)\\[.*", "$1")).toList());
        assertEquals(null, keysOfLine(events, "pump: 1 appended").get("eventId"), "a batch of several events has no one event id");
    }

    @Test
    void shouldLogWithTheEventsIds_whenTheBatchHoldsOneEventOfAnyOutcome() {
        pump.handleRequest(batch(record("1", List.of(opened("a1", "acc-1")))), null);
        assertEquals(Map.of("eventId", "a1", "aggregateId", "acc-1"), keysOfLine(logs.events(), "pump: 1 appended"));

        pump.handleRequest(batch(record("2", List.of(opened("a1", "acc-1")))), null);
        assertEquals(Map.of("eventId", "a1", "aggregateId", "acc-1"), keysOfLine(logs.events(), "pump: 0 appended, 0 rejected, 0 conflicts, 1 duplicates"));

        pump.handleRequest(batch(record("3", List.of(expecting(deposited("s1", "acc-5", "1.00"), 4)))), null);
        assertEquals(Map.of("eventId", "s1", "aggregateId", "acc-5"), keysOfLine(logs.events(), "pump: 0 appended, 1 rejected"));

        pump.handleRequest(batch(record("4", List.of(opened("a1", "acc-9")))), null);
        assertEquals(Map.of("eventId", "a1", "aggregateId", "acc-9"), keysOfLine(logs.events(), "pump: 0 appended, 0 rejected, 1 conflicts"));
    }

    @Test
    void shouldLogAppendAndFeedTimesWithinTheTimeTheBatchTook_whenItIsAppended() {
        long before = System.nanoTime();
        pump.handleRequest(batch(record("1", List.of(opened("a1", "acc-1"), deposited("a2", "acc-1", "5.00")))), null);
        long tookMs = (System.nanoTime() - before) / 1_000_000;

        String line = logs.messages().stream().filter(l -> l.startsWith("pump: 2 appended")).findFirst().orElseThrow();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("; append (-?\\d+) ms, feed (-?\\d+) ms$").matcher(line);
        assertTrue(m.find(), line);
        long append = Long.parseLong(m.group(1)), feedMs = Long.parseLong(m.group(2));
        assertTrue(append >= 0 && feedMs >= 0 && append + feedMs <= tookMs, line + " in a batch of " + tookMs + " ms");
    }

    @Test
    void shouldNameAnAgeOfZero_whenTheRetriedRecordsHaveNoArrivalTimeOrOneAfterNow() {
        PumpHandler failing = throttled();
        KinesisEvent.KinesisEventRecord undated = record("1", List.of(opened("a1", "acc-1")));
        undated.getKinesis().setApproximateArrivalTimestamp(null);
        assertThrows(IllegalStateException.class, () -> failing.handleRequest(batch(undated), null));
        KinesisEvent.KinesisEventRecord ahead = record("2", List.of(opened("a1", "acc-1")));
        ahead.getKinesis().setApproximateArrivalTimestamp(java.util.Date.from(NOW.plusSeconds(30)));
        assertThrows(IllegalStateException.class, () -> failing.handleRequest(batch(ahead), null));

        List<String> retried = logs.messages().stream().filter(l -> l.contains("will be retried")).toList();
        assertEquals(List.of("pump: 1 records of shardId-000000000000 will be retried (oldest 0 s old): java.lang.IllegalStateException: throttled",
                "pump: 1 records of shardId-000000000000 will be retried (oldest 0 s old): java.lang.IllegalStateException: throttled"), retried);
        assertEquals(2, logs.metricLines().stream().filter(l -> l.contains("\"PumpRetriedRecordAge\":0")).count(), logs.metricLines().toString());
    }
}
