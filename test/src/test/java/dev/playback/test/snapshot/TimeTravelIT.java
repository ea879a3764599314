package dev.playback.test.snapshot;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.onebox.sfn.ExecutionDescription;
import dev.onebox.sfn.ExecutionStatus;
import dev.playback.examples.ledger.Ledger;
import dev.playback.lambdas.aws.dynamodb.DynamoEventLog;
import dev.playback.lambdas.aws.dynamodb.DynamoSnapshotStore;
import dev.playback.lambdas.aws.s3.S3PayloadStore;
import dev.playback.lambdas.processor.ProcessorHandler;
import dev.playback.model.domain.Domains;
import dev.playback.model.processor.TimeTravel;
import dev.playback.model.snapshot.PointInTime;
import dev.playback.model.snapshot.Snapshot;
import dev.playback.model.snapshot.SnapshotStore;
import dev.playback.tools.LocalOptions;
import dev.playback.tools.LocalStack;
import dev.playback.tools.bench.RebuildBenchmark;
import dev.playback.tools.client.PlaybackApi;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

import static dev.playback.test.snapshot.Travels.version;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Time travel on the emulators: one account of 100 events posted in 7 requests (so they were recorded at 7 times), with
 * occurred times that are not in version order (every 7th event occurred 30 hours before its neighbours), snapshots
 * every {@value #INTERVAL} events. {@code GET /aggregates/{id}?asOf=&knownAt=&version=} answers the balance an
 * independent fold of the events (computed here from the events the API lists) gives at each point, folding at most
 * {@value #INTERVAL} events after the snapshot it names. Then the projection is deployed with new logic (logic version
 * 3): until a replay writes snapshots of its own it folds from the first event, whatever the old logic left; after a
 * rebuild it starts from its own.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class TimeTravelIT {
    static final int INTERVAL = 20;
    static final int EVENTS = 100;
    static final String ACCOUNT = "travel-1";
    static final Instant T0 = Instant.parse("2026-01-10T00:00:00Z");
    static final ObjectMapper JSON = new ObjectMapper();
    /** Whether the projection function runs the new logic. */
    static final AtomicBoolean NEW_LOGIC = new AtomicBoolean();

    /** The projection function: the ledger as deployed, or (once {@link #NEW_LOGIC} is set) with balances at logic version 3. */
    static final class Redeployable implements RequestHandler<KinesisEvent, StreamsEventResponse> {
        private final ProcessorHandler v1;
        private final ProcessorHandler v2;

        Redeployable(Map<String, String> environment) {
            this.v1 = new ProcessorHandler(environment);
            Map<String, String> changed = new HashMap<>(environment);
            changed.put(Domains.VARIABLE, environment.get(Domains.VARIABLE).replace(Ledger.class.getName(), RelabelledLedger.class.getName()));
            this.v2 = new ProcessorHandler(changed);
        }

        @Override
        public StreamsEventResponse handleRequest(KinesisEvent input, Context context) {
            return (NEW_LOGIC.get() ? v2 : v1).handleRequest(input, context);
        }
    }

    /** Event {@code v}'s occurred time ({@link Travels#occurred}). */
    static Instant occurred(int v) {
        return Travels.occurred(T0, v);
    }

    @Test
    void timeTravelByOccurredKnownAndVersionEqualsAnIndependentFoldFromASnapshotOfItsOwnLogic() throws Exception {
        try (LocalStack stack = LocalStack.start(LocalOptions.inMemory().withParameter("SnapshotInterval", Integer.toString(INTERVAL))
                .withHandler("ProjectionFunction", Redeployable::new))) {
            PlaybackApi api = new PlaybackApi(stack.apiUrl());
            postHistory(api, stack);
            List<JsonNode> events = Travels.history(api, ACCOUNT);
            assertEquals(EVENTS, events.size());

            // Snapshots of logic version 2 (the deployed ledger): the newest 3 multiples of the interval.
            assertEquals(List.of(100L, 80L, 60L), versions(snapshots(stack), "2"));

            List<Instant> recorded = Travels.recordedTimes(events);
            assertEquals(7, recorded.size(), "one recorded time per request");

            Travels.atVersions(point -> at(api, point), new long[]{61, 79, 80, 95, 99, 100}, admitted -> fold(events, admitted), TimeTravelIT::balance,
                    TimeTravelIT::assertFolded);
            // as of times that are not multiples of 7 (those of events about to be snapshotted); known after the requests
            // that ended at versions 75, 90 and 100
            Travels.atTimes(point -> at(api, point), List.of(occurred(72), occurred(90), occurred(99)), recorded.subList(4, 7),
                    occurred(95), recorded.get(5), admitted -> fold(events, admitted), TimeTravelIT::balance, TimeTravelIT::assertFolded);

            // The command line asks the same route.
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            int code = dev.playback.tools.Main.execute(new String[]{"show", ACCOUNT, "--version", "95", "--api", stack.apiUrl().toString()},
                    new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8), System.err);
            String shown = out.toString(java.nio.charset.StandardCharsets.UTF_8);
            System.out.println(shown);
            assertEquals(0, code, shown);
            assertTrue(shown.startsWith(ACCOUNT + " in balances at version 95 (version 95): from snapshot 80 (logic 2), 15 events folded"), shown);
            assertTrue(shown.contains("\"balance\" : \"" + fold(events, e -> version(e) <= 95) + "\""), shown);

            // New logic: its time travel ignores the snapshots of logic version 2 until a replay of its own writes some.
            TimeTravel travel = new TimeTravel(new DynamoEventLog(stack.dynamoDb(), stack.physicalName("EventsTable"),
                    stack.physicalName("EventIdsTable"), new S3PayloadStore(stack.s3(), stack.physicalName("PayloadBucket"))),
                    snapshots(stack), Ledger.catalog());
            RelabelledLedger.Balances v2 = new RelabelledLedger.Balances();
            PointInTime at95 = new PointInTime(Optional.empty(), Optional.empty(), OptionalLong.of(95));
            TimeTravel.Answer before = travel.at(v2, ACCOUNT, at95).orElseThrow();
            System.out.println("logic 3 before its replay: snapshot " + before.snapshot().map(Snapshot::version) + ", " + before.eventsFolded() + " events folded");
            assertEquals(Optional.empty(), before.snapshot());
            assertEquals(95, before.eventsFolded());
            assertEquals(fold(events, e -> version(e) <= 95), new BigDecimal(before.state().get("balance").asText()));

            NEW_LOGIC.set(true);
            ExecutionDescription rebuilt = rebuild(stack, "new-logic");
            assertEquals(ExecutionStatus.SUCCEEDED, rebuilt.status(), () -> rebuilt.error() + " " + rebuilt.cause());
            List<Long> own = versions(snapshots(stack), RelabelledLedger.LOGIC_VERSION);
            System.out.println("logic 3 snapshots after its replay: " + own);
            assertEquals(List.of(100L, 80L, 60L), own);
            for (Snapshot s : snapshots(stack).latest("balances", RelabelledLedger.LOGIC_VERSION, ACCOUNT, Long.MAX_VALUE, 10)) {
                assertEquals(fold(events, e -> version(e) <= s.version()), new BigDecimal(s.state().get("balance").asText()), "snapshot at " + s.version());
            }
            TimeTravel.Answer after = travel.at(v2, ACCOUNT, at95).orElseThrow();
            assertEquals(80, after.snapshot().orElseThrow().version());
            assertEquals(RelabelledLedger.LOGIC_VERSION, after.snapshot().get().logicVersion());
            assertEquals(15, after.eventsFolded());
            assertEquals(fold(events, e -> version(e) <= 95), new BigDecimal(after.state().get("balance").asText()));
            assertEquals(List.of(100L, 80L, 60L), versions(snapshots(stack), "2"), "the old logic's snapshots are left as they were");
        }
    }

    /** 1 opening and 99 deposits and withdrawals, in requests of 15 events (the last of 10), each applied before the next. */
    private static void postHistory(PlaybackApi api, LocalStack stack) {
        Travels.postHistory(api, stack, ACCOUNT, T0, EVENTS, 15, (v, e) -> {
            if (v % 5 == 0) {
                e.put("type", "MoneyWithdrawn").set("payload", JSON.createObjectNode().put("amount", (v % 40 + 3) + ".10"));
            } else {
                e.put("type", "MoneyDeposited").set("payload", JSON.createObjectNode().put("amount", (v % 13 + 1) + ".25"));
            }
        });
    }

    private static JsonNode at(PlaybackApi api, Map<String, String> query) {
        PlaybackApi.Answer a = api.aggregate(ACCOUNT, query);
        String path = "/aggregates/" + ACCOUNT + "?" + query;
        assertEquals(200, a.status(), () -> path + ": " + a.body());
        System.out.println(path + " -> balance " + a.body().path("state").path("balance").asText() + ", snapshot "
                + a.body().path("snapshot").path("version").asText("none") + ", " + a.body().path("eventsFolded").asInt() + " events folded");
        return a.body();
    }

    private static void assertFolded(JsonNode answer, String point) {
        assertTrue(answer.path("snapshot").has("version"), point + ": no snapshot used: " + answer);
        assertTrue(answer.get("eventsFolded").asInt() <= INTERVAL, point + ": " + answer.get("eventsFolded") + " events folded");
        assertEquals("2", answer.get("logicVersion").asText());
    }

    /** The balance of the events {@code admitted} keeps, in version order: deposits add, a withdrawal the balance cannot cover is declined. */
    private static BigDecimal fold(List<JsonNode> events, Predicate<JsonNode> admitted) {
        BigDecimal balance = new BigDecimal("0.00");
        for (JsonNode e : events) {
            if (!admitted.test(e)) continue;
            BigDecimal amount = e.path("payload").has("amount") ? new BigDecimal(e.path("payload").get("amount").asText()) : BigDecimal.ZERO;
            switch (e.get("type").asText()) {
                case "MoneyDeposited" -> balance = balance.add(amount);
                case "MoneyWithdrawn" -> balance = balance.compareTo(amount) >= 0 ? balance.subtract(amount) : balance;
                default -> {
                }
            }
        }
        return balance;
    }

    private static BigDecimal balance(JsonNode answer) {
        return new BigDecimal(answer.path("state").path("balance").asText());
    }

    private static SnapshotStore snapshots(LocalStack stack) {
        return new DynamoSnapshotStore(stack.dynamoDb(), stack.physicalName("SnapshotTable"));
    }

    private static List<Long> versions(SnapshotStore store, String logicVersion) {
        return store.latest("balances", logicVersion, ACCOUNT, Long.MAX_VALUE, 10).stream().map(Snapshot::version).toList();
    }

    /** A full rebuild publishing records of 10 events: each save of the rebuilt generation crosses at most one multiple of the interval. */
    private static ExecutionDescription rebuild(LocalStack stack, String replayId) throws Exception {
        String machine = stack.workflows().stateMachineArn("RebuildStateMachine");
        stack.workflows().stepFunctions().startExecution(machine, replayId,
                JSON.createObjectNode().put("replayId", replayId).put("batchSize", 10).toString());
        return RebuildBenchmark.awaitReplay(stack, machine, replayId, Duration.ofMinutes(5));
    }
}
