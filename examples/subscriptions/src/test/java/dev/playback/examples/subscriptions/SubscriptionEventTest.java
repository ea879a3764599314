package dev.playback.examples.subscriptions;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.event.EventCatalog;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.InvalidEventException;
import dev.playback.model.event.Submission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.List;

import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What the ingest accepts of the subscription events, and how a schema-1 start is brought up to schema 2. */
class SubscriptionEventTest {
    private static final Instant NOW = Instant.parse("2026-03-11T10:00:00Z");
    private final Submission ingest = new Submission(new EventCatalog(new Subscriptions().eventTypes()), () -> "e-1");

    private EventEnvelope submit(String type, String payload) {
        return submit(type, payload, null);
    }

    private EventEnvelope submit(String type, String payload, Integer schemaVersion) {
        String body = "{\"aggregateId\":\"sub-1\",\"type\":\"" + type + "\",\"payload\":" + payload
                + (schemaVersion == null ? "" : ",\"schemaVersion\":" + schemaVersion) + "}";
        List<EventEnvelope> events = ingest.parse(json(body), NOW);
        assertEquals(1, events.size());
        return events.get(0);
    }

    @Test
    void aCompleteStartOfSchemaTwoIsAccepted() {
        EventEnvelope e = submit("SubscriptionStarted",
                "{\"customer\":\"Ada\",\"plan\":\"basic\",\"monthlyPrice\":\"30.00\",\"currency\":\"EUR\",\"country\":\"DE\"}");

        assertEquals(2, e.schemaVersion());
        assertEquals(json("{\"customer\":\"Ada\",\"plan\":\"basic\",\"monthlyPrice\":\"30.00\",\"currency\":\"EUR\",\"country\":\"DE\"}"),
                e.payload());
    }

    @ParameterizedTest(name = "{0} {1} is refused naming {2}")
    @CsvSource(delimiter = '|', value = {
            "SubscriptionStarted|{\"plan\":\"basic\",\"monthlyPrice\":\"30.00\",\"currency\":\"EUR\",\"country\":\"DE\"}|payload.customer",
            "SubscriptionStarted|{\"customer\":\" \",\"plan\":\"basic\",\"monthlyPrice\":\"30.00\",\"currency\":\"EUR\",\"country\":\"DE\"}|payload.customer",
            "SubscriptionStarted|{\"customer\":\"Ada\",\"plan\":7,\"monthlyPrice\":\"30.00\",\"currency\":\"EUR\",\"country\":\"DE\"}|payload.plan",
            "SubscriptionStarted|{\"customer\":\"Ada\",\"plan\":\"basic\",\"monthlyPrice\":\"30.001\",\"currency\":\"EUR\",\"country\":\"DE\"}|payload.monthlyPrice",
            "SubscriptionStarted|{\"customer\":\"Ada\",\"plan\":\"basic\",\"monthlyPrice\":30,\"currency\":\"EUR\",\"country\":\"DE\"}|payload.monthlyPrice",
            "SubscriptionStarted|{\"customer\":\"Ada\",\"plan\":\"basic\",\"monthlyPrice\":\"0.00\",\"currency\":\"EUR\",\"country\":\"DE\"}|payload.monthlyPrice",
            "SubscriptionStarted|{\"customer\":\"Ada\",\"plan\":\"basic\",\"monthlyPrice\":\"-5.00\",\"currency\":\"EUR\",\"country\":\"DE\"}|payload.monthlyPrice",
            "SubscriptionStarted|{\"customer\":\"Ada\",\"plan\":\"basic\",\"monthlyPrice\":\"30.00\",\"currency\":\"eur\",\"country\":\"DE\"}|payload.currency",
            "SubscriptionStarted|{\"customer\":\"Ada\",\"plan\":\"basic\",\"monthlyPrice\":\"30.00\",\"currency\":\"EUR\",\"country\":\"XX\"}|payload.country",
            "SubscriptionStarted|{\"customer\":\"Ada\",\"plan\":\"basic\",\"monthlyPrice\":\"30.00\",\"currency\":\"EUR\"}|payload.country",
            "SubscriptionStarted|{\"customer\":\"Ada\",\"plan\":\"basic\",\"monthlyPrice\":\"30.00\",\"currency\":\"EUR\",\"country\":\"DE\",\"vip\":true}|payload.vip",
            "PlanChanged|{\"plan\":\"pro\"}|payload.monthlyPrice",
            "PlanChanged|{\"monthlyPrice\":\"60.00\"}|payload.plan",
            "SubscriptionCancelled|{\"reason\":\"moved\"}|payload.reason",
            "InvoiceRequested|{\"period\":\"2026-13\"}|payload.period",
            "InvoiceRequested|{\"period\":\"2026-3\"}|payload.period",
            "InvoiceRequested|{}|payload.period",
            "SubscriptionEventReversed|{\"eventId\":\"not an id\",\"reason\":\"typo\"}|payload.eventId",
            "SubscriptionEventReversed|{\"eventId\":\"inv-1\"}|payload.reason",
    })
    void aWrongFieldIsRefusedNamingIt(String type, String payload, String field) {
        InvalidEventException e = assertThrows(InvalidEventException.class, () -> submit(type, payload));

        assertEquals(field, e.field(), e.getMessage());
        assertEquals(true, e.getMessage().contains("'" + field + "'"), e.getMessage());
    }

