package dev.playback.lambdas.pump;

import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.store.EventStatus;
import dev.playback.model.store.memory.InMemoryEventLog;
import org.junit.jupiter.api.Test;

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
import static dev.playback.model.event.Envelopes.deposited;
import static dev.playback.model.event.Envelopes.expecting;
import static dev.playback.model.event.Envelopes.opened;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PumpHandlerTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private final InMemoryEventLog log = new InMemoryEventLog();
    private final dev.playback.model.store.memory.InMemoryEventPublisher feed = new dev.playback.model.store.memory.InMemoryEventPublisher();
    private final PumpHandler pump = new PumpHandler(log, feed, Clock.fixed(NOW, ZoneOffset.UTC));

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
        assertEquals(new EventStatus.Claimed("a3", "acc-1", 3, NOW), log.statuses(List.of("a3")).get("a3"));
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
    void reportsAPoisonRecordAndStillAppendsTheRest() {
        List<String> logLines = new ArrayList<>();
        StreamsEventResponse response = pump.handleRequest(batch(
                record("1", List.of(opened("a1", "acc-1"))),
                poison("2", "this is not JSON"),
                record("3", List.of(deposited("a2", "acc-1", "5.00"))),
                record("4", "acc-3", "{\"type\":\"MoneyDeposited\"}".getBytes(StandardCharsets.UTF_8)),
                record("5", "acc-4", "[]".getBytes(StandardCharsets.UTF_8))), context(logLines));
        assertEquals(List.of("2", "4", "5"), failures(response));
        assertEquals(List.of("a1", "a2"), idsOf("acc-1"));
        assertTrue(logLines.stream().anyMatch(l -> l.contains("record 2")), logLines.toString());
        assertTrue(logLines.stream().anyMatch(l -> l.contains("2 appended")), logLines.toString());
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
}
