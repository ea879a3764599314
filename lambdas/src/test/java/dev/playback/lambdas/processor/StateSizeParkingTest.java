package dev.playback.lambdas.processor;

import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.playback.lambdas.LogCapture;
import dev.playback.lambdas.aws.kinesis.InMemorySetAside;
import dev.playback.lambdas.telemetry.EmbeddedMetrics;
import dev.playback.model.event.EventCatalog;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.EventType;
import dev.playback.model.parking.Parked;
import dev.playback.model.parking.Parking;
import dev.playback.model.parking.Unpark;
import dev.playback.model.playback.Projection;
import dev.playback.model.processor.Processor;
import dev.playback.model.processor.Projector;
import dev.playback.model.store.StateSizeGuard;
import dev.playback.model.store.StateSizeLimits;
import dev.playback.model.store.StateTooLarge;
import dev.playback.model.store.memory.InMemoryEventLog;
import dev.playback.model.store.memory.InMemoryParkedAggregates;
import dev.playback.model.store.memory.InMemoryReplayStore;
import dev.playback.model.store.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.playback.lambdas.aws.kinesis.KinesisBatches.batch;
import static dev.playback.lambdas.aws.kinesis.KinesisBatches.record;
import static dev.playback.model.event.Envelopes.event;
import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A state that grows past its processor's limit, through the processor function: the save is refused, the aggregate
 * parked with its event held back (not dropped, not retried forever), and after the limit is raised {@code unpark}
 * applies the held events once, in order. The processor keeps every note's text: its state (JSON, as the in-memory store
 * counts it) is {@code "} + the notes + {@code "}.
 */
class StateSizeParkingTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final EventCatalog CATALOG = new EventCatalog(List.of(new EventType() {
        @Override
        public String name() {
            return "Noted";
        }

        @Override
        public void validate(com.fasterxml.jackson.databind.node.ObjectNode payload) {
        }
    }));

    /** Keeps the text of every note, one after another: grows with every event. */
    static final class Notes implements Processor<String> {
        @Override
        public String name() {
            return "notes";
        }

        @Override
        public String initial(String aggregateId) {
            return "";
        }

        @Override
        public String apply(String state, EventEnvelope event) {
            return state + event.payload().path("text").asText();
        }

        @Override
        public JsonNode encode(String state) {
            return TextNode.valueOf(state);
        }

        @Override
        public String decode(JsonNode json) {
            return json.asText();
        }
    }

    private final InMemoryEventLog events = new InMemoryEventLog();
    private final InMemoryStateStore states = new InMemoryStateStore();
    private final InMemoryParkedAggregates parked = new InMemoryParkedAggregates();
    private final Parking parking = new Parking(parked, ProcessorHandler::transientFailure, Clock.fixed(NOW, ZoneOffset.UTC));
    private final AtomicInteger sequence = new AtomicInteger();
    @RegisterExtension
    final LogCapture logs = new LogCapture();

    /** The function running the notes processor behind a guard with the warning size 20 and the limit {@code limit}. */
    private ProcessorHandler function(long limit) {
        var guarded = new StateSizeGuard(states, p -> new StateSizeLimits(20, limit), dev.playback.model.metrics.Metrics.NONE, s -> { });
        Projection notes = new Projection(List.of(new Projector<>(new Notes(), events, guarded, CATALOG)),
                guarded, new InMemoryReplayStore(), Runnable::run, true, parking);
        return new ProcessorHandler(Optional.of(notes), List.of(), new InMemorySetAside(),
                new EmbeddedMetrics(EmbeddedMetrics.DEFAULT_NAMESPACE, Clock.systemUTC()), Clock.systemUTC(), parking);
    }

    private static EventEnvelope note(String account, long version, String text) {
        return event("n-" + account + "-" + version, account, "Noted", json("{\"text\":\"" + text + "\"}")).withVersion(version);
    }

    /** The pump's part: appends {@code stream} and delivers it in one record. */
    private StreamsEventResponse deliver(ProcessorHandler function, List<EventEnvelope> stream) {
        events.write(stream);
        return redeliver(function, stream);
    }

    /** Delivers {@code stream} (appended already) in one record, as the playback stream does on {@code unpark}. */
    private StreamsEventResponse redeliver(ProcessorHandler function, List<EventEnvelope> stream) {
        return function.handleRequest(batch(record(Integer.toString(sequence.incrementAndGet()), stream)), null);
    }

    private String notes(String account) {
        return states.load("notes", "g0", account).orElseThrow().state().asText();
    }

    private long version(String account) {
        return states.load("notes", "g0", account).orElseThrow().version();
    }

    /** Limit 30 bytes: acc-1's third note makes its state 2 + 3 × 10 = 32 bytes; acc-2 stays at 12. */
    private ProcessorHandler parkAcc1() {
        ProcessorHandler small = function(30);
        assertEquals(List.of(), deliver(small, List.of(note("acc-1", 1, "aaaaaaaaaa"), note("acc-1", 2, "bbbbbbbbbb"))).getBatchItemFailures());
        assertEquals(List.of(), deliver(small, List.of(note("acc-1", 3, "cccccccccc"), note("acc-2", 1, "dddddddddd"))).getBatchItemFailures());
        assertEquals(List.of(), deliver(small, List.of(note("acc-1", 4, "eeeeeeeeee"))).getBatchItemFailures());
        return small;
    }

    @Test
    void aStateOverTheLimitParksItsAggregateAtTheFirstEventNotSavedAndOtherAggregatesFlow() {
        parkAcc1();

        assertEquals(1, parked.all().size());
        Parked p = parked.all().get(0);
        assertEquals(List.of("notes", "acc-1", "g0", "n-acc-1-3", 3L, StateTooLarge.class.getName()),
                List.of(p.processor(), p.aggregateId(), p.generation(), p.eventId(), p.version(), p.errorClass()));
        assertEquals("state of aggregate acc-1 for processor notes (generation g0, version 3) is 32 bytes, over the limit of 30 bytes: "
                + "not saved, the stored state stays at version 2", p.errorMessage());
        assertEquals(2, version("acc-1"), "nothing of the refused state was saved");
        assertEquals("aaaaaaaaaabbbbbbbbbb", notes("acc-1"));
        assertEquals("dddddddddd", notes("acc-2"));
        assertTrue(logs.messages().stream().anyMatch(m -> m.startsWith("parked acc-1 for notes at version 3 (event n-acc-1-3, generation g0): "
                + StateTooLarge.class.getName() + ": state of aggregate acc-1 for processor notes")), logs.messages().toString());
    }

    @Test
    void theParkedAggregatesLaterEventIsHeldBackNotRetried() {
        ProcessorHandler small = parkAcc1();

        StreamsEventResponse again = deliver(small, List.of(note("acc-1", 5, "ffffffffff")));

        assertEquals(List.of(), again.getBatchItemFailures(), "held back: the batch is not failed, the event is in the events table");
        assertEquals(2, version("acc-1"));
        assertEquals(1, parked.all().size());
    }

    @Test
    void withoutParkingTheRefusedRecordIsRetriedNeverDropped() {
        var guarded = new StateSizeGuard(states, p -> new StateSizeLimits(20, 30), dev.playback.model.metrics.Metrics.NONE, s -> { });
        ProcessorHandler unparked = new ProcessorHandler(new Projection(List.of(new Projector<>(new Notes(), events, guarded, CATALOG)),
                guarded, new InMemoryReplayStore(), Runnable::run), new InMemorySetAside());

        StreamsEventResponse response = deliver(unparked, List.of(note("acc-1", 1, "a".repeat(40))));

        assertEquals(1, response.getBatchItemFailures().size());
        assertTrue(states.load("notes", "g0", "acc-1").isEmpty());
    }

    @Test
    void afterTheLimitIsRaisedUnparkAppliesTheHeldEventsOnceInOrder() {
        parkAcc1();
        ProcessorHandler raised = function(1000);
        Unpark unpark = new Unpark(parked, events, evs -> assertEquals(List.of(), redeliver(raised, evs).getBatchItemFailures()),
                states, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ZERO);

        List<Unpark.Outcome> outcomes = unpark.unpark(unpark.select(Optional.of("acc-1"), Optional.empty()));

        Unpark.Outcome.Unparked done = assertInstanceOf(Unpark.Outcome.Unparked.class, outcomes.get(0));
        assertEquals(4, done.version());
        assertEquals("aaaaaaaaaabbbbbbbbbbcccccccccceeeeeeeeee", notes("acc-1"), "every note once, in order: none lost");
        assertEquals(List.of(), parked.all());
    }
}
