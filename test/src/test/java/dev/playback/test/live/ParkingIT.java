package dev.playback.test.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.examples.external.PartnerBank;
import dev.playback.tools.LocalOptions;
import dev.playback.tools.LocalStack;
import dev.playback.tools.Main;
import dev.playback.tools.client.PlaybackApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parking on the emulators: the stack runs fee rule v3, whose bug throws on a payout in a currency without a minimum
 * fee (here EUR from an EUR account). The payouts processor parks that one account, 10,000 events of other accounts flow
 * and are applied, the parked account's later events are held back; after the fix (v4) is deployed, {@code playback
 * unpark} has the processor apply them in order, once, the payout sent to the bank once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ParkingIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration IDLE = Duration.ofMinutes(5);
    private static final int ACCOUNTS = 50;
    private static final int EVENTS_PER_ACCOUNT = 200;
    private static final String PARKED = "acc-parked";

    private LocalStack stack;
    private PlaybackApi api;
    @TempDir
    Path dir;
    private Path file;

    @BeforeAll
    void start() throws Exception {
        stack = LocalStack.start(LocalOptions.inMemory().withParameter("FeeRule", "v3"));
        api = new PlaybackApi(stack.apiUrl());
    }

    @AfterAll
    void stop() {
        if (stack != null) stack.close();
    }

    record Run(int code, String out, String err) {
    }

    private Run playback(String... args) {
        if (file == null) {
            file = dir.resolve("local.json");
            stack.endpoints().write(file);
        }
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--local-file");
        all.add(file.toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        Run run = new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        System.out.print("playback " + String.join(" ", args) + " -> " + code + "\n" + run.out() + run.err());
        return run;
    }

    private static ObjectNode event(String id, String account, String type, ObjectNode payload) {
        ObjectNode e = JSON.createObjectNode().put("eventId", id).put("aggregateId", account).put("type", type);
        e.set("payload", payload);
        return e;
    }

    private static ObjectNode opened(String id, String account) {
        return event(id, account, "AccountOpened", JSON.createObjectNode().put("owner", "Ada").put("currency", "EUR"));
    }

    private static ObjectNode money(String id, String account, String type, BigDecimal amount) {
        return event(id, account, type, JSON.createObjectNode().put("amount", amount.toPlainString()));
    }

    private static ObjectNode payout(String id, String account, String amount, String currency) {
        return event(id, account, "PayoutRequested", JSON.createObjectNode().put("amount", amount).put("targetCurrency", currency)
                .put("beneficiary", "Bob"));
    }

    private void post(List<ObjectNode> events) {
        for (int from = 0; from < events.size(); from += 500) {
            ArrayNode body = JSON.createArrayNode();
            events.subList(from, Math.min(events.size(), from + 500)).forEach(body::add);
            PlaybackApi.Answer a = api.postEvents(body);
            assertEquals(202, a.status(), a.body().toString());
        }
    }

    private JsonNode state(String account, String processor) {
        PlaybackApi.Answer a = api.get("/aggregates/" + account + "?processor=" + processor);
        assertEquals(200, a.status(), account + " in " + processor + ": " + a.body());
        return a.body();
    }

    private long payoutsSentFor(String payoutId) {
        return bank().payouts().stream().filter(p -> p.payoutId().equals(payoutId)).count();
    }

    private PartnerBank bank() {
        return stack.external().bank();
    }

    @Test
    void oneAccountIsParkedWhileTenThousandOtherEventsFlowAndUnparkAppliesItsHeldEventsOnceAfterTheFix() throws Exception {
        // arrange: the parked account's payout in EUR, which fee rule v3 throws on
        post(List.of(opened("park-1", PARKED), money("park-2", PARKED, "MoneyDeposited", new BigDecimal("100.00")),
                payout("park-3", PARKED, "20.00", "EUR")));
        stack.awaitIdle(IDLE);

        Run parked = playback("parked");
        assertEquals(0, parked.code(), parked.err());
        assertTrue(parked.out().contains("payouts  " + PARKED + "  version 3  event park-3"), parked.out());
        assertTrue(parked.out().contains("java.lang.NullPointerException"), parked.out());
        assertTrue(parked.out().contains("1 parked aggregate(s)"), parked.out());

        // act: 10,000 events of 50 other accounts (one of them pays out in USD), and two more of the parked account
        Random random = new Random(15);
        Map<String, BigDecimal> expected = new LinkedHashMap<>();
        List<ObjectNode> others = new ArrayList<>();
        for (int a = 0; a < ACCOUNTS; a++) {
            String account = "acc-" + a;
            others.add(opened(account + "-1", account));
            BigDecimal balance = BigDecimal.ZERO.setScale(2);
            for (int v = 2; v <= EVENTS_PER_ACCOUNT; v++) {
                String id = account + "-" + v;
                if (a == 0 && v == EVENTS_PER_ACCOUNT) {
                    others.add(payout(id, account, "10.00", "USD"));
                    balance = balance.subtract(new BigDecimal("10.00"));
                } else if (v % 3 == 0) {
                    BigDecimal amount = BigDecimal.valueOf(100 + random.nextInt(400), 2); // 1.00 .. 4.99, never more than the balance
                    others.add(money(id, account, "MoneyWithdrawn", amount));
                    balance = balance.subtract(amount);
                } else {
                    BigDecimal amount = BigDecimal.valueOf(1000 + random.nextInt(9000), 2); // 10.00 .. 99.99
                    others.add(money(id, account, "MoneyDeposited", amount));
                    balance = balance.add(amount);
                }
            }
            expected.put(account, balance);
        }
        assertEquals(10_000, others.size());
        List<ObjectNode> traffic = new ArrayList<>(others.subList(0, 5_000));
        traffic.add(money("park-4", PARKED, "MoneyDeposited", new BigDecimal("5.00")));
        traffic.addAll(others.subList(5_000, 10_000));
        traffic.add(money("park-5", PARKED, "MoneyWithdrawn", new BigDecimal("10.00")));
        post(traffic);
        stack.awaitIdle(IDLE);

        // assert: every other account applied by both processors, equal to the fold computed here
        for (var e : expected.entrySet()) {
            for (String processor : List.of("balances", "payouts")) {
                JsonNode s = state(e.getKey(), processor);
                assertEquals(EVENTS_PER_ACCOUNT, s.path("version").asLong(), e.getKey() + " in " + processor + ": " + s.path("version"));
                JsonNode ledger = processor.equals("payouts") ? s.path("state").path("ledger") : s.path("state");
                assertEquals(e.getValue().toPlainString(), ledger.path("balance").asText(), e.getKey() + " in " + processor);
            }
        }
        assertEquals(Map.of("acc-0-200", new BigDecimal("10.35")), Map.of("acc-0-200", bank().netPerPayout().get("acc-0-200")),
                "10.00 × 1.0850 − the USD minimum 0.50");
        // the parked account: held back in payouts at the version before the failing event; balances is not parked
        assertEquals(2, state(PARKED, "payouts").path("version").asLong());
        assertEquals(5, state(PARKED, "balances").path("version").asLong());
        assertEquals(0, payoutsSentFor("park-3"));
        parked = playback("parked", "--processor", "payouts");
        assertTrue(parked.out().contains(PARKED + "  version 3"), parked.out());

        // act: the fix is deployed, then unpark
        List<String> changed = stack.updateParameter("FeeRule", "v4");
        assertTrue(changed.contains("PayoutsFunction"), changed.toString());
        Run unpark = playback("unpark", PARKED, "--wait", "120");

        // assert: applied in order, once; equal to the fold; the payout sent once
        assertEquals(0, unpark.code(), unpark.out() + unpark.err());
        assertTrue(unpark.out().contains("unparked " + PARKED + " for payouts"), unpark.out());
        JsonNode payouts = state(PARKED, "payouts");
        assertEquals(5, payouts.path("version").asLong());
        JsonNode ledger = payouts.path("state").path("ledger");
        assertEquals(List.of(2L, 1L, 1L, 0L), List.of(ledger.path("deposits").asLong(), ledger.path("payouts").asLong(),
                ledger.path("withdrawals").asLong(), ledger.path("rejectedCount").asLong()), "each applied once");
        assertEquals("75.00", ledger.path("balance").asText(), "100.00 − 20.00 + 5.00 − 10.00, in order");
        assertEquals(1, payoutsSentFor("park-3"));
        assertEquals(new BigDecimal("19.50"), bank().netPerPayout().get("park-3"));
        assertTrue(playback("parked").out().contains("0 parked aggregate(s)"));

        // and again: nothing to unpark, nothing sent twice
        Run again = playback("unpark", "--all");
        stack.awaitIdle(IDLE);
        assertEquals(0, again.code());
        assertTrue(again.out().contains("nothing parked"), again.out());
        assertEquals(1, payoutsSentFor("park-3"));
        assertEquals(5, state(PARKED, "payouts").path("version").asLong());
    }
}
