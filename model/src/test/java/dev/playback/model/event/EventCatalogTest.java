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
}
