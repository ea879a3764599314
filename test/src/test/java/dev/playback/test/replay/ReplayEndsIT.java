package dev.playback.test.replay;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.playback.lambdas.aws.dynamodb.DynamoReplayStore;
import dev.playback.lambdas.aws.dynamodb.DynamoStateStore;
import dev.playback.lambdas.aws.kinesis.PlaybackRecords;
import dev.playback.lambdas.aws.kinesis.StreamRecords;
import dev.playback.lambdas.processor.ProcessorHandler;
import dev.playback.lambdas.replay.ReplayHandler;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.tools.LocalOptions;
import dev.playback.tools.LocalStack;
import dev.playback.tools.bench.RebuildBenchmark;
import dev.playback.tools.check.PayoutCheck;
import dev.playback.tools.client.PlaybackApi;
import dev.playback.examples.external.PartnerBank;
import dev.onebox.sfn.ExecutionDescription;
import dev.onebox.sfn.ExecutionStatus;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.replay.PlaybackRecord;
import dev.playback.model.replay.Replay;
import dev.playback.model.replay.ReplayStatus;
import dev.playback.model.store.Generations;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A replay that is stopped or fails ends within a minute: its record says ABORTED or FAILED, its generation is no
 * longer building and its items are deleted, no live event reaches it afterwards, and the active generation is
 * unchanged. A {@code diff} replay that was stopped sends no correction more. A rebuild during which one playback
 * record cannot be applied fails and names it.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ReplayEndsIT {
    static final int STORED = 20_000;
    static final int ACCOUNTS = 200;
    static final Duration ONE_MINUTE = Duration.ofMinutes(1);

    private static DynamoReplayStore replays(LocalStack stack) {
        return new DynamoReplayStore(stack.dynamoDb(), stack.physicalName("DataTable"));
    }

    private static DynamoStateStore states(LocalStack stack) {
        return new DynamoStateStore(stack.dynamoDb(), stack.physicalName("DataTable"));
    }

    /** Items of {@code generation} of balances in the data table (a full Scan). */
    private static long items(LocalStack stack, String generation) {
        long n = 0;
        for (var page : stack.dynamoDb().scanPaginator(s -> s.tableName(stack.physicalName("DataTable")).filterExpression("begins_with(pk, :p)")
                .expressionAttributeValues(Map.of(":p", AttributeValue.fromS("balances#" + generation + "#"))).select("COUNT"))) {
            n += page.count();
        }
        return n;
    }

    /** Waits for a condition with a deadline; fails naming what was awaited. */
    private static void await(String what, Duration timeout, Supplier<Boolean> condition) {
        Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofMillis(100)).until(condition::get);
    }

    private static void postLive(LocalStack stack, int count) {
        String[] accounts = new String[ACCOUNTS];
        for (int i = 0; i < ACCOUNTS; i++) accounts[i] = "bench-" + i;
        PlaybackApi api = new PlaybackApi(stack.apiUrl());
        for (int sent = 0; sent < count; sent += 50) Replays.post(api, Replays.deposits(accounts, 50, sent));
    }

    @Test
    void a_stopped_rebuild_ends_aborted_within_a_minute_and_its_generation_is_gone() throws Exception {
        try (LocalStack stack = LocalStack.start(LocalOptions.inMemory())) {
            Replays.load(stack, STORED, ACCOUNTS);
            String before = RebuildBenchmark.activeGeneration(stack, "balances");
            String execution = Replays.startRebuild(stack, "to-stop", 1, 20);
            await("replay to-stop recorded", ONE_MINUTE, () -> replays(stack).find("to-stop").isPresent());
            String generation = replays(stack).find("to-stop").orElseThrow().generation();
            await("the rebuild wrote into " + generation, ONE_MINUTE, () -> items(stack, generation) >= 20);
            long itemsAtStop = items(stack, generation);

            long t0 = System.nanoTime();
            stack.workflows().stepFunctions().stopExecution(execution, "Stopped", "by ReplayEndsIT");
            await("replay to-stop ABORTED", ONE_MINUTE, () -> replays(stack).find("to-stop").orElseThrow().status() == ReplayStatus.ABORTED);
            double ended = (System.nanoTime() - t0) / 1e9;
            await(generation + " no longer building", ONE_MINUTE, () -> !states(stack).generations("balances").building().contains(generation));
            stack.awaitIdle(Duration.ofMinutes(2));
            long itemsAfterEnd = items(stack, generation);
            postLive(stack, 500);
            stack.awaitIdle(Duration.ofMinutes(2));
            long itemsAfterLive = items(stack, generation);

            System.out.printf("stopped rebuild: ABORTED %.1f s after the stop; %s held %d items at the stop, %d after the end, %d after 500 live events%n",
                    ended, generation, itemsAtStop, itemsAfterEnd, itemsAfterLive);
            Replay r = replays(stack).find("to-stop").orElseThrow();
            assertTrue(r.detail().contains(execution) && r.detail().contains("ABORTED"), r.detail());
            assertEquals(0, itemsAfterEnd, "the dropped generation's items are deleted");
            assertEquals(0, itemsAfterLive, "no live event reaches the dropped generation");
            assertEquals(before, RebuildBenchmark.activeGeneration(stack, "balances"), "the active generation is unchanged");
            String again = stack.workflows().stepFunctions().startExecution(stack.workflows().stateMachineArn("RebuildStateMachine"),
                    "to-stop-again", "{\"replayId\":\"to-stop\"}").executionArn();
            ExecutionDescription refused = stack.workflows().stepFunctions().awaitExecution(again, ONE_MINUTE);
            assertEquals(ExecutionStatus.FAILED, refused.status());
            assertTrue(refused.cause().contains("has ended ABORTED") && refused.cause().contains("another replayId"), refused.cause());
        }
    }

    /** The replay function, deaf to status-change events: as when EventBridge's asynchronous delivery to it fails. */
    static final class Deaf implements RequestHandler<Map<String, Object>, Map<String, Object>> {
        static final AtomicInteger REFUSED = new AtomicInteger();
        private final ReplayHandler real;

        Deaf(Map<String, String> environment) {
            this.real = new ReplayHandler(environment);
        }

        @Override
        public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
            if ("aws.states".equals(input.get("source"))) {
                REFUSED.incrementAndGet();
                throw new IllegalStateException("status-change event not delivered (ReplayEndsIT)");
            }
            return real.handleRequest(input, context);
        }
    }

    @Test
    void a_stopped_rebuild_whose_status_change_never_reaches_the_function_is_ended_by_the_scheduled_reconcile() throws Exception {
        try (LocalStack stack = LocalStack.start(LocalOptions.inMemory().withHandler("ReplayFunction", Deaf::new))) {
            Replays.load(stack, STORED, ACCOUNTS);
            String execution = Replays.startRebuild(stack, "lost-stop", 1, 20);
            await("replay lost-stop recorded", ONE_MINUTE, () -> replays(stack).find("lost-stop").isPresent());
            String generation = replays(stack).find("lost-stop").orElseThrow().generation();
            await("the rebuild wrote into " + generation, ONE_MINUTE, () -> items(stack, generation) >= 20);

            stack.workflows().stepFunctions().stopExecution(execution, "Stopped", "by ReplayEndsIT");
            await("the status change was refused by the function", ONE_MINUTE, () -> Deaf.REFUSED.get() > 0);
            ReplayStatus beforeReconcile = replays(stack).find("lost-stop").orElseThrow().status();
            // What the schedule (rate(5 minutes), template.yaml) sends the replay function.
            Object result = stack.functions().get("ReplayFunction").invoke(Map.of("action", "reconcile"));
            stack.awaitIdle(Duration.ofMinutes(2));

            System.out.printf("lost stop: %d status-change deliveries refused; replay %s before the reconcile; reconcile: %s%n",
                    Deaf.REFUSED.get(), beforeReconcile, result);
            assertEquals(ReplayStatus.RUNNING, beforeReconcile, "without its status change the replay would stay running");
            Replay r = replays(stack).find("lost-stop").orElseThrow();
            assertEquals(ReplayStatus.ABORTED, r.status(), r.detail());
            assertTrue(r.detail().contains(execution), r.detail());
            assertFalse(states(stack).generations("balances").building().contains(generation), "its generation no longer builds");
            assertEquals(0, items(stack, generation), "the dropped generation's items are deleted");
        }
    }

    static final int PAY_ACCOUNTS = 40;
    static final int PAYOUTS_PER_ACCOUNT = 10;
    static final int LATE_PAYOUTS = 6;
    static final int BATCH_SIZE = 5;
    /**
     * The payouts function's worker threads (the processor handler's, shared by every processor it runs) and how old its
     * reading of a replay's status may be (GatewayProcessing).
     */
    static final int PAYOUT_WORKERS = ProcessorHandler.WORKER_THREADS;
    static final int STATUS_READ_MILLIS = 250;

    private static void post(PlaybackApi api, ArrayNode batch) {
        PlaybackApi.Answer a = api.postEvents(batch);
        assertEquals(202, a.status(), a.body().toString());
    }

    /** Accounts in EUR with enough money, and {@code PAYOUTS_PER_ACCOUNT} payouts each ({@code pay-<account>-<k>}) to USD or GBP. */
    private static void postPayouts(PlaybackApi api, List<String> accounts) {
        ArrayNode open = Replays.JSON.createArrayNode();
        for (String a : accounts) {
            open.addObject().put("aggregateId", a).put("type", "AccountOpened")
                    .set("payload", Replays.JSON.createObjectNode().put("owner", a).put("currency", "EUR"));
            open.addObject().put("aggregateId", a).put("type", "MoneyDeposited").set("payload", Replays.JSON.createObjectNode().put("amount", "90000.00"));
        }
        post(api, open);
        for (int k = 0; k < PAYOUTS_PER_ACCOUNT; k++) {
            ArrayNode batch = Replays.JSON.createArrayNode();
            for (int i = 0; i < accounts.size(); i++) {
                String amount = (50 + 97 * k + 13 * i) + "." + String.format("%02d", (31 * k + 17 * i) % 100);
                batch.addObject().put("eventId", "pay-" + i + "-" + k).put("aggregateId", accounts.get(i)).put("type", "PayoutRequested")
                        .set("payload", Replays.JSON.createObjectNode().put("amount", amount).put("targetCurrency", (i + k) % 2 == 0 ? "USD" : "GBP")
                                .put("beneficiary", "B" + i));
            }
            post(api, batch);
        }
    }

    /**
     * What the bank received besides the live sends it held before the replay: per payout id that existed then, the
     * corrections (a new idempotency key for a payout already paid live); per payout id posted later, its sends.
     */
    private record AtTheBank(int corrections, Map<String, Integer> late) {
        static AtTheBank of(PartnerBank bank, Set<String> liveKeys, Set<String> payoutIds) {
            int corrections = 0;
            Map<String, Integer> late = new TreeMap<>();
            for (PartnerBank.Received r : bank.payouts()) {
                if (liveKeys.contains(r.idempotencyKey())) continue;
                if (payoutIds.contains(r.payoutId())) corrections++;
                else late.merge(r.payoutId(), 1, Integer::sum);
            }
            return new AtTheBank(corrections, late);
        }
    }

    /**
     * The payouts function as deployed, watched: which of its invocations are running with playback records of a replay,
     * and how many events those records hold, so the test knows what was in flight when the replay ended.
     */
    static final class Watched implements RequestHandler<KinesisEvent, StreamsEventResponse> {
        static final Map<Long, Integer> RUNNING = new ConcurrentHashMap<>();
        static final AtomicLong INVOCATIONS = new AtomicLong();
        private final ProcessorHandler real;

        Watched(Map<String, String> environment) {
            this.real = new ProcessorHandler(environment);
        }

        @Override
        public StreamsEventResponse handleRequest(KinesisEvent input, Context context) {
            int events = 0;
            for (KinesisEvent.KinesisEventRecord r : input.getRecords()) {
                byte[] data = StreamRecords.bytes(r.getKinesis().getData());
                if (PlaybackRecords.isPlayback(data)) events += PlaybackRecords.decode(data).events().size();
            }
            if (events == 0) return real.handleRequest(input, context);
            long id = INVOCATIONS.incrementAndGet();
            RUNNING.put(id, events);
            try {
                return real.handleRequest(input, context);
            } finally {
                RUNNING.remove(id);
            }
        }
    }

    @Test
    void a_stopped_diff_replay_sends_no_correction_more_and_live_payouts_go_out_once() throws Exception {
        try (LocalStack stack = LocalStack.start(LocalOptions.inMemory().withParameter("FeeRule", "v1").withHandler("PayoutsFunction", Watched::new))) {
            // Live with fee rule v1: every payout sent once.
            PlaybackApi api = new PlaybackApi(stack.apiUrl());
            List<String> accounts = new ArrayList<>();
            for (int i = 0; i < PAY_ACCOUNTS; i++) accounts.add("payee-" + i);
            postPayouts(api, accounts);
            stack.awaitIdle(Duration.ofMinutes(2));
            PartnerBank bank = stack.external().bank();
            Set<String> liveKeys = new TreeSet<>();
            Set<String> payoutIds = new TreeSet<>();
            bank.payouts().forEach(r -> {
                liveKeys.add(r.idempotencyKey());
                payoutIds.add(r.payoutId());
            });
            assertEquals(PAY_ACCOUNTS * PAYOUTS_PER_ACCOUNT, payoutIds.size(), "every payout was sent live");
            assertEquals(PAY_ACCOUNTS * PAYOUTS_PER_ACCOUNT, liveKeys.size(), "every payout was sent live once");

            // Fee rule v2 is deployed; a diff rebuild of payouts with small pages corrects the payouts v1 paid wrongly.
            stack.updateParameter("FeeRule", "v2");
            Map<String, PayoutCheck.Expected> expected = PayoutCheck.expected(api, stack.s3(), stack.physicalName("RecordBucket"), accounts, payoutIds);
            long wrong = expected.values().stream().filter(e -> e.v1().compareTo(e.v2()) != 0).count();
            assertTrue(wrong > payoutIds.size() / 2, "most payouts differ between v1 and v2: " + wrong);
            ObjectNode input = Replays.JSON.createObjectNode().put("replayId", "diff-to-stop").put("segments", 2).put("batchSize", BATCH_SIZE)
                    .put("gatewayMode", "diff");
            input.putArray("processors").add("payouts");
            String execution = stack.workflows().stepFunctions().startExecution(stack.workflows().stateMachineArn("RebuildStateMachine"),
                    "diff-to-stop", input.toString()).executionArn();
            await("replay diff-to-stop recorded", ONE_MINUTE, () -> replays(stack).find("diff-to-stop").isPresent());
            String generation = replays(stack).find("diff-to-stop").orElseThrow().generation();
            await("a tenth of the " + wrong + " corrections at the bank", ONE_MINUTE,
                    () -> AtTheBank.of(bank, liveKeys, payoutIds).corrections() >= wrong / 10);

            // Stop it while corrections are going out.
            int atStop = AtTheBank.of(bank, liveKeys, payoutIds).corrections();
            assertTrue(atStop < wrong / 2, "the replay is stopped before half its corrections (" + atStop + " of " + wrong + ")");
            long t0 = System.nanoTime();
            stack.workflows().stepFunctions().stopExecution(execution, "Stopped", "by ReplayEndsIT");
            await("replay diff-to-stop ABORTED", ONE_MINUTE, () -> replays(stack).find("diff-to-stop").orElseThrow().status() == ReplayStatus.ABORTED);
            await(generation + " no longer building", ONE_MINUTE, () -> !states(stack).generations("payouts").building().contains(generation));
            int atEnd = AtTheBank.of(bank, liveKeys, payoutIds).corrections();
            double ended = (System.nanoTime() - t0) / 1e9;
            Map<Long, Integer> inFlight = Map.copyOf(Watched.RUNNING);
            await("the payouts invocations running with playback records when the replay ended " + inFlight + " returned", ONE_MINUTE,
                    () -> inFlight.keySet().stream().noneMatch(Watched.RUNNING::containsKey));
            int afterInFlight = AtTheBank.of(bank, liveKeys, payoutIds).corrections();
            stack.awaitIdle(Duration.ofMinutes(2));
            int afterIdle = AtTheBank.of(bank, liveKeys, payoutIds).corrections();

            // Live traffic afterwards: deposits into every account and a few new payouts, which the active generation sends.
            ArrayNode late = Replays.JSON.createArrayNode();
            for (String a : accounts) {
                late.addObject().put("aggregateId", a).put("type", "MoneyDeposited").set("payload", Replays.JSON.createObjectNode().put("amount", "10.00"));
            }
            for (int k = 0; k < LATE_PAYOUTS; k++) {
                late.addObject().put("eventId", "late-" + k).put("aggregateId", accounts.get(7 * k % PAY_ACCOUNTS)).put("type", "PayoutRequested")
                        .set("payload", Replays.JSON.createObjectNode().put("amount", (200 + k) + ".00").put("targetCurrency", "USD").put("beneficiary", "L" + k));
            }
            post(api, late);
            stack.awaitIdle(Duration.ofMinutes(2));
            AtTheBank after = AtTheBank.of(bank, liveKeys, payoutIds);

            int inFlightEvents = inFlight.values().stream().mapToInt(Integer::intValue).sum();
            System.out.printf("stopped diff replay: %d of %d corrections at the bank at the stop; ABORTED and %s dropped %.1f s later with %d; "
                    + "%d in flight then (sent by the %d payouts invocations already running, holding %d playback events: each of the handler's %d "
                    + "workers finishes the record it is applying and may start another before its reading of the status, at most %d ms old, "
                    + "is read again), %d once they returned, %d once idle, %d after %d live deposits and %d new payouts; new payouts at the bank: %s%n",
                    atStop, wrong, generation, ended, atEnd, afterInFlight - atEnd, inFlight.size(), inFlightEvents, PAYOUT_WORKERS,
                    STATUS_READ_MILLIS, afterInFlight, afterIdle, after.corrections(), PAY_ACCOUNTS, LATE_PAYOUTS, after.late());
            assertTrue(atEnd < wrong, "the replay ended before sending every correction (" + atEnd + " of " + wrong + ")");
            assertEquals(afterInFlight, afterIdle, "corrections sent after the payouts invocations in flight when the replay ended returned");
            assertTrue(afterIdle - atEnd <= PAYOUT_WORKERS * BATCH_SIZE, (afterIdle - atEnd) + " corrections went out after replay diff-to-stop "
                    + "ended; in flight are at most one page (" + BATCH_SIZE + " events) per payouts worker (" + PAYOUT_WORKERS + ")");
            assertEquals(afterIdle, after.corrections(), "no correction from live traffic after the replay ended");
            Map<String, Integer> once = new TreeMap<>();
            for (int k = 0; k < LATE_PAYOUTS; k++) once.put("late-" + k, 1);
            assertEquals(once, after.late(), "every new payout sent live exactly once");
            Replay r = replays(stack).find("diff-to-stop").orElseThrow();
            assertTrue(r.detail().contains(execution) && r.detail().contains("ABORTED"), r.detail());
        }
    }

    /** The projection as deployed, except that the playback records of one account carry a version gap it cannot fill. */
    static final class Breaking implements RequestHandler<KinesisEvent, StreamsEventResponse> {
        static final String ACCOUNT = "bench-7";
        static final AtomicInteger BROKEN = new AtomicInteger();
        private final ProcessorHandler real;

        Breaking(Map<String, String> environment) {
            this.real = new ProcessorHandler(environment);
        }

        @Override
        public StreamsEventResponse handleRequest(KinesisEvent input, Context context) {
            for (KinesisEvent.KinesisEventRecord r : input.getRecords()) {
                byte[] data = StreamRecords.bytes(r.getKinesis().getData());
                if (!PlaybackRecords.isPlayback(data)) continue;
                PlaybackRecord p = PlaybackRecords.decode(data);
                if (!p.aggregateId().equals(ACCOUNT)) continue;
                List<EventEnvelope> events = new ArrayList<>(p.events());
                EventEnvelope last = events.remove(events.size() - 1);
                events.add(last.withVersion(last.versionOrZero() + 1_000));
                r.getKinesis().setData(ByteBuffer.wrap(PlaybackRecords.encode(new PlaybackRecord(p.replayId(), p.generation(), p.processors(),
                        events, p.gatewayMode(), p.missingRecords()))));
                BROKEN.incrementAndGet();
            }
            return real.handleRequest(input, context);
        }
    }

    @Test
    void a_rebuild_during_which_a_playback_record_cannot_be_applied_fails_naming_it_and_the_active_generation_stays() throws Exception {
        try (LocalStack stack = LocalStack.start(LocalOptions.inMemory().withHandler("ProjectionFunction", Breaking::new))) {
            Replays.load(stack, 4_000, ACCOUNTS);
            postLive(stack, 200);
            stack.awaitIdle(Duration.ofMinutes(2));
            String before = RebuildBenchmark.activeGeneration(stack, "balances");
            long activeItems = items(stack, before);
            long t0 = System.nanoTime();
            Replays.startRebuild(stack, "cannot-apply", 2, 100);
            ExecutionDescription d = Replays.awaitReplay(stack, "RebuildStateMachine", "cannot-apply", Duration.ofMinutes(5));
            double seconds = (System.nanoTime() - t0) / 1e9;
            Replay r = replays(stack).find("cannot-apply").orElseThrow();
            await("replay cannot-apply's generation dropped", ONE_MINUTE, () -> !states(stack).generations("balances").building().contains(r.generation()));
            stack.awaitIdle(Duration.ofMinutes(2));
            long left = items(stack, r.generation());
            Generations g = states(stack).generations("balances");

            System.out.printf("unappliable record: execution %s after %.1f s (%d deliveries of %s's records broken); replay %s; %s holds %d items; "
                    + "active %s; cause: %s%n", d.status(), seconds, Breaking.BROKEN.get(), Breaking.ACCOUNT, r.status(), r.generation(), left,
                    g.active(), d.cause());
            assertEquals(ExecutionStatus.FAILED, d.status());
            assertEquals(ReplayStatus.FAILED, r.status());
            assertTrue(d.cause().contains("replay cannot-apply cannot switch to " + r.generation()), d.cause());
            assertTrue(d.cause().contains("processor balances could not apply playback record"), d.cause());
            assertTrue(d.cause().contains("aggregate " + Breaking.ACCOUNT + " versions"), d.cause());
            assertTrue(d.cause().contains("the active generation is unchanged"), d.cause());
            assertEquals(before, g.active());
            assertFalse(g.building().contains(r.generation()));
            assertEquals(0, left);
            assertEquals(activeItems, items(stack, before), "the active generation's items are as they were");
        }
    }
}
