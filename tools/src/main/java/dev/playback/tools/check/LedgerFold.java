package dev.playback.tools.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An independent fold of the events table into ledger balances: written apart from the
 * {@code balances} projection (no shared code), so comparing the two checks the whole live path.
 * It also checks the log's invariants: versions 1..n per aggregate, each event id once.
 */
public final class LedgerFold {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The folded state of one account. */
    public record Account(String aggregateId, long version, boolean opened, BigDecimal balance,
                          long deposits, long withdrawals, long declined, long rejected) {
    }

    /** The fold of the whole table and every invariant violation found on the way. */
    public record Result(Map<String, Account> accounts, long events, List<String> violations) {
    }

    private LedgerFold() {
    }

    public static Result of(DynamoDbClient dynamo, S3Client s3, String eventsTable) {
        Map<String, List<Map<String, AttributeValue>>> byAggregate = new HashMap<>();
        Map<String, AttributeValue> start = null;
        long count = 0;
        do {
            Map<String, AttributeValue> from = start;
            ScanResponse r = dynamo.scan(s -> s.tableName(eventsTable).consistentRead(true).exclusiveStartKey(from));
            for (Map<String, AttributeValue> item : r.items()) {
                byAggregate.computeIfAbsent(item.get("aggregateId").s(), k -> new ArrayList<>()).add(item);
                count++;
            }
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);

        List<String> violations = new ArrayList<>();
        Map<String, Account> accounts = new TreeMap<>();
        Map<String, String> seenIds = new HashMap<>();
        for (var entry : byAggregate.entrySet()) {
            List<Map<String, AttributeValue>> items = entry.getValue();
            items.sort(Comparator.comparingLong(i -> Long.parseLong(i.get("version").n())));
            boolean opened = false;
            BigDecimal balance = BigDecimal.ZERO.setScale(2);
            long deposits = 0, withdrawals = 0, declined = 0, rejected = 0, expected = 1;
            Map<String, BigDecimal> deltas = new HashMap<>();
            Map<String, String> reversedBy = new HashMap<>();
            Map<String, String> reverses = new HashMap<>();
            for (Map<String, AttributeValue> item : items) {
                long v = Long.parseLong(item.get("version").n());
                if (v != expected) violations.add(entry.getKey() + ": expected version " + expected + ", found " + v);
                expected = v + 1;
                String id = item.get("eventId").s();
                String previous = seenIds.put(id, entry.getKey() + "@" + v);
                if (previous != null) violations.add("event id " + id + " stored twice: " + previous + " and " + entry.getKey() + "@" + v);
                JsonNode payload = payload(s3, item);
                String type = item.get("type").s();
                switch (type) {
                    case "AccountOpened" -> {
                        if (opened) rejected++;
                        else opened = true;
                    }
                    case "MoneyDeposited" -> {
                        if (!opened) rejected++;
                        else {
                            // schema 1 called the amount 'value'
                            BigDecimal amount = new BigDecimal(payload.has("amount") ? payload.path("amount").asText() : payload.path("value").asText());
                            balance = balance.add(amount);
                            deposits++;
                            deltas.put(id, amount);
                        }
                    }
                    case "MoneyWithdrawn", "PayoutRequested" -> {
                        BigDecimal amount = new BigDecimal(payload.path("amount").asText());
                        if (!opened) rejected++;
                        else if (balance.compareTo(amount) < 0) {
                            declined++;
                            deltas.put(id, BigDecimal.ZERO);
                        } else {
                            balance = balance.subtract(amount);
                            if (type.equals("MoneyWithdrawn")) withdrawals++;
                            deltas.put(id, amount.negate());
                        }
                    }
                    case "EventReversed" -> {
                        String target = payload.path("reversedEventId").asText();
                        BigDecimal delta = deltas.get(target);
                        if (!opened || delta == null || reversedBy.containsKey(target) || target.equals(id)) rejected++;
                        else {
                            balance = balance.subtract(delta);
                            reversedBy.put(target, id);
                            String undone = reverses.get(target);
                            if (undone != null) reversedBy.remove(undone);
                            reverses.put(id, target);
                            deltas.put(id, delta.negate());
                        }
                    }
                    default -> {
                    }
                }
            }
            accounts.put(entry.getKey(), new Account(entry.getKey(), expected - 1, opened, balance, deposits, withdrawals, declined, rejected));
        }
        return new Result(accounts, count, violations);
    }

    private static JsonNode payload(S3Client s3, Map<String, AttributeValue> item) {
        try {
            if (item.containsKey("payload")) return JSON.readTree(item.get("payload").s());
            String ref = item.get("payloadRef").s().substring("s3://".length());
            int slash = ref.indexOf('/');
            return JSON.readTree(s3.getObjectAsBytes(g -> g.bucket(ref.substring(0, slash)).key(ref.substring(slash + 1))).asByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("payload of " + item.get("eventId").s() + " is not JSON", e);
        }
    }

    /**
     * Compares the fold with the {@code balances} projection in the data store ({@code generation});
     * returns one line per difference, empty when they agree on every aggregate.
     */
    public static List<String> compare(Result fold, DynamoDbClient dynamo, String dataTable, String generation) {
        List<String> diffs = new ArrayList<>();
        for (Account a : fold.accounts().values()) {
            var r = dynamo.getItem(g -> g.tableName(dataTable).consistentRead(true)
                    .key(Map.of("pk", AttributeValue.builder().s("balances#" + generation + "#" + a.aggregateId()).build())));
            if (!r.hasItem() || r.item().isEmpty()) {
                diffs.add(a.aggregateId() + ": missing from the data store");
                continue;
            }
            long version = Long.parseLong(r.item().get("version").n());
            JsonNode s;
            try {
                s = JSON.readTree(r.item().get("state").s());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            String projected = version + " " + s.path("opened").asBoolean() + " " + s.path("balance").asText() + " "
                    + s.path("deposits").asLong() + " " + s.path("withdrawals").asLong() + " " + s.path("declined").asLong()
                    + " " + s.path("rejectedCount").asLong();
            String folded = a.version() + " " + a.opened() + " " + a.balance().toPlainString() + " " + a.deposits() + " "
                    + a.withdrawals() + " " + a.declined() + " " + a.rejected();
            if (!projected.equals(folded)) {
                diffs.add(a.aggregateId() + ": projected [version opened balance deposits withdrawals declined rejected] = ["
                        + projected + "], folded = [" + folded + "]");
            }
        }
        return diffs;
    }
}
