package dev.playback.lambdas.telemetry;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.model.event.EventCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The log keys ({@link LogContext}) and the EMF documents ({@link EmbeddedMetrics}) the handlers write. */
class TelemetryTest {
    private static final Clock AT = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);
    private final ExecutorService pool = Executors.newSingleThreadExecutor();

    @AfterEach
    void clear() {
        MDC.clear();
        pool.shutdownNow();
    }

    private static Context context(String function, String requestId) {
        return (Context) Proxy.newProxyInstance(TelemetryTest.class.getClassLoader(), new Class<?>[] {Context.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getFunctionName" -> function;
                    case "getAwsRequestId" -> requestId;
                    default -> null;
                });
    }

    private static JsonNode json(String line) {
        try {
            return EventCodec.JSON.readTree(line);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }

    @Test
    void shouldSetTheFunctionAndRequestIdAndRestoreTheKeysBefore_whenAnInvocationStartsAndCloses() {
        MDC.put("replayId", "r-0");
        try (LogContext.Invocation invocation = LogContext.start(context("PumpFunction", "req-1"))) {
            assertEquals(Map.of("function", "PumpFunction", "requestId", "req-1"), LogContext.current());
        }
        assertEquals(Map.of("replayId", "r-0"), LogContext.current());
    }

    @Test
    void shouldClearTheKeys_whenAnInvocationWithoutContextClosesOnAThreadThatHadNone() {
        try (LogContext.Invocation invocation = LogContext.start(null)) {
            LogContext.put(LogContext.EVENT_ID, "e-1");
            assertEquals(Map.of("eventId", "e-1"), LogContext.current());
        }
        assertEquals(Map.of(), LogContext.current());
    }

    @Test
    void shouldSetAKeyForTheTaskOnlyAndRestoreItsValueAfter_whenRunningWithIt() {
        LogContext.put(LogContext.PROCESSOR, "balances");
        List<String> seen = new ArrayList<>();
        LogContext.with(LogContext.PROCESSOR, "payouts", () -> seen.add(MDC.get("processor")));
        LogContext.with(LogContext.EVENT_ID, "e-2", () -> seen.add(MDC.get("eventId")));
        assertEquals(List.of("payouts", "e-2"), seen);
        assertEquals(Map.of("processor", "balances"), LogContext.current());
    }

    @Test
    void shouldRunEachTaskWithItsSubmittersKeysAndLeaveThePoolThreadAsItWas_whenCarrying() throws Exception {
        pool.submit(() -> MDC.put("generation", "g-pool")).get();
        LogContext.put(LogContext.REPLAY_ID, "r-1");
        List<Map<String, String>> seen = new ArrayList<>();
        LogContext.carrying(pool).execute(() -> seen.add(LogContext.current()));
        MDC.clear();
        LogContext.carrying(pool).execute(() -> seen.add(LogContext.current()));
        Map<String, String> after = pool.submit(LogContext::current).get(10, TimeUnit.SECONDS);

        assertEquals(List.of(Map.of("replayId", "r-1"), Map.of()), seen);
        assertEquals(Map.of("generation", "g-pool"), after);
    }

    @Test
    void shouldWriteOneDocumentPerDimensionValueWithTheLogKeysAsProperties_whenDrained() {
        EmbeddedMetrics metrics = new EmbeddedMetrics("Playback/test", AT);
        metrics.count(Metric.EVENTS_APPLIED, "balances", 2);
        metrics.count(Metric.EVENTS_APPLIED, "balances", 3);
        metrics.largest(Metric.PROCESSOR_LAG, "balances", 70);
        metrics.largest(Metric.PROCESSOR_LAG, "balances", 40);
        metrics.port().count("EventsAppended", "pump", 4);
        LogContext.put(LogContext.REQUEST_ID, "req-9");
        LogContext.put("Processor", "not a dimension");

        List<String> lines = metrics.drain();

        assertEquals(2, lines.size(), lines.toString());
        JsonNode balances = json(lines.get(0));
        assertEquals("{\"Timestamp\":1772359200000,\"CloudWatchMetrics\":[{\"Namespace\":\"Playback/test\",\"Dimensions\":[[\"Processor\"]],"
                + "\"Metrics\":[{\"Name\":\"EventsApplied\",\"Unit\":\"Count\"},{\"Name\":\"ProcessorLag\",\"Unit\":\"Milliseconds\"}]}]}",
                balances.get("_aws").toString());
        assertEquals(List.of("balances", 5L, 70L, "req-9"), List.of(balances.path("Processor").asText(), balances.path("EventsApplied").asLong(),
                balances.path("ProcessorLag").asLong(), balances.path("requestId").asText()));
        JsonNode pump = json(lines.get(1));
        assertEquals(List.of("pump", 4L, "Count"), List.of(pump.path("Service").asText(), pump.path("EventsAppended").asLong(),
                pump.path("_aws").path("CloudWatchMetrics").get(0).path("Metrics").get(0).path("Unit").asText()));
        assertEquals(List.of(), metrics.drain(), "drained once");
    }

    @Test
    void shouldRefuseAMetricOfTheWrongKind_whenCountingOrKeepingTheLargest() {
        EmbeddedMetrics metrics = new EmbeddedMetrics("Playback/test", AT);
        assertEquals("ProcessorLag is not a count",
                assertThrows(IllegalArgumentException.class, () -> metrics.count(Metric.PROCESSOR_LAG, "p", 1)).getMessage());
        assertEquals("EventsApplied is a count, not a duration",
                assertThrows(IllegalArgumentException.class, () -> metrics.largest(Metric.EVENTS_APPLIED, "p", 1)).getMessage());
    }

    @Test
    void shouldTakeTheNamespaceFromTheEnvironment_whenItIsSetAndNotBlank() {
        assertEquals("Playback/prod", EmbeddedMetrics.from(Map.of("PLAYBACK_METRICS_NAMESPACE", "Playback/prod"), AT).namespace());
        assertEquals("Playback/local", EmbeddedMetrics.from(Map.of("PLAYBACK_METRICS_NAMESPACE", " "), AT).namespace());
        assertEquals("Playback/local", EmbeddedMetrics.from(Map.of(), AT).namespace());
    }

    @Test
    void shouldFindAMetricByItsCloudWatchName_andNameTheKnownOnesOtherwise() {
        assertEquals(Metric.PUMP_RETRIED_RECORD_AGE, Metric.named("PumpRetriedRecordAge"));
        assertEquals(List.of("Seconds", "None"), List.of(Metric.Unit.SECONDS.cloudWatch(), Metric.PARKED_AGGREGATES.unit().cloudWatch()));
        String message = assertThrows(IllegalArgumentException.class, () -> Metric.named("EventsLost")).getMessage();
        assertTrue(message.startsWith("no metric named 'EventsLost'; known: [EventsAccepted, EventsRejected,"), message);
    }
}
