package dev.playback.lambdas.config;

import dev.playback.lambdas.api.ApiHandler;
import dev.playback.lambdas.processor.ProcessorHandler;
import dev.playback.lambdas.pump.PumpHandler;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EnvironmentTest {
    private static final List<String> TABLES = List.of("EVENTS_TABLE", "EVENT_IDS_TABLE", "DATA_TABLE", "PAYLOAD_BUCKET");

    private static void assertNamesAll(String message, String function, List<String> names) {
        assertTrue(message.startsWith(function + ":"), message);
        for (String name : names) assertTrue(message.contains(name), name + " not named in: " + message);
    }

    @Test
    void namesEveryMissingVariableAtOnce() {
        Environment env = new Environment(Map.of("EVENTS_TABLE", "events", "DATA_TABLE", " "));
        assertEquals("events", env.require("EVENTS_TABLE"));
        env.require("EVENT_IDS_TABLE");
        env.require("DATA_TABLE");
        env.require("PAYLOAD_BUCKET");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> env.check("PumpFunction"));
        assertNamesAll(e.getMessage(), "PumpFunction", List.of("EVENT_IDS_TABLE", "DATA_TABLE", "PAYLOAD_BUCKET"));
        assertFalse(e.getMessage().contains("EVENTS_TABLE,"), e.getMessage());
    }

    @Test
    void passesWhenNothingIsMissing() {
        Environment env = new Environment(Map.of("EVENTS_TABLE", "events"));
        env.require("EVENTS_TABLE");
        assertEquals("fallback", env.optional("AWS_ENDPOINT_URL").orElse("fallback"));
        assertDoesNotThrow(() -> env.check("PumpFunction"));
    }

    @Test
    void eachHandlerNamesEveryVariableItMisses() {
        assertNamesAll(assertThrows(IllegalStateException.class, () -> new PumpHandler(Map.of())).getMessage(), "PumpFunction", TABLES);
        List<String> processor = new java.util.ArrayList<>(TABLES);
        processor.add("PLAYBACK_DOMAINS");
        assertNamesAll(assertThrows(IllegalStateException.class, () -> new ProcessorHandler(Map.of())).getMessage(), "ProcessorFunction", processor);
        List<String> ingest = new java.util.ArrayList<>(processor);
        ingest.add("EVENT_STREAM");
        ingest.add("SUBJECT_KEY_TABLE");
        assertNamesAll(assertThrows(IllegalStateException.class, () -> new ApiHandler(Map.of())).getMessage(), "IngestFunction", ingest);
    }

    @Test
    void namesOnlyWhatIsMissing() {
        Map<String, String> vars = new HashMap<>(Map.of("EVENTS_TABLE", "e", "EVENT_IDS_TABLE", "i", "DATA_TABLE", "d", "PAYLOAD_BUCKET", "p",
                "PLAYBACK_DOMAINS", "dev.playback.examples.ledger.Ledger", "SUBJECT_KEY_TABLE", "k"));
        String message = assertThrows(IllegalStateException.class, () -> new ApiHandler(vars)).getMessage();
        assertEquals("IngestFunction: missing environment variable EVENT_STREAM", message);
    }

    @Test
    void shouldAnswerNoValueAndKeepTheVariables_whenARequiredOneIsMissing() {
        Environment env = new Environment(Map.of("EVENTS_TABLE", "events"));
        assertEquals(null, env.require("DATA_TABLE"));
        assertEquals(Map.of("EVENTS_TABLE", "events"), env.asMap());
        assertEquals(System.getenv(), Environment.system().asMap());
    }
}
