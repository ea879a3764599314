package dev.playback.test.gateway;

import dev.playback.lambdas.aws.gateway.DynamoCommandLog;
import dev.playback.lambdas.aws.gateway.S3QueryRecords;
import dev.playback.tools.LocalOptions;
import dev.playback.tools.LocalStack;
import dev.playback.model.gateway.CommandLog;
import dev.playback.model.gateway.GatewayStoresContract;
import dev.playback.model.gateway.QueryRecords;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.playback.model.gateway.CallSite;
import dev.playback.model.gateway.Disposition;
import dev.playback.model.gateway.Hashes;
import dev.playback.model.gateway.LoggedCommand;

import java.util.List;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gateway stores' contract against S3 (s3mock) and DynamoDB (dynalite), provisioned from template.yaml. */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class AwsGatewayStoresIT extends GatewayStoresContract {
    private static LocalStack stack;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.start(LocalOptions.inMemory());
    }

    @AfterAll
    static void stop() {
        if (stack != null) stack.close();
    }

    @Override
    protected QueryRecords records() {
        return new S3QueryRecords(stack.s3(), stack.physicalName("RecordBucket"));
    }

    @Override
    protected CommandLog log() {
        return new DynamoCommandLog(stack.dynamoDb(), stack.physicalName("DataTable"));
    }

    @Test
    void readingTheLogsOfManyEventsAtOnceGivesEachEventsEntriesInOrderAsReadingThemOneByOne() {
        DynamoCommandLog log = new DynamoCommandLog(stack.dynamoDb(), stack.physicalName("DataTable"));
        CallSite bank = new CallSite("bank", "payout");
        String run = java.util.UUID.randomUUID().toString();
        List<String> ids = new java.util.ArrayList<>();
        for (int e = 0; e < 30; e++) {
            String eventId = "many-" + run + "-" + e;
            ids.add(eventId);
            // event e has e % 6 entries: none, fewer than the first read's slots, and more (read on past them)
            for (int n = 0; n < e % 6; n++) {
                String key = Hashes.idempotencyKey("payouts", eventId, bank, "send", n);
                log.append(new LoggedCommand("payouts", eventId, bank, n, n % 2 == 0 ? Disposition.PENDING : Disposition.SENT,
                        JsonNodeFactory.instance.objectNode().put("payoutId", eventId).put("n", n), key, null));
            }
        }

        var read = log.forEvents("payouts", ids);

        assertEquals(ids, List.copyOf(read.keySet()));
        for (int e = 0; e < 30; e++) {
            assertEquals(e % 6, read.get(ids.get(e)).size(), ids.get(e));
            assertEquals(log.forEvent("payouts", ids.get(e)), read.get(ids.get(e)), ids.get(e));
        }
    }

    @Test
    void entriesLoggedInTheFormerOneItemPerEventLayoutAreStillReadFirstAndNewEntriesFollow() {
        String table = stack.physicalName("DataTable");
        String eventId = "legacy-" + java.util.UUID.randomUUID();
        CallSite bank = new CallSite("bank", "payout");
        String sent = Hashes.idempotencyKey("payouts", eventId, bank, "send", 0);
        String suppressed = sent;
        // the item as the former layout wrote it: pk cmd#<processor>#<eventId>, a version, all entries in one JSON array
        String entries = "[{\"callSite\":\"bank.payout\",\"ordinal\":0,\"disposition\":\"SENT\",\"idempotencyKey\":\"" + sent
                + "\",\"command\":{\"payoutId\":\"" + eventId + "\",\"amount\":\"107.50\"}},"
                + "{\"callSite\":\"bank.payout\",\"ordinal\":0,\"disposition\":\"SUPPRESSED\",\"idempotencyKey\":\"" + suppressed
                + "\",\"replayId\":\"r-old\",\"command\":{\"payoutId\":\"" + eventId + "\",\"amount\":\"107.42\"}}]";
        stack.dynamoDb().putItem(p -> p.tableName(table).item(java.util.Map.of(
                "pk", AttributeValue.fromS("cmd#payouts#" + eventId), "processor", AttributeValue.fromS("payouts"),
                "eventId", AttributeValue.fromS(eventId), "version", AttributeValue.fromN("2"), "entries", AttributeValue.fromS(entries))));
        CommandLog log = log();
        String correction = Hashes.idempotencyKey("payouts", eventId, bank, "correction", 0);
        LoggedCommand fix = new LoggedCommand("payouts", eventId, bank, 0, Disposition.CORRECTION,
                JsonNodeFactory.instance.objectNode().put("payoutId", eventId).put("amount", "-0.08"), correction, "fix-1");

        log.append(fix);
        log.append(new LoggedCommand("payouts", eventId, bank, 0, Disposition.SENT,
                JsonNodeFactory.instance.objectNode().put("payoutId", eventId).put("amount", "107.50"), sent, null)); // there already

        List<LoggedCommand> all = log.forEvent("payouts", eventId);
        assertEquals(List.of("SENT:null:107.50", "SUPPRESSED:r-old:107.42", "CORRECTION:fix-1:-0.08"), all.stream()
                .map(c -> c.disposition() + ":" + c.replayId() + ":" + c.command().path("amount").asText()).toList());
        assertEquals(List.of(sent, suppressed, correction), all.stream().map(LoggedCommand::idempotencyKey).toList());
    }

    @Test
    void eachEntryIsItsOwnItemKeyedByEventAndSlot() {
        String table = stack.physicalName("DataTable");
        String eventId = "slots-" + java.util.UUID.randomUUID();
        CallSite bank = new CallSite("bank", "payout");
        log().append(new LoggedCommand("payouts", eventId, bank, 0, Disposition.SENT,
                JsonNodeFactory.instance.objectNode().put("payoutId", eventId), "key-0", null));
        log().append(new LoggedCommand("payouts", eventId, bank, 0, Disposition.SUPPRESSED,
                JsonNodeFactory.instance.objectNode().put("payoutId", eventId), "key-0", "r-1"));

        var first = stack.dynamoDb().getItem(g -> g.tableName(table).consistentRead(true)
                .key(java.util.Map.of("pk", AttributeValue.fromS("cmd#payouts#" + eventId + "#0"))));
        var second = stack.dynamoDb().getItem(g -> g.tableName(table).consistentRead(true)
                .key(java.util.Map.of("pk", AttributeValue.fromS("cmd#payouts#" + eventId + "#1"))));
        var former = stack.dynamoDb().getItem(g -> g.tableName(table).consistentRead(true)
                .key(java.util.Map.of("pk", AttributeValue.fromS("cmd#payouts#" + eventId))));
        assertEquals("SENT", first.item().get("disposition").s());
        assertEquals("r-1", second.item().get("replayId").s());
        assertTrue(!former.hasItem() || former.item().isEmpty(), "the former one-item layout is not written");
    }
}
