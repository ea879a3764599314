package dev.playback.tools.console;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalLogMetricsTest {

    private static String emf(long at, String dimension, String value, String metric, String unit, long n) {
        return "{\"_aws\":{\"Timestamp\":" + at + ",\"CloudWatchMetrics\":[{\"Namespace\":\"Playback/local\",\"Dimensions\":[[\"" + dimension
                + "\"]],\"Metrics\":[{\"Name\":\"" + metric + "\",\"Unit\":\"" + unit + "\"}]}]},\"" + dimension + "\":\"" + value
                + "\",\"" + metric + "\":" + n + "}";
    }

    @Test
    void health_shows_lag_and_events_applied_per_processor_and_records_set_aside_from_the_log_files_emf_lines(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("local-20261205-030000.log");
        Files.write(log, List.of(
                "{\"level\":\"INFO\",\"message\":\"not a metric\"}",
                emf(1796429400000L, "Processor", "balances", "ProcessorLag", "Milliseconds", 120),
                emf(1796429401000L, "Processor", "balances", "ProcessorLag", "Milliseconds", 40),
                emf(1796429401000L, "Processor", "balances", "EventsApplied", "Count", 30),
                emf(1796429402000L, "Processor", "balances", "EventsApplied", "Count", 12),
                emf(1796429403000L, "Service", "pump", "RecordsSetAside", "Count", 1)));
        LocalLogMetrics metrics = new LocalLogMetrics(() -> Optional.of(log), List.of("balances", "payouts"));

        JsonNode h = metrics.health();

        assertEquals(log.toString(), h.path("source").asText());
        assertEquals("[{\"processor\":\"balances\",\"lagMillisMax\":120.0,\"lagMillisMean\":80.0,\"applied\":42},"
                + "{\"processor\":\"payouts\",\"lagMillisMax\":null,\"lagMillisMean\":null,\"applied\":0}]", h.get("processors").toString());
        assertEquals("[{\"service\":\"pump\",\"records\":1},{\"service\":\"processor\",\"records\":0}]", h.get("setAside").toString());
        assertTrue(h.get("throttles").isNull());
        assertEquals(LocalLogMetrics.THROTTLES_NOTE, h.path("throttlesNote").asText());
        assertEquals("2026-12-05T00:10:00Z", h.path("from").asText());
        assertEquals("2026-12-05T00:10:03Z", h.path("to").asText());
        assertEquals(3, h.path("metrics").size(), "one row per metric and dimension value");
    }

    @Test
    void without_a_log_file_health_says_so_and_shows_no_figures() {
        JsonNode h = new LocalLogMetrics(Optional::empty, List.of("balances")).health();

        assertTrue(h.path("source").asText().startsWith("no function log file"), h.toString());
        assertEquals(0, h.path("processors").get(0).path("applied").asLong());
        assertTrue(h.get("from").isNull());
    }

    @Test
    void the_log_file_of_a_running_local_stack_is_the_newest_local_log(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("local-20261205-010000.log"), "");
        Files.writeString(dir.resolve("local-20261205-020000.log"), "");
        Files.writeString(dir.resolve("demo-ledger-20261205-030000.log"), "");

        assertEquals(Optional.of(dir.resolve("local-20261205-020000.log")), LocalLogMetrics.newestLocalLog(dir));
        assertEquals(Optional.empty(), LocalLogMetrics.newestLocalLog(dir.resolve("absent")));
    }
}
