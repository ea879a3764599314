package dev.playback.lambdas.aws.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.lambdas.aws.kinesis.StreamRecords;
import dev.playback.model.ingest.Ingest;
import dev.playback.model.replay.TimeKeys;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.InvalidEventException;
import dev.playback.model.event.SubmissionJson;
import dev.playback.model.store.memory.InMemoryEventLog;
import dev.playback.model.store.memory.InMemoryEventPublisher;
import dev.playback.model.store.memory.InMemoryPayloadStore;
import dev.playback.model.store.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rule of issue 9 at the boundary between ingest and pump: every event that ingest accepts (202) can be decoded
 * from its stream record and turned into an events-table item, with index keys whose string order is time order.
 * Edge values of every field go through {@link Ingest#accept} (as the HTTP API reads them); whatever is accepted is
 * then built the way the pump builds it. A value that ingest lets through but the pump cannot store fails here.
 */
class AcceptedEventsAreStorableTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final String VALID = "{\"aggregateId\":\"acc-1\",\"type\":\"MoneyDeposited\",\"payload\":{\"amount\":\"10.00\"}}";

    private static String with(String field, String valueJson) {
        return VALID.substring(0, VALID.length() - 1) + ",\"" + field + "\":" + valueJson + "}";
    }

    private static String document(String payloadJson) {
        return "{\"aggregateId\":\"doc-1\",\"type\":\"DocumentAttached\",\"payload\":" + payloadJson + "}";
    }

    /** Edge values of each field, one field at a time, on either side of each limit. */
    private static List<String> bodies() {
        List<String> out = new ArrayList<>();
        for (String t : List.of("0001-01-01T00:00:00Z", "0000-12-31T23:59:59.999999999Z", "-0001-01-01T00:00:00Z",
                "9999-12-31T23:59:59.999999999Z", "+10000-01-01T00:00:00Z", "+1000000000-01-01T00:00:00Z",
                "-1000000000-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999999999Z",
                "2026-01-01T00:00:00.123456789Z", "2026-06-30T23:59:60Z", "2026-03-01T10:00:00+14:00", "9999-12-31T23:59:59-01:00")) {
            out.add(with("occurredAt", "\"" + t + "\""));
        }
        for (String v : List.of("0", "1", "9007199254740991", "9007199254740992", "9223372036854775807", "9223372036854775808",
                "18446744073709551616", "-1", "1.0", "1e2", "-0")) {
            out.add(with("expectedVersion", v));
        }
        for (String v : List.of("1", "2", "0", "3", "2147483647", "2147483648", "4294967297", "4294967298", "18446744073709551617", "2.0")) {
            out.add(with("schemaVersion", v));
        }
        String longId = "Az09._:-".repeat(16);
        out.add("{\"aggregateId\":\"" + longId + "\",\"eventId\":\"" + longId + "\",\"type\":\"MoneyDeposited\",\"payload\":{\"amount\":\"1\"}}");
        out.add(with("metadata", "{\"correlationId\":\"" + "c".repeat(256) + "\",\"causationId\":\"" + "é".repeat(256)
                + "\",\"actor\":\"" + "\ud83d\ude00".repeat(128) + "\"}"));
        out.add(with("metadata", "{\"actor\":\"\"}"));
        out.add(document("{\"deep\":" + "{\"a\":".repeat(62) + "1" + "}".repeat(62) + "}"));
        out.add(document("{\"deep\":" + "{\"a\":".repeat(61) + "1" + "}".repeat(61) + "}"));
        out.add(document("{\"n\":" + "9".repeat(100) + ",\"m\":-" + "9".repeat(99) + "}"));
        out.add(document("{\"d\":1.5e300,\"e\":4.9e-324,\"f\":-0.0,\"g\":1e400,\"h\":1e-400}"));
        out.add(document("{\"d\":1.7976931348623157e308}"));
        out.add(document("{\"text\":\"" + "x".repeat(Ingest.INLINE_PAYLOAD_BYTES - 20) + "\"}"));
        out.add(document("{\"text\":\"" + "\u00e9".repeat(Ingest.INLINE_PAYLOAD_BYTES / 2 - 20) + "\"}"));
        out.add(document("{\"text\":\"" + "x".repeat(Ingest.INLINE_PAYLOAD_BYTES + 20) + "\"}"));
        out.add(document("{\"\":\"empty key\",\"k\":\"\",\"a\":[],\"o\":{},\"z\":null,\"t\":true}"));
        out.add(document("{\"text\":\"a\\ud800\"}"));
        out.add(document("{\"text\":\"\\u202e\"}"));
        out.add(document("{\"text\":\"\\u0000\"}"));
        return out;
    }

    @Test
    void everyEventIngestAcceptsCanBeDecodedAndStoredByThePump() {
        InMemoryPayloadStore payloads = new InMemoryPayloadStore();
        InMemoryEventPublisher stream = new InMemoryEventPublisher();
        Ingest ingest = new Ingest(dev.playback.lambdas.LedgerAndDocuments.catalog(), stream, payloads, new InMemoryEventLog(payloads),
                new InMemoryStateStore(), Clock.fixed(NOW, ZoneOffset.UTC));
        int accepted = 0;
        int refused = 0;
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (String body : bodies()) {
            int before = stream.published().size();
            try {
                JsonNode json = SubmissionJson.read(body.getBytes(StandardCharsets.UTF_8));
                ingest.accept(json);
                accepted++;
            } catch (InvalidEventException e) {
                refused++;
                continue;
            }
            List<EventEnvelope> published = stream.published().subList(before, stream.published().size());
            // As the pump reads them: one stream record, decoded; then the version it would assign.
            for (EventEnvelope e : StreamRecords.decode(StreamRecords.encode(published))) {
                long version = e.expectedVersion() == null ? 1 : e.expectedVersion() + 1;
                EventEnvelope appended = e.withVersion(version);
                Map<String, AttributeValue> item = EventItems.toItem(appended);
                EventEnvelope back = EventItems.fromItem(item);
                assertEquals(appended.eventId(), back.eventId(), body);
                assertEquals(appended.occurredAt(), back.occurredAt(), body);
                assertEquals(appended.schemaVersion(), back.schemaVersion(), body);
                assertEquals(appended.version(), back.version(), body);
                assertEquals(appended.payload(), back.payload(), body);
                assertEquals(appended.payloadRef(), back.payloadRef(), body);
                assertEquals(appended.metadata(), back.metadata(), body);
                String occurredEntry = IndexKeys.entries(List.of(appended), IndexKeys.DEFAULT_BUCKETS).keySet().stream()
                        .filter(k -> k.startsWith("o#")).findFirst().orElseThrow();
                String day = occurredEntry.substring(2, occurredEntry.indexOf('#', 2));
                assertEquals(10, day.length(), occurredEntry);
                assertTrue(TimeKeys.time(appended.occurredAt()).startsWith(day + "T"), TimeKeys.time(appended.occurredAt()));
                assertTrue(item.toString().length() < 400 * 1024, "an item fits DynamoDB's 400 KB");
                items.add(item);
            }
        }
        System.out.printf("ingest → pump item: %d bodies accepted, %d refused, %d items built%n", accepted, refused, items.size());
        // Counted by hand from bodies(): occurredAt 7 of 13 (0001, 9999, 1970, 1969, nanos, leap second, +14:00),
        // expectedVersion 4 of 11 (0, 1, 2^53-1, -0), schemaVersion 2 of 10 (1, 2), and 10 of the 15 others.
        assertEquals(23, accepted, "accepted bodies");
        assertEquals(26, refused, "refused bodies");

        // The index compares times as text (TimeKeys.time): text order is time order.
        List<Instant> times = items.stream().map(i -> Instant.parse(i.get("occurredAt").s())).toList();
        List<Instant> byText = times.stream().sorted(Comparator.comparing(TimeKeys::time)).toList();
        assertEquals(times.stream().sorted().toList(), byText);
    }
}