    @Test
    void aSchemaOneStartGivesItsPriceInCentsAndIsBroughtUpToADecimalString() {
        EventEnvelope e = submit("SubscriptionStarted",
                "{\"customer\":\"Ada\",\"plan\":\"basic\",\"monthlyPriceCents\":3000,\"currency\":\"EUR\",\"country\":\"DE\"}", 1);

        assertEquals(1, e.schemaVersion(), "stored as written");
        EventEnvelope read = new EventCatalog(new Subscriptions().eventTypes()).upcast(e);
        assertEquals(2, read.schemaVersion());
        assertEquals(json("{\"customer\":\"Ada\",\"plan\":\"basic\",\"currency\":\"EUR\",\"country\":\"DE\",\"monthlyPrice\":\"30.00\"}"),
                read.payload());
    }

    @ParameterizedTest(name = "{0} cents are {1}")
    @CsvSource({"3099, 30.99", "5, 0.05", "100, 1.00", "123456, 1234.56"})
    void theUpcasterTurnsCentsIntoTwoDecimals(long cents, String price) {
        ObjectNode v1 = json("{\"customer\":\"Ada\",\"plan\":\"basic\",\"monthlyPriceCents\":" + cents + ",\"currency\":\"EUR\",\"country\":\"DE\"}");

        ObjectNode v2 = new SubscriptionEvent.StartedType().upcast(1, v1);

        assertEquals(price, v2.path("monthlyPrice").asText());
        assertEquals(false, v2.has("monthlyPriceCents"));
    }

    @ParameterizedTest(name = "cents {0} are refused")
    @CsvSource(delimiter = '|', value = {"30.5", "\"3000\"", "0", "-100"})
    void aSchemaOnePriceThatIsNotAPositiveWholeNumberOfCentsIsRefusedNamingIt(String cents) {
        InvalidEventException e = assertThrows(InvalidEventException.class, () -> submit("SubscriptionStarted",
                "{\"customer\":\"Ada\",\"plan\":\"basic\",\"monthlyPriceCents\":" + cents + ",\"currency\":\"EUR\",\"country\":\"DE\"}", 1));

        assertEquals("payload.monthlyPriceCents", e.field(), e.getMessage());
    }

    @Test
    void aSchemaOneStartWithoutItsPriceIsRefusedNamingTheCurrentField() {
        InvalidEventException e = assertThrows(InvalidEventException.class, () -> submit("SubscriptionStarted",
                "{\"customer\":\"Ada\",\"plan\":\"basic\",\"currency\":\"EUR\",\"country\":\"DE\"}", 1));

        assertEquals("payload.monthlyPrice", e.field(), e.getMessage());
    }
}
