package dev.playback.lambdas.api;

import dev.playback.model.ingest.Ingest;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.model.event.EventCodec;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.store.Appender;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code POST /events}: the body and event size limits, and large payloads kept aside under a claim check. */
class ApiPayloadSizesTest extends ApiFixture {
    // --- body and event sizes ---

    @Test
    void refusesABodyOverThreeMillionBytes() {
        String body = document("big", 3_000_000);
        assertRefused(post(body), 413, "body");
        assertEquals(List.of(), stream.published());
    }

    @Test
    void acceptsABodyJustUnderThreeMillionBytes() {
        String body = "[" + document("d-1", 990_000) + "," + document("d-2", 990_000) + "," + document("d-3", 990_000) + "]";
        assertTrue(body.length() > 2_970_000 && body.length() < 3_000_000, "body length " + body.length());

        APIGatewayProxyResponseEvent response = post(body);

        assertEquals(202, response.getStatusCode(), response.getBody());
        assertEquals(3, stream.published().size());
    }

    @Test
    void refusesAnEventOverOneMegabyte() {
        assertRefused(post(document("big", Ingest.MAX_EVENT_BYTES)), 413, "body");
        assertRefused(post("[" + document("small", 10) + "," + document("big", Ingest.MAX_EVENT_BYTES) + "]"), 413, "[1]");
        // Over 1 MB and invalid too: the size is what is reported (413), not the field (400).
        String invalidAndBig = "{\"aggregateId\":\"a-1\",\"type\":\"DocumentAttached\",\"payload\":{},\"colour\":\""
                + "x".repeat(Ingest.MAX_EVENT_BYTES) + "\"}";
        assertRefused(post(invalidAndBig), 413, "body");
        assertEquals(List.of(), stream.published());
        assertEquals(0, payloads.size());
    }

    @Test
    void keepsAPayloadOver256KilobytesAsideAndResolvesItOnRead() {
        int length = Ingest.INLINE_PAYLOAD_BYTES + 1000;
        APIGatewayProxyResponseEvent response = post("[" + document("d-1", length) + "," + document("d-2", 10) + "]");
        assertEquals(202, response.getStatusCode(), response.getBody());
        EventEnvelope travelled = stream.published().get(0);
        assertNull(travelled.payload());
        assertTrue(travelled.payloadRef() != null && travelled.payloadRef().contains("d-1"), String.valueOf(travelled.payloadRef()));
        assertTrue(EventCodec.toBytes(travelled).length < 2000, "the event travels without its payload");
        assertEquals(1, payloads.size());
        assertEquals(10, stream.published().get(1).payload().get("text").asText().length(), "small payloads stay inline");

        pumpAndProject();
        JsonNode read = body(getEvent("d-1"));
        assertEquals(length, read.path("payload").path("text").asText().length());
        JsonNode history = body(getHistory("doc-1", null));
        assertEquals(length, history.path("events").get(0).path("payload").path("text").asText().length());
    }

    // --- claim-check payloads are written once ---

    /** Golden values: SHA-256 of the payload's bytes computed with Python's hashlib. */
    @Test
    void keepsALargePayloadUnderAKeyNamedByItsSha256() {
        int length = Ingest.INLINE_PAYLOAD_BYTES + 10;
        assertEquals(202, post(document("d-1", length)).getStatusCode());
        assertEquals("memory://payloads/doc-1/d-1/e2397e8f18a0498e9438f3db841fa9d72e8ced5a6c35d626e771c8ab4ef7b7e6.json",
                stream.published().get(0).payloadRef());
        EventEnvelope small = new EventEnvelope("e-1", "acc-1", "MoneyDeposited", 2, null, null, NOW, NOW,
                dev.playback.model.event.Envelopes.json("{\"amount\":\"1.00\"}"), null, null);
        assertEquals("payloads/acc-1/e-1/ecd4beb07d489cdc999ba7c40e5d86d2e433e3c5248ab08cf368a85c93fb8040.json",
                Ingest.payloadKey(small, "{\"amount\":\"1.00\"}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void cannotReplaceTheClaimCheckOfAnAppendedEventByReSendingItsId() {
        int length = Ingest.INLINE_PAYLOAD_BYTES + 10;
        assertEquals(202, post(document("d-1", length)).getStatusCode());
        String other = event("doc-1", "d-1", "DocumentAttached", "{\"text\":\"" + "y".repeat(length) + "\"}");
        // Sent before the first is appended, so ingest cannot tell yet: both get 202, the pump decides.
        assertEquals(202, post(other).getStatusCode());
        pumpAndProject();

        assertEquals(2, payloads.size(), "the re-send went to its own key");
        assertNotEquals(stream.published().get(0).payloadRef(), stream.published().get(1).payloadRef());
        assertEquals("x".repeat(length), body(getEvent("d-1")).path("payload").path("text").asText());
        assertEquals(1, body(getEvent("d-1")).path("conflicts").size(), getEvent("d-1").getBody());
        // Once the first is recorded, the same re-send is refused before the 202.
        assertRefused(post(other), 409, "eventId");
    }

    @Test
    void readsAPayloadStoredUnderTheEarlierKeyLayout() {
        String ref = payloads.put("payloads/doc-1/old-1.json", "{\"text\":\"kept\"}".getBytes(StandardCharsets.UTF_8));
        EventEnvelope old = new EventEnvelope("old-1", "doc-1", "DocumentAttached", 1, null, null, NOW, NOW, null, ref,
                dev.playback.model.event.EventMetadata.NONE);
        new Appender(log).append(List.of(old), NOW);
        assertEquals("kept", body(getEvent("old-1")).path("payload").path("text").asText());
    }

    @Test
    void acceptsABodyOfExactlyThreeMillionBytesAndRefusesOneByteMore() {
        String events = "[" + document("d-1", 990_000) + "," + document("d-2", 990_000) + "," + document("d-3", 990_000) + "]";
        String exactly = events + " ".repeat(3_000_000 - events.length());

        assertEquals(202, post(exactly).getStatusCode());
        APIGatewayProxyResponseEvent over = post(exactly + " ");
        assertRefused(over, 413, "body");
        assertEquals("request body is 3000001 bytes; at most 3000000 are accepted", body(over).path("error").asText());
    }
}
