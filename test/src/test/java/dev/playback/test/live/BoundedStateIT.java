package dev.playback.test.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.tools.LocalOptions;
import dev.playback.tools.LocalStack;
import dev.playback.tools.bench.RebuildBenchmark;
import dev.playback.tools.client.PlaybackApi;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One account with {@value #EVENTS} events (deposits, withdrawals, declined withdrawals, payouts) posted on the local
 * stack: the state items of {@code balances} and {@code payouts} in the data table stay under 2 KB, measured after 100
 * events and at the end. Then the account's first deposit and first payout are reversed: the balance equals an
 * independent fold without them and the bank receives one compensation of what it was paid.
 */
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
class BoundedStateIT {
    static final int EVENTS = 5_000;
    static final String ACCOUNT = "long-1";
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration IDLE = Duration.ofMinutes(5);

    /** Event {@code v} of the account (1-based). */
    static ObjectNode event(int v) {
        ObjectNode e = JSON.createObjectNode().put("aggregateId", ACCOUNT).put("eventId", ACCOUNT + "-" + v);
        if (v == 1) return e.put("type", "AccountOpened").set("payload", JSON.createObjectNode().put("owner", "Ada").put("currency", "EUR"));
        if (v == 2) return e.put("type", "MoneyDeposited").set("payload", JSON.createObjectNode().put("amount", "500.00"));
        if (v == 3) return e.put("type", "PayoutRequested").set("payload", JSON.createObjectNode().put("amount", "50.00")
                .put("targetCurrency", "EUR").put("beneficiary", "Bob"));
        if (v % 97 == 0) return e.put("type", "MoneyWithdrawn").set("payload", JSON.createObjectNode().put("amount", "1000000.00"));
        if (v % 500 == 0) return e.put("type", "PayoutRequested").set("payload", JSON.createObjectNode().put("amount", "5.00")
                .put("targetCurrency", "EUR").put("beneficiary", "Bob"));
        if (v % 3 == 0) return e.put("type", "MoneyWithdrawn").set("payload", JSON.createObjectNode().put("amount", "3.00"));
        return e.put("type", "MoneyDeposited").set("payload", JSON.createObjectNode().put("amount", "10.00"));
    }

    /** The balance of events 1..n without {@code leftOut}, by the ledger's arithmetic (none of these withdrawals depends on them). */
    static BigDecimal balance(int n, String... leftOut) {
        BigDecimal balance = new BigDecimal("0.00");
        for (int v = 1; v <= n; v++) {
            ObjectNode e = event(v);
            if (java.util.List.of(leftOut).contains(e.get("eventId").asText())) continue;
            String type = e.get("type").asText();
            BigDecimal amount = e.path("payload").has("amount") ? new BigDecimal(e.path("payload").get("amount").asText()) : BigDecimal.ZERO;
            if (type.equals("MoneyDeposited")) balance = balance.add(amount);
            else if (!type.equals("AccountOpened") && balance.compareTo(amount) >= 0) balance = balance.subtract(amount);
        }
        return balance;
    }

    private static void post(PlaybackApi api, ArrayNode batch) {
        PlaybackApi.Answer a = api.postEvents(batch);
        assertEquals(202, a.status(), () -> a.body().toString());
    }

    /** The size in bytes of the processor's state item of the account (its attributes' names and values, as DynamoDB counts). */
    private static int itemSize(LocalStack stack, String processor) {
        String generation = RebuildBenchmark.activeGeneration(stack, processor);
        Map<String, AttributeValue> item = stack.dynamoDb().getItem(g -> g.tableName(stack.physicalName("DataTable")).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS(processor + "#" + generation + "#" + ACCOUNT)))).item();
        assertTrue(item != null && !item.isEmpty(), processor + " has no state of " + ACCOUNT);
        int size = 0;
        for (var a : item.entrySet()) {
            size += a.getKey().getBytes(StandardCharsets.UTF_8).length;
            AttributeValue v = a.getValue();
            size += v.s() != null ? v.s().getBytes(StandardCharsets.UTF_8).length : v.n() != null ? v.n().length() : 1;
        }
        return size;
    }

    @Test
    void theStateItemsOfALongAccountStayUnder2KbAndItsOldestEventsReverseAsInAnIndependentFold() throws Exception {
        try (LocalStack stack = LocalStack.start(LocalOptions.inMemory())) {
            PlaybackApi api = new PlaybackApi(stack.apiUrl());
            Map<String, Map<Integer, Integer>> sizes = new LinkedHashMap<>(Map.of("balances", new LinkedHashMap<>(), "payouts", new LinkedHashMap<>()));
            ArrayNode batch = JSON.createArrayNode();
            for (int v = 1; v <= EVENTS; v++) {
                batch.add(event(v));
                if (batch.size() == 500 || v == 100 || v == EVENTS) {
                    post(api, batch);
                    batch = JSON.createArrayNode();
                }
                if (v == 100 || v == EVENTS) {
                    stack.awaitIdle(IDLE);
                    for (var p : sizes.entrySet()) p.getValue().put(v, itemSize(stack, p.getKey()));
                }
            }
            System.out.println("state items in the data table (bytes) by events of one account: " + sizes);
            for (var p : sizes.entrySet()) {
                for (var s : p.getValue().entrySet()) {
                    assertTrue(s.getValue() < 2048, p.getKey() + " at " + s.getKey() + " events: " + s.getValue() + " bytes");
                }
            }
            assertEquals(balance(EVENTS), new BigDecimal(api.aggregate(ACCOUNT).body().path("state").path("balance").asText()));
            int paidBefore = stack.external().bank().payouts().size();

            ArrayNode reversals = JSON.createArrayNode();
            reversals.addObject().put("aggregateId", ACCOUNT).put("eventId", "rev-deposit").put("type", "EventReversed")
                    .set("payload", JSON.createObjectNode().put("reversedEventId", ACCOUNT + "-2").put("reason", "test"));
            reversals.addObject().put("aggregateId", ACCOUNT).put("eventId", "rev-payout").put("type", "EventReversed")
                    .set("payload", JSON.createObjectNode().put("reversedEventId", ACCOUNT + "-3").put("reason", "test"));
            reversals.addObject().put("aggregateId", ACCOUNT).put("eventId", "rev-again").put("type", "EventReversed")
                    .set("payload", JSON.createObjectNode().put("reversedEventId", ACCOUNT + "-3").put("reason", "test"));
            post(api, reversals);
            stack.awaitIdle(IDLE);

            JsonNode state = api.aggregate(ACCOUNT).body().path("state");
            assertEquals(balance(EVENTS, ACCOUNT + "-2", ACCOUNT + "-3"), new BigDecimal(state.path("balance").asText()));
            assertEquals(2, state.path("reversals").asLong());
            assertTrue(state.path("rejected").toString().contains("already reversed by rev-payout"), state.toString());
            var sentAfter = stack.external().bank().payouts().subList(paidBefore, stack.external().bank().payouts().size());
            assertEquals(1, sentAfter.size(), "one compensation: " + sentAfter);
            assertEquals(0, stack.external().bank().netPerPayout().get(ACCOUNT + "-3").signum(), "the first payout taken back whole");
            assertEquals(balance(EVENTS, ACCOUNT + "-2", ACCOUNT + "-3"), new BigDecimal(api.get("/aggregates/" + ACCOUNT + "?processor=payouts")
                    .body().path("state").path("ledger").path("balance").asText()));
        }
    }
}
