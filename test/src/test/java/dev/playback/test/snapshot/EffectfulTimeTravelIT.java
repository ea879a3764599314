package dev.playback.test.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.playback.lambdas.aws.dynamodb.DynamoSnapshotStore;
import dev.playback.model.snapshot.Snapshot;
import dev.playback.tools.LocalOptions;
import dev.playback.tools.LocalStack;
import dev.playback.tools.client.PlaybackApi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static dev.playback.test.snapshot.Travels.version;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Time travel of the payouts processor (external effects: it asks the FX service for rates and pays out at the bank) on
 * the emulators: one EUR account of {@value #EVENTS} events posted in 5 requests (recorded at 5 times), every 4th a
 * payout to USD or GBP, occurred times not in version order (every 7th event occurred 30 hours before its neighbours),
 * snapshots every {@value #INTERVAL} events. The payouts function writes its snapshots as it goes (fee rule v1: logic
 * {@code fee-v1.2}); {@code GET /aggregates/{id}?processor=payouts&asOf=&knownAt=&version=} answers the ledger that a fold
 * computed here from the events the API lists gives at each point, folding at most {@value #INTERVAL} events after a
 * snapshot, with the FX answers recorded live: the bank receives nothing more, the command log and the recorded answers
 * do not change, though the FX rates have moved. A recorded answer deleted makes the answer a 409 naming the event and
 * the call site, and {@code playback show} exit non-zero naming them.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class EffectfulTimeTravelIT {
    static final int INTERVAL = 10;
    static final int EVENTS = 44;
    static final int PER_REQUEST = 9;
    static final String ACCOUNT = "fx-travel-1";
    static final String LOGIC = "fee-v1.2";
    static final Instant T0 = Instant.parse("2026-02-10T00:00:00Z");
    static final ObjectMapper JSON = new ObjectMapper();

    /** Event {@code v}'s occurred time ({@link Travels#occurred}). */
    static Instant occurred(int v) {
        return Travels.occurred(T0, v);
    }

    @Test
    void payoutsAtAVersionAsOfAndKnownAtEqualAnIndependentFoldFromItsSnapshotsAndTheRecordedAnswersCausingNothing() throws Exception {
        try (LocalStack stack = LocalStack.start(LocalOptions.inMemory().withParameter("SnapshotInterval", Integer.toString(INTERVAL))
                .withParameter("FeeRule", "v1"))) {
            PlaybackApi api = new PlaybackApi(stack.apiUrl());
            postHistory(api, stack);
            List<JsonNode> events = Travels.history(api, ACCOUNT);
            assertEquals(EVENTS, events.size());
            assertEquals(EVENTS / 4, events.stream().filter(e -> e.get("type").asText().equals("PayoutRequested")).count());
            long payouts = fold(events, e -> true).payouts(); // those not declined: each asked FX and paid out
            assertTrue(payouts >= 8, "payouts paid: " + payouts);

            DynamoSnapshotStore snapshots = new DynamoSnapshotStore(stack.dynamoDb(), stack.physicalName("SnapshotTable"));
            List<Long> taken = snapshots.latest("payouts", LOGIC, ACCOUNT, Long.MAX_VALUE, 10).stream().map(Snapshot::version).toList();
            System.out.println("payouts snapshots of " + LOGIC + ": " + taken);
            assertEquals(List.of(40L, 30L, 20L), taken, "the payouts function writes the newest 3 multiples of the interval");

            // What the outside holds before the queries; the FX rates move, so an answer asked now would differ.
            int bankBefore = stack.external().bank().payouts().size();
            assertEquals(payouts, bankBefore, "each payout sent once, live");
            int loggedBefore = commandLog(stack);
            int recordedBefore = recordedAnswers(stack);
            assertEquals(payouts, recordedBefore, "one FX answer recorded per payout");
            stack.external().fx().setRate("EUR", "USD", "1.5000");
            stack.external().fx().setRate("EUR", "GBP", "1.4000");

            List<Instant> recorded = Travels.recordedTimes(events);
            assertEquals(5, recorded.size(), "one recorded time per request");
            Travels.atVersions(point -> at(api, point), new long[]{21, 29, 30, 36, 40, 44}, admitted -> fold(events, admitted), EffectfulTimeTravelIT::ledger,
                    EffectfulTimeTravelIT::assertFolded);
            // as of times that are not multiples of 7; known after the requests that ended at versions 27, 36 and 44
            JsonNode both = Travels.atTimes(point -> at(api, point), List.of(occurred(32), occurred(38), occurred(43)), recorded.subList(2, 5),
                    occurred(38), recorded.get(3), admitted -> fold(events, admitted), EffectfulTimeTravelIT::ledger,
                    EffectfulTimeTravelIT::assertFolded);
            assertEquals("Ada", both.path("state").path("ledger").path("owner").asText(), "personal fields revealed as in every answer");

            String shown = show(stack, 0, "--version", "44");
            assertTrue(shown.startsWith(ACCOUNT + " in payouts at version 44 (version 44): from snapshot 40 (logic " + LOGIC + "), 4 events folded"), shown);

            assertEquals(bankBefore, stack.external().bank().payouts().size(), "the bank received nothing more");
            assertEquals(loggedBefore, commandLog(stack), "the command log is as it was");
            assertEquals(recordedBefore, recordedAnswers(stack), "no answer recorded");

            // The FX answer of the last payout (after the newest snapshot) deleted: an answer that folds it names it.
            String last = ACCOUNT + "-" + EVENTS;
            String records = stack.physicalName("RecordBucket");
            var objects = stack.s3().listObjectsV2(l -> l.bucket(records).prefix("queries/payouts/" + last + "/")).contents();
            assertEquals(1, objects.size());
            stack.s3().deleteObject(d -> d.bucket(records).key(objects.get(0).key()));
            PlaybackApi.Answer missing = api.aggregate(ACCOUNT, Map.of("processor", "payouts", "version", "44"));
            System.out.println("missing record: " + missing.status() + " " + missing.body());
            assertEquals(409, missing.status(), missing.body().toString());
            assertEquals(last, missing.body().path("eventId").asText());
            assertEquals("fx.rate", missing.body().path("callSite").asText());
            String error = missing.body().path("error").asText();
            assertTrue(error.contains(last) && error.contains("fx.rate"), error);
            String failed = show(stack, 1, "--version", "44");
            assertTrue(failed.contains("409") && failed.contains(last) && failed.contains("fx.rate"), failed);
            assertEquals(fold(events, e -> version(e) <= 43), ledger(at(api, Map.of("version", "43"))), "the events before it still answer");
            assertEquals(bankBefore, stack.external().bank().payouts().size());
            assertEquals(loggedBefore, commandLog(stack));
            assertEquals(recordedBefore - 1, recordedAnswers(stack), "the missing answer is not asked and recorded");
        }
    }

    /**
     * 1 opening, then deposits, every 4th a payout (to USD when a multiple of 8, else GBP), every other 7th a withdrawal,
     * in requests of {@value #PER_REQUEST} events, each applied before the next.
     */
    private static void postHistory(PlaybackApi api, LocalStack stack) {
        Travels.postHistory(api, stack, ACCOUNT, T0, EVENTS, PER_REQUEST, (v, e) -> {
            if (v % 4 == 0) {
                e.put("type", "PayoutRequested").set("payload", JSON.createObjectNode().put("amount", (v % 9 + 2) + ".50")
                        .put("targetCurrency", v % 8 == 0 ? "USD" : "GBP").put("beneficiary", "Beneficiary " + v));
            } else if (v % 7 == 0) {
                e.put("type", "MoneyWithdrawn").set("payload", JSON.createObjectNode().put("amount", (v % 30 + 3) + ".10"));
            } else {
                e.put("type", "MoneyDeposited").set("payload", JSON.createObjectNode().put("amount", (v % 13 + 1) + ".25"));
            }
        });
    }

    private static JsonNode at(PlaybackApi api, Map<String, String> point) {
        Map<String, String> query = new java.util.HashMap<>(point);
        query.put("processor", "payouts");
        PlaybackApi.Answer a = api.aggregate(ACCOUNT, query);
        String path = "/aggregates/" + ACCOUNT + "?" + query;
        assertEquals(200, a.status(), () -> path + ": " + a.body());
        System.out.println(path + " -> " + ledger(a.body()) + ", snapshot " + a.body().path("snapshot").path("version").asText("none")
                + ", " + a.body().path("eventsFolded").asInt() + " events folded");
        return a.body();
    }

    /** {@code playback show ACCOUNT --processor payouts ARGS}: its output (out and err), after checking its exit code. */
    private static String show(LocalStack stack, int expectedCode, String... args) {
        List<String> all = new ArrayList<>(List.of("show", ACCOUNT, "--processor", "payouts", "--api", stack.apiUrl().toString()));
        all.addAll(List.of(args));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream printer = new PrintStream(out, true, StandardCharsets.UTF_8);
        int code = dev.playback.tools.Main.execute(all.toArray(String[]::new), printer, printer);
        String shown = out.toString(StandardCharsets.UTF_8);
        System.out.println(shown);
        assertEquals(expectedCode, code, shown);
        return shown;
    }

    private static void assertFolded(JsonNode answer, String point) {
        assertTrue(answer.path("snapshot").has("version"), point + ": no snapshot used: " + answer);
        assertTrue(answer.get("eventsFolded").asInt() <= INTERVAL, point + ": " + answer.get("eventsFolded") + " events folded");
        assertEquals(LOGIC, answer.get("logicVersion").asText());
    }

    /** The ledger as this test folds it and as it reads it from an answer: balance, deposits, withdrawals, payouts, declined. */
    record Ledger(BigDecimal balance, long deposits, long withdrawals, long payouts, long declined) {
    }

    /**
     * The ledger of the events {@code admitted} keeps, in version order: a deposit adds; a withdrawal or payout the
     * balance cannot cover is declined, else it takes its amount (in the account's currency) out.
     */
    private static Ledger fold(List<JsonNode> events, Predicate<JsonNode> admitted) {
        BigDecimal balance = new BigDecimal("0.00");
        long deposits = 0, withdrawals = 0, payouts = 0, declined = 0;
        for (JsonNode e : events) {
            if (!admitted.test(e)) continue;
            String type = e.get("type").asText();
            if (type.equals("AccountOpened")) continue;
            BigDecimal amount = new BigDecimal(e.path("payload").get("amount").asText());
            if (type.equals("MoneyDeposited")) {
                balance = balance.add(amount);
                deposits++;
            } else if (balance.compareTo(amount) < 0) {
                declined++;
            } else {
                balance = balance.subtract(amount);
                if (type.equals("PayoutRequested")) payouts++;
                else withdrawals++;
            }
        }
        return new Ledger(balance, deposits, withdrawals, payouts, declined);
    }

    private static Ledger ledger(JsonNode answer) {
        JsonNode l = answer.path("state").path("ledger");
        return new Ledger(new BigDecimal(l.path("balance").asText()), l.path("deposits").asLong(), l.path("withdrawals").asLong(),
                l.path("payouts").asLong(), l.path("declined").asLong());
    }

    /** The payouts command log's entries (items {@code cmd#payouts#...} of the data table). */
    private static int commandLog(LocalStack stack) {
        int n = 0;
        for (var page : stack.dynamoDb().scanPaginator(s -> s.tableName(stack.physicalName("DataTable"))
                .filterExpression("begins_with(pk, :p)").expressionAttributeValues(Map.of(":p", AttributeValue.fromS("cmd#payouts#"))))) {
            n += page.count();
        }
        assertNotEquals(0, n, "the live payouts were logged");
        return n;
    }

    /** The recorded answers of the payouts processor ({@code queries/payouts/} in the record bucket). */
    private static int recordedAnswers(LocalStack stack) {
        String bucket = stack.physicalName("RecordBucket");
        int n = 0;
        for (var page : stack.s3().listObjectsV2Paginator(l -> l.bucket(bucket).prefix("queries/payouts/"))) n += page.keyCount();
        return n;
    }
}
