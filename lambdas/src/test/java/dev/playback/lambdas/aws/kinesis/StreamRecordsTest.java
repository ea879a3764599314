package dev.playback.lambdas.aws.kinesis;

import dev.playback.examples.ledger.LedgerEnvelopes;

import dev.playback.model.event.EventCodec;
import dev.playback.model.event.EventEnvelope;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.playback.examples.ledger.LedgerEnvelopes.deposited;
import static dev.playback.examples.ledger.LedgerEnvelopes.opened;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StreamRecordsTest {
    @Test
    void decodesTheEventsItEncodedInOrder() {
        List<EventEnvelope> events = List.of(opened("a1", "acc-1"), deposited("a2", "acc-1", "1.00"),
                deposited("a3", "acc-1", "2.00").withPayloadRef("memory://payloads/acc-1/a3.json"));
        assertEquals(events, StreamRecords.decode(StreamRecords.encode(events)));
    }

    @Test
    void eventsEncodedOneByOneMakeTheSameRecord() {
        List<EventEnvelope> events = List.of(opened("a1", "acc-1"), deposited("a2", "acc-1", "1.00").withVersion(2));
        byte[] joined = StreamRecords.encodeEncoded(events.stream().map(EventCodec::toBytes).toList());
        assertArrayEquals(StreamRecords.encode(events), joined);
        assertEquals(events, StreamRecords.decode(joined));
        assertEquals(List.of(events.get(0)), StreamRecords.decode(StreamRecords.encodeEncoded(List.of(EventCodec.toBytes(events.get(0))))));
    }

    @Test
    void decodesASingleEventObject() {
        EventEnvelope e = opened("a1", "acc-1");
        assertEquals(List.of(e), StreamRecords.decode(EventCodec.toBytes(e)));
    }

    @Test
    void refusesDataThatHoldsNoEvent() {
        assertThrows(IllegalArgumentException.class, () -> StreamRecords.decode("not json".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class, () -> StreamRecords.decode("[]".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class, () -> StreamRecords.decode(new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> StreamRecords.decode("[{\"eventId\":\"x\"}]".getBytes(StandardCharsets.UTF_8)));
    }
}
