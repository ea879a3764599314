package dev.playback.model.event;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.playback.model.event.Envelopes.T0;
import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Upcasting on read: older schemas are brought to the current one, the current and newer ones pass unchanged. */
class EventCatalogTest {
    /** Schema 2 renames schema 1's {@code value} to {@code amount}. */
    static final EventType COUNTED = new EventType() {
        @Override
        public String name() {
            return "Counted";
        }

        @Override
        public int schemaVersion() {
            return 2;
        }

        @Override
        public void validate(ObjectNode payload) {
        }

        @Override
        public ObjectNode upcast(int fromSchemaVersion, ObjectNode payload) {
            payload.set("amount", payload.remove("value"));
            return payload;
        }
    };

    private final EventCatalog catalog = new EventCatalog(List.of(COUNTED));

    private static EventEnvelope counted(int schemaVersion, String payload) {
        return new EventEnvelope("e-1", "c-1", "Counted", schemaVersion, 1L, null, T0, T0, json(payload), null, EventMetadata.NONE);
    }

    private static String shape(EventEnvelope e) {
        return "schema " + e.schemaVersion() + " " + e.payload();
    }

    @Test
    void anOlderSchemaIsUpcastToTheCurrentOne() {
        assertEquals("schema 2 {\"amount\":\"3\"}", shape(catalog.upcast(counted(1, "{\"value\":\"3\"}"))));
    }

    @Test
    void theCurrentSchemaPassesUnchanged() {
        assertEquals("schema 2 {\"amount\":\"3\"}", shape(catalog.upcast(counted(2, "{\"amount\":\"3\"}"))));
    }

    @Test
    void aNewerSchemaThanTheReadersCatalogPassesUnchangedNotRelabelledDown() {
        // written by a newer release (schema 3) and read by this one, which knows schema 2 at most
        assertEquals("schema 3 {\"amount\":\"3\",\"unit\":\"kg\"}", shape(catalog.upcast(counted(3, "{\"amount\":\"3\",\"unit\":\"kg\"}"))));
    }

    @Test
    void anEventOfATypeTheCatalogDoesNotKnowPassesUnchanged() {
        EventEnvelope other = new EventEnvelope("e-2", "c-1", "Other", 1, 2L, null, T0, T0, json("{\"value\":\"3\"}"), null, EventMetadata.NONE);
        assertEquals("schema 1 {\"value\":\"3\"}", shape(catalog.upcast(other)));
    }

    @Test
    void anEventAtTheCurrentSchemaIsTheSameEventNotACopy() {
        EventEnvelope current = counted(2, "{\"amount\":\"3\"}");
        org.junit.jupiter.api.Assertions.assertSame(current, catalog.upcast(current));
    }

    @Test
    void findsRequiresAndNamesItsTypesAndRefusesOneDeclaredTwice() {
        assertEquals(java.util.Optional.of(COUNTED), catalog.find("Counted"));
        assertEquals(java.util.Optional.empty(), catalog.find("Other"));
        org.junit.jupiter.api.Assertions.assertSame(COUNTED, catalog.require("Counted"));
        InvalidEventException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidEventException.class, () -> catalog.require("Other"));
        assertEquals("type", e.field());
        assertEquals("unknown event type 'Other'; known types: Counted", e.getMessage());
        assertEquals(List.of("Counted"), List.copyOf(catalog.names()));
        assertEquals("event type declared twice: Counted", org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new EventCatalog(List.of(COUNTED, COUNTED))).getMessage());
    }

    @Test
    void aTypeIsAtSchemaOneWithoutPersonalFieldsAndItsAggregateAsSubjectUnlessItSaysOtherwise() {
        assertEquals(1, Envelopes.DOCUMENT.schemaVersion());
        assertEquals(List.of(), Envelopes.DOCUMENT.personalFields());
        assertEquals("c-1", Envelopes.DOCUMENT.subjectOf(json("{}"), "c-1"));
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> Envelopes.DOCUMENT.upcast(1, json("{}")));
        assertEquals("event type DocumentAttached has no upcaster from schema version 1", e.getMessage());
    }

    @Test
    void aProblemInsideABatchNamesTheElement() {
        InvalidEventException e = new InvalidEventException("payload.amount", "must be a decimal").at(3);
        assertEquals("[3].payload.amount", e.field());
        assertEquals("event 3: must be a decimal", e.getMessage());
    }
}
