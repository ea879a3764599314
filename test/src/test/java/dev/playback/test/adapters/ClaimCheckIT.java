package dev.playback.test.adapters;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.lambdas.aws.dynamodb.DynamoEventLog;
import dev.playback.lambdas.aws.s3.S3PayloadStore;
import dev.playback.model.ingest.Ingest;
import dev.playback.lambdas.aws.dynamodb.DynamoStateStore;
import dev.playback.tools.check.LedgerFold;
import dev.onebox.emulators.EmulatorOptions;
import dev.onebox.emulators.Emulators;
import dev.playback.model.event.EventCatalog;
import dev.playback.model.event.EventCodec;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.EventType;
import dev.playback.model.store.AppendOutcome;
import dev.playback.model.store.Appender;
import dev.playback.model.store.memory.InMemoryEventPublisher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The claim check on the emulators, at the adapter level: the ledger validates its payloads strictly (no ledger
 * event can carry 256 KB), so a free-form event type stands in. A 600 KB payload goes through {@link Ingest}
 * (kept aside in S3), is appended by the pump's {@link Appender} on {@link DynamoEventLog}, and comes back whole
 * from every reader: the history, the event lookup and the independent fold's payload reader.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ClaimCheckIT {
    private static final int PAYLOAD_BYTES = 600 * 1024;
    private static Emulators emulators;
    private static DynamoDbClient dynamo;
    private static S3Client s3;

    @BeforeAll
    static void startEmulators() {
        emulators = Emulators.start(EmulatorOptions.inMemory());
        dynamo = emulators.dynamoDbClient();
        s3 = emulators.s3Client();
    }

    @AfterAll
    static void stopEmulators() {
        if (dynamo != null) dynamo.close();
        if (s3 != null) s3.close();
        if (emulators != null) emulators.close();
    }

    /** Accepts any object payload. */
    private static final class Document implements EventType {
        @Override
        public String name() {
            return "DocumentAttached";
        }

        @Override
        public void validate(ObjectNode payload) {
        }
    }

    @Test
    void aPayloadOver256KbIsKeptInS3AndReadBackWhole() throws Exception {
        String bucket = FreshResources.bucket(s3);
        String eventsTable = FreshResources.eventsTable(dynamo);
        S3PayloadStore payloads = new S3PayloadStore(s3, bucket);
        DynamoEventLog log = new DynamoEventLog(dynamo, eventsTable, FreshResources.eventIdsTable(dynamo),
                Emulated.eventIndex(dynamo), payloads);
        InMemoryEventPublisher stream = new InMemoryEventPublisher();
        Ingest ingest = new Ingest(new EventCatalog(List.of(new Document())), stream, payloads, log,
                new DynamoStateStore(dynamo, FreshResources.dataTable(dynamo)), Clock.systemUTC());

        StringBuilder text = new StringBuilder(PAYLOAD_BYTES);
        for (int i = 0; text.length() < PAYLOAD_BYTES; i++) text.append("line ").append(i).append(" ✓ ");
        ObjectNode payload = EventCodec.JSON.createObjectNode().put("document", text.toString());
        int payloadBytes = payload.toString().getBytes(StandardCharsets.UTF_8).length;
        assertTrue(payloadBytes > Ingest.INLINE_PAYLOAD_BYTES && payloadBytes < Ingest.MAX_EVENT_BYTES, "payload is " + payloadBytes + " bytes");
        ObjectNode submitted = EventCodec.JSON.createObjectNode().put("aggregateId", "doc-1").put("type", "DocumentAttached")
                .put("eventId", "doc-1-e1");
        submitted.set("payload", payload);

        assertEquals(List.of("doc-1-e1"), ingest.accept(submitted));
        EventEnvelope published = stream.published().get(0);
        assertNotNull(published.payloadRef(), "published by reference");
        assertEquals(null, published.payload(), "the stream record does not carry the payload");
        assertTrue(EventCodec.toBytes(published).length < 64 * 1024, "the stream record is small");

        List<AppendOutcome> outcomes = new Appender(log).append(stream.published(), Instant.now());
        assertInstanceOf(AppendOutcome.Appended.class, outcomes.get(0));
        Map<String, AttributeValue> item = dynamo.getItem(g -> g.tableName(eventsTable).consistentRead(true)
                .key(Map.of("aggregateId", AttributeValue.fromS("doc-1"), "version", AttributeValue.fromN("1")))).item();
        assertFalse(item.containsKey("payload"), "the table item keeps only the reference: " + item.keySet());
        assertEquals(published.payloadRef(), item.get("payloadRef").s());

        assertEquals(payload, ingest.history("doc-1", 1, 10).get(0).payload());
        Ingest.Lookup lookup = ingest.event("doc-1-e1");
        assertInstanceOf(Ingest.Lookup.Appended.class, lookup);
        assertEquals(payload, ((Ingest.Lookup.Appended) lookup).event().payload());
        System.out.printf("claim check: %d-byte payload kept in S3 as %s, read back whole%n", payloadBytes, published.payloadRef());

        LedgerFold.Result fold = LedgerFold.of(dynamo, s3, eventsTable);
        assertEquals(1, fold.events());
        assertEquals(List.of(), fold.violations());
    }
}
