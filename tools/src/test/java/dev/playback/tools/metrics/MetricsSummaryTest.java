package dev.playback.tools.metrics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsSummaryTest {
    @TempDir
    Path logs;

    private static String emf(long timestamp, String dimension, String value, String metrics, String values) {
        return "{\"_aws\":{\"Timestamp\":" + timestamp + ",\"CloudWatchMetrics\":[{\"Namespace\":\"Playback/local\",\"Dimensions\":[[\""
                + dimension + "\"]],\"Metrics\":[" + metrics + "]}]},\"" + dimension + "\":\"" + value + "\"," + values
                + ",\"function\":\"f\",\"requestId\":\"r-1\"}";
    }

    private String print() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        MetricsSummary.print(logs, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void sumsCountsAndGivesTheLargestAndMeanDurationPerMetricAndDimensionValueOverTheTimeTheLinesSpan() throws IOException {
        Files.write(logs.resolve("demo-ledger-20241205-000000.log"), List.of(
                "{\"timestamp\":1733356800000,\"level\":\"INFO\",\"loggerName\":\"dev.playback.lambdas.api.ApiHandler\",\"message\":\"ingest: accepted 3 events\"}",
                emf(1733356800000L, "Service", "ingest", "{\"Name\":\"EventsAccepted\",\"Unit\":\"Count\"}", "\"EventsAccepted\":3"),
                emf(1733356810000L, "Processor", "ledger", "{\"Name\":\"EventsApplied\",\"Unit\":\"Count\"},{\"Name\":\"ProcessorLag\",\"Unit\":\"Milliseconds\"}",
                        "\"EventsApplied\":3,\"ProcessorLag\":120"),
                "[PumpFunction r-2] a line of the Lambda logger",
                emf(1733356820000L, "Processor", "ledger", "{\"Name\":\"ProcessorLag\",\"Unit\":\"Milliseconds\"}", "\"ProcessorLag\":40")));
        Files.write(logs.resolve("demo-ledger-20241205-000100.log"), List.of(
                emf(1733356890000L, "Service", "ingest", "{\"Name\":\"EventsAccepted\",\"Unit\":\"Count\"}", "\"EventsAccepted\":2")));

        String printed = print();

        assertEquals("""
                metric          dimension         value
                EventsAccepted  Service=ingest    sum 5
                EventsApplied   Processor=ledger  sum 3
                ProcessorLag    Processor=ledger  max 120 avg 80 Milliseconds (2 values)
                from 2024-12-05T00:00:00Z to 2024-12-05T00:01:30Z (90 s)
                """, printed);
    }

    @Test
    void saysThatThereAreNoMetricsWhenNoLogsWereWritten() {
        assertTrue(print().startsWith("no metrics under " + logs), print());
    }

    @Test
    void refusesAnEmfLineWhoseMetricHasNoNumberNamingTheFileAndLine() throws IOException {
        Files.write(logs.resolve("metrics.jsonl"), List.of(
                emf(1733356800000L, "Service", "pump", "{\"Name\":\"EventsAppended\",\"Unit\":\"Count\"}", "\"EventsAppended\":\"many\"")));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MetricsSummary.read(logs));

        assertEquals(logs.resolve("metrics.jsonl") + ":1: metric EventsAppended is not a number: \"many\"", e.getMessage());
    }
}
