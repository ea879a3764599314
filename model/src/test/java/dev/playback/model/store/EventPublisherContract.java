package dev.playback.model.store;

import dev.playback.model.event.EventEnvelope;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.playback.model.event.Envelopes.added;
import static dev.playback.model.event.Envelopes.event;
import static dev.playback.model.event.Envelopes.json;
import static dev.playback.model.event.Envelopes.created;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The contract of {@link EventPublisher}: when {@code publish} returns, every event is on the event stream, under
 * its aggregate id as partition key, in order per aggregate. Extend it once per implementation: {@link #newPublisher}
 * publishes to a fresh, empty stream and {@link #onStream} reads back what is on it. This class ships in model's
 * test-jar, so an adapter module runs it as is.
 */
public abstract class EventPublisherContract {
    protected EventPublisher publisher;

    /** A publisher to a fresh stream with nothing on it. */
    protected abstract EventPublisher newPublisher();

    /** Everything on the stream so far: per partition key, the events in stream order. */
    protected abstract Map<String, List<EventEnvelope>> onStream();

    @BeforeEach
    void createPublisher() {
        publisher = newPublisher();
    }

    @Test
    void putsEveryEventUnderItsAggregateInOrder() {
        EventEnvelope a1 = created("a1", "acc-1");
        EventEnvelope b1 = created("b1", "acc-2");
        EventEnvelope a2 = added("a2", "acc-1", "10.00");
        EventEnvelope c1 = created("c1", "acc-3");
        EventEnvelope a3 = added("a3", "acc-1", "2.50");
        EventEnvelope b2 = added("b2", "acc-2", "7.00");

        publisher.publish(List.of(a1, b1, a2, c1, a3, b2));

        assertEquals(Map.of("acc-1", List.of(a1, a2, a3), "acc-2", List.of(b1, b2), "acc-3", List.of(c1)), onStream());
    }

    @Test
    void keepsTheOrderOfAnAggregateAcrossCalls() {
        EventEnvelope a1 = created("a1", "acc-1");
        EventEnvelope a2 = added("a2", "acc-1", "10.00");
        EventEnvelope a3 = added("a3", "acc-1", "2.50");

        publisher.publish(List.of(a1));
        publisher.publish(List.of(a2, a3));

        assertEquals(Map.of("acc-1", List.of(a1, a2, a3)), onStream());
    }

    @Test
    void putsNothingForNoEvents() {
        publisher.publish(List.of());

        assertEquals(Map.of(), onStream());
    }

    @Test
    void putsAnAggregateWhoseEventsFillMoreThanOneStreamRecord_inOrder() {
        // Four events of about 400 kB each: more than one Kinesis record (1 MB) holds.
        List<EventEnvelope> documents = List.of(document("d1", 'a'), document("d2", 'b'), document("d3", 'c'), document("d4", 'd'));
        EventEnvelope other = created("o1", "acc-9");

        publisher.publish(List.of(documents.get(0), other, documents.get(1), documents.get(2), documents.get(3)));

        assertEquals(Map.of("doc-1", documents, "acc-9", List.of(other)), onStream());
    }

    private static EventEnvelope document(String eventId, char fill) {
        return event(eventId, "doc-1", "DocumentAttached", json("{\"text\":\"" + String.valueOf(fill).repeat(400_000) + "\"}"));
    }
}
