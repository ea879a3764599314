package dev.playback.examples.stack;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.playback.examples.ledger.BalancesProjection;
import dev.playback.examples.ledger.Ledger;
import dev.playback.lambdas.Fixtures;
import dev.playback.lambdas.api.ApiHandler;
import dev.playback.lambdas.aws.kinesis.InMemorySetAside;
import dev.playback.lambdas.aws.kinesis.PlaybackRecords;
import dev.playback.lambdas.processor.ProcessorHandler;
import dev.playback.lambdas.pump.PumpHandler;
import dev.playback.lambdas.replay.ReplayHandler;
import dev.playback.lambdas.telemetry.EmbeddedMetrics;
import dev.playback.model.ingest.Ingest;
import dev.playback.model.playback.Projection;
import dev.playback.model.processor.Projector;
import dev.playback.model.replay.ReplayActions;
import dev.playback.model.replay.ReplayPorts;
import dev.playback.model.replay.ReplayProcessor;
import dev.playback.model.store.memory.InMemoryEventIndex;
import dev.playback.model.store.memory.InMemoryEventLog;
import dev.playback.model.store.memory.InMemoryEventPublisher;
import dev.playback.model.store.memory.InMemoryPayloadStore;
import dev.playback.model.store.memory.InMemoryPlaybackStream;
import dev.playback.model.store.memory.InMemoryReplayStore;
import dev.playback.model.store.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static dev.playback.lambdas.aws.kinesis.KinesisBatches.batch;
import static dev.playback.lambdas.aws.kinesis.KinesisBatches.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the functions write on standard output with this jar's logging configuration (src/main/resources/logback.xml),
 * as CloudWatch Logs receives it: one JSON object per line, the log lines with their correlation keys, the metrics as
 * embedded metric format documents; never a payload value.
 */
class FunctionOutputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final String NAMESPACE = "Playback/test-stack";
    private static final String EXECUTION = "arn:aws:states:us-east-1:000000000000:execution:ReplayStateMachine:run-7";
    private static final String OWNER = "Ada Lovelace";
    private static final String BODY = "{\"aggregateId\":\"acc-7\",\"eventId\":\"e-7\",\"type\":\"AccountOpened\","
            + "\"payload\":{\"owner\":\"" + OWNER + "\",\"currency\":\"EUR\"}}";

    private final InMemoryPayloadStore payloads = new InMemoryPayloadStore();
    private final InMemoryEventLog log = new InMemoryEventLog(payloads);
    private final InMemoryStateStore states = new InMemoryStateStore();
    private final InMemoryReplayStore replays = new InMemoryReplayStore();
    private final InMemoryEventPublisher eventStream = new InMemoryEventPublisher();
    private final InMemoryEventPublisher feed = new InMemoryEventPublisher();
    private final Projector<?> balances = new Projector<>(new BalancesProjection(), log, states, Ledger.catalog());

    private static EmbeddedMetrics metrics(Clock clock) {
        return EmbeddedMetrics.from(Map.of(EmbeddedMetrics.NAMESPACE_VARIABLE, NAMESPACE), clock);
    }

    private final ApiHandler api = new ApiHandler(new Ingest(Ledger.catalog(), eventStream, payloads, log, states,
            Clock.fixed(NOW, ZoneOffset.UTC)), List.of(BalancesProjection.NAME), metrics(Clock.fixed(NOW, ZoneOffset.UTC)));
    private final PumpHandler pump = new PumpHandler(log, feed, new InMemorySetAside(), Clock.fixed(NOW.plusMillis(400), ZoneOffset.UTC),
            metrics(Clock.fixed(NOW.plusMillis(400), ZoneOffset.UTC)));
    /** Applies the batches 1.5 s after the events were recorded. */
    private final ProcessorHandler processor = new ProcessorHandler(
            Optional.of(new Projection(List.of(balances), states, replays, Runnable::run)), List.of(), new InMemorySetAside(),
            metrics(Clock.fixed(NOW.plusMillis(1500), ZoneOffset.UTC)), Clock.fixed(NOW.plusMillis(1500), ZoneOffset.UTC));

    /** A Lambda context naming the function and the request. */
    private static Context context(String function, String requestId) {
        return (Context) Proxy.newProxyInstance(FunctionOutputTest.class.getClassLoader(), new Class<?>[] {Context.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getFunctionName" -> function;
                    case "getAwsRequestId" -> requestId;
                    default -> null;
                });
    }

    private static APIGatewayProxyRequestEvent post(String body) {
        APIGatewayProxyRequestEvent request = Fixtures.api("api-post-events.json").withBody(body);
        Map<String, String> headers = new HashMap<>(request.getHeaders());
        headers.put("content-length", Integer.toString(body.getBytes(StandardCharsets.UTF_8).length));
        Map<String, List<String>> multi = new HashMap<>();
        headers.forEach((k, v) -> multi.put(k, List.of(v)));
        return request.withHeaders(headers).withMultiValueHeaders(multi);
    }

    /** The lines written on standard output while {@code work} runs. */
    private static List<String> stdout(Runnable work) {
        PrintStream was = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            work.run();
        } finally {
            System.setOut(was);
        }
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private static List<JsonNode> parsed(List<String> lines) {
        List<JsonNode> out = new ArrayList<>();
        for (String line : lines) {
            try {
                JsonNode n = JSON.readTree(line);
                assertTrue(n.isObject(), "not a JSON object: " + line);
                out.add(n);
            } catch (IOException e) {
                throw new AssertionError("not a JSON line: " + line, e);
            }
        }
        return out;
    }

    private static List<JsonNode> logLines(List<JsonNode> lines) {
        return lines.stream().filter(n -> !n.has("_aws")).toList();
    }

    /**
     * The EMF documents, each checked as CloudWatch reads it: a numeric timestamp, the namespace, every dimension of a
     * dimension set a text member, every metric a numeric member with a unit. Returns "metric dimension=value" → value.
     */
    private static Map<String, Long> metrics(List<JsonNode> lines) {
        Map<String, Long> out = new TreeMap<>();
        for (JsonNode doc : lines) {
            if (!doc.has("_aws")) continue;
            JsonNode aws = doc.get("_aws");
            assertTrue(aws.path("Timestamp").isIntegralNumber(), "Timestamp: " + doc);
            for (JsonNode directive : aws.path("CloudWatchMetrics")) {
                assertEquals(NAMESPACE, directive.path("Namespace").asText(), doc.toString());
                assertEquals(1, directive.path("Dimensions").size(), "one dimension set: " + doc);
                List<String> dimensions = new ArrayList<>();
                for (JsonNode name : directive.path("Dimensions").get(0)) {
                    assertTrue(doc.path(name.asText()).isTextual(), "dimension " + name + " is a text member: " + doc);
                    dimensions.add(name.asText() + "=" + doc.get(name.asText()).asText());
                }
                assertFalse(directive.path("Metrics").isEmpty(), doc.toString());
                for (JsonNode metric : directive.path("Metrics")) {
                    String name = metric.path("Name").asText();
                    assertTrue(List.of("Count", "Milliseconds", "Seconds").contains(metric.path("Unit").asText()), doc.toString());
                    assertTrue(doc.path(name).isNumber(), "metric " + name + " is a number: " + doc);
                    out.put(name + " " + String.join(",", dimensions), doc.get(name).asLong());
                }
            }
        }
        return out;
    }

    private static JsonNode line(List<JsonNode> lines, String logger, String messageStart) {
        return lines.stream().filter(n -> n.path("loggerName").asText().equals(logger) && n.path("message").asText().startsWith(messageStart))
                .findFirst().orElseThrow(() -> new AssertionError("no line of " + logger + " starting '" + messageStart + "' in " + lines));
    }

    private static Map<String, String> mdc(JsonNode line) {
        Map<String, String> out = new LinkedHashMap<>();
        line.path("mdc").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private void live() {
        api.handleRequest(post(BODY), context("IngestFunction", "req-api"));
        pump.handleRequest(batch(record("11", eventStream.published())), context("PumpFunction", "req-pump"));
        processor.handleRequest(batch(record("21", feed.published())), context("ProjectionFunction", "req-projection"));
    }

    @Test
    void oneEventOnTheLivePathIsLoggedAsJsonWithItsKeysAndCountedInValidEmbeddedMetrics() {
        List<String> out = stdout(this::live);

        List<JsonNode> lines = parsed(out);
        JsonNode accepted = line(lines, ApiHandler.class.getName(), "ingest: accepted 1 event");
        assertEquals("INFO", accepted.path("level").asText());
        assertTrue(accepted.path("timestamp").isIntegralNumber(), accepted.toString());
        assertEquals(Map.of("function", "IngestFunction", "requestId", "req-api", "aggregateId", "acc-7", "eventId", "e-7"), mdc(accepted));
        JsonNode appended = line(lines, PumpHandler.class.getName(), "pump: 1 appended, 0 rejected, 0 conflicts, 0 duplicates");
        assertEquals(Map.of("function", "PumpFunction", "requestId", "req-pump", "aggregateId", "acc-7", "eventId", "e-7"), mdc(appended));
        JsonNode applied = line(lines, ProcessorHandler.class.getName(), "balances: applied 1 live and 0 replayed events; oldest live event 1500 ms old");
        assertEquals(Map.of("function", "ProjectionFunction", "requestId", "req-projection", "aggregateId", "acc-7", "eventId", "e-7",
                "processor", "balances"), mdc(applied));
        assertEquals(Map.of(
                "EventsAccepted Service=ingest", 1L,
                "EventsAppended Service=pump", 1L,
                "EventsDuplicate Service=pump", 0L,
                "EventsRejected Service=pump", 0L,
                "EventsApplied Processor=balances", 1L,
                "ProcessorLag Processor=balances", 1500L), metrics(lines));
    }

    @Test
    void noPayloadValueReachesTheOutput() {
        List<String> out = stdout(this::live);

        assertFalse(out.isEmpty());
        for (String line : out) {
            assertFalse(line.contains(OWNER), line);
            assertFalse(line.contains("EUR"), line);
        }
    }

    @Test
    void aReplayLogsAndCountsWithItsIdGenerationAndExecutionAsPropertiesNotDimensions() {
        stdout(this::live);
        InMemoryEventIndex index = new InMemoryEventIndex(log);
        InMemoryPlaybackStream playback = new InMemoryPlaybackStream(1);
        Clock clock = Clock.fixed(NOW.plusSeconds(60), ZoneOffset.UTC);
        ReplayHandler replay = new ReplayHandler(new ReplayActions(new ReplayPorts(List.of(ReplayProcessor.of(balances)), log, index, index,
                states, replays, playback, new InMemoryPayloadStore(), clock, Duration.ZERO)), arn -> Optional.empty(), metrics(clock));

        List<String> out = stdout(() -> {
            JsonNode prepared = JSON.valueToTree(replay.handleRequest(Map.of("action", "prepare", "kind", "rebuild",
                    "request", Map.of("replayId", "fix-7", "segments", 1), "execution", EXECUTION), context("ReplayFunction", "req-prepare")));
            JsonNode published;
            int round = 0;
            do {
                published = JSON.valueToTree(replay.handleRequest(Map.of("action", "publish", "replayId", "fix-7", "segment", 0, "round", round++,
                        "maxRounds", prepared.path("maxRounds").asInt(), "owner", EXECUTION), context("ReplayFunction", "req-publish-" + round)));
            } while (!published.path("done").asBoolean());
            List<KinesisEvent.KinesisEventRecord> records = new ArrayList<>();
            playback.drain().forEach(e -> records.add(record("3" + e.sequenceNumber(), e.record().aggregateId(), PlaybackRecords.encode(e.record()))));
            processor.handleRequest(batch(records.toArray(KinesisEvent.KinesisEventRecord[]::new)), context("ProjectionFunction", "req-replayed"));
        });

        List<JsonNode> lines = parsed(out);
        JsonNode publish = line(lines, ReplayHandler.class.getName(), "replay: segment 0 published 1 events");
        assertEquals(Map.of("function", "ReplayFunction", "requestId", "req-publish-1", "replayId", "fix-7", "generation", "g1",
                "executionArn", EXECUTION), mdc(publish));
        JsonNode applied = line(lines, ProcessorHandler.class.getName(), "balances: applied 0 live and 1 replayed events");
        assertEquals(Map.of("function", "ProjectionFunction", "requestId", "req-replayed", "replayId", "fix-7", "generation", "g1",
                "processor", "balances"), mdc(applied));
        Map<String, Long> counted = metrics(lines);
        assertEquals(1L, counted.get("ReplayEventsPublished Service=replay"), counted.toString());
        assertEquals(1L, counted.get("ReplayEventsApplied Processor=balances"), counted.toString());
        JsonNode emf = lines.stream().filter(n -> n.has("ReplayEventsPublished") && n.path("ReplayEventsPublished").asLong() == 1)
                .findFirst().orElseThrow();
        assertEquals(List.of("fix-7", "g1", EXECUTION),
                List.of(emf.path("replayId").asText(), emf.path("generation").asText(), emf.path("executionArn").asText()));
        assertEquals("[[\"Service\"]]", emf.path("_aws").path("CloudWatchMetrics").get(0).path("Dimensions").toString());
        assertNotNull(emf.get("Service"));
    }
}
