package dev.playback.test.subscriptions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onebox.sfn.ExecutionDescription;
import dev.onebox.sfn.ExecutionStatus;
import dev.playback.examples.external.InvoiceService;
import dev.playback.tools.LocalOptions;
import dev.playback.tools.LocalStack;
import dev.playback.tools.bench.RebuildBenchmark;
import dev.playback.tools.client.PlaybackApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

import static dev.playback.tools.demo.SubscriptionEvents.event;
import static dev.playback.tools.demo.SubscriptionEvents.invoiceRequested;
import static dev.playback.tools.demo.SubscriptionEvents.started;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The second sample domain, subscriptions and invoicing, through everything the ledger runs through on the local stack,
 * with the invoicing processor as deployed (InvoicingFunction) and the local tax-rate and invoice services: live invoices
 * with proration rule v1 (the bug: a day priced at monthlyPrice / 30), a full rebuild, partial replays by aggregate and by
 * event type, the nightly verification, v2 deployed and a {@code diff} replay of invoicing that sends exactly the
 * corrections, and the reversal of one invoice request.
 *
 * <p>The expected invoices are computed by hand (below, with the arithmetic): net = sum over the active days of the
 * period of the daily price (v1: monthlyPrice / 30, v2: monthlyPrice / days of the month), rounded half-even to cents once;
 * tax = net x the rate in effect on the period's first day (DE: 0.19, and 0.20 from 2026-03-01 on), rounded half-even;
 * total = net + tax.
 *
 * <p>Full rebuilds and the proration rule are the stack's: each test starts a stack of its own with the same live
 * history and arranges what it needs after it (the tax rates moving, v2 deployed and the diff replay).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class SubscriptionsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration IDLE = Duration.ofMinutes(2);
    private static final List<String> SUBSCRIPTIONS = List.of("sub-ada", "sub-bob", "sub-cy", "sub-dee", "sub-eve", "sub-fay");

    /** One invoice's amounts: what was sent for it, or one correction of it. */
    record Amounts(BigDecimal net, BigDecimal tax, BigDecimal total) {
        static Amounts of(String net, String tax, String total) {
            return new Amounts(new BigDecimal(net), new BigDecimal(tax), new BigDecimal(total));
        }

        Amounts minus(Amounts o) {
            return new Amounts(net.subtract(o.net), tax.subtract(o.tax), total.subtract(o.total));
        }

        /** Equal by value, whatever the scale (2.0 and 2.00). */
        boolean same(Amounts o) {
            return net.compareTo(o.net) == 0 && tax.compareTo(o.tax) == 0 && total.compareTo(o.total) == 0;
        }

        @Override
        public String toString() {
            return net.toPlainString() + "+" + tax.toPlainString() + "=" + total.toPlainString();
        }
    }

    /** What v1 (monthlyPrice / 30 a day) invoices, by invoice (the InvoiceRequested event's id). */
    private static final Map<String, Amounts> V1 = new TreeMap<>(Map.of(
            // 31 days x 30.00/30 = 31.00; tax 31.00 x 0.20 = 6.20
            "inv-ada-2026-03", Amounts.of("31.00", "6.20", "37.20"),
            // 15 days (1-15) x 30.00/30 + 16 days (16-31) x 60.00/30 = 15.00 + 32.00 = 47.00; tax 9.40
            "inv-bob-2026-03", Amounts.of("47.00", "9.40", "56.40"),
            // active 10-24 (cancelled on the 25th, not billed): 15 days x 60.00/30 = 30.00; tax 6.00
            "inv-cy-2026-03", Amounts.of("30.00", "6.00", "36.00"),
            // February 2026: 28 days x 30.00/30 = 28.00; tax 28.00 x 0.19 = 5.32
            "inv-dee-2026-02", Amounts.of("28.00", "5.32", "33.32"),
            "inv-dee-2026-03", Amounts.of("31.00", "6.20", "37.20"),
            // started on the 31st: 1 day x 30.00/30 = 1.00; tax 0.20
            "inv-eve-2026-03", Amounts.of("1.00", "0.20", "1.20"),
            // April (30 days) x 30.00/30 = 30.00; tax 6.00
            "inv-fay-2026-04", Amounts.of("30.00", "6.00", "36.00")));

    /** What v2 (monthlyPrice / days of the month) invoices. */
    private static final Map<String, Amounts> V2 = new TreeMap<>(Map.of(
            // 31 x 30.00/31 = 30.00; tax 6.00
            "inv-ada-2026-03", Amounts.of("30.00", "6.00", "36.00"),
            // (15 x 30.00 + 16 x 60.00)/31 = 1410/31 = 45.4838.. -> 45.48; tax 9.096 -> 9.10
            "inv-bob-2026-03", Amounts.of("45.48", "9.10", "54.58"),
            // 15 x 60.00/31 = 900/31 = 29.0322.. -> 29.03; tax 5.806 -> 5.81
            "inv-cy-2026-03", Amounts.of("29.03", "5.81", "34.84"),
            // 28 x 30.00/28 = 30.00; tax 30.00 x 0.19 = 5.70
            "inv-dee-2026-02", Amounts.of("30.00", "5.70", "35.70"),
            "inv-dee-2026-03", Amounts.of("30.00", "6.00", "36.00"),
            // 30.00/31 = 0.9677.. -> 0.97; tax 0.194 -> 0.19
            "inv-eve-2026-03", Amounts.of("0.97", "0.19", "1.16"),
            // 30 x 30.00/30 = 30.00, as v1: nothing to correct
            "inv-fay-2026-04", Amounts.of("30.00", "6.00", "36.00")));

    /** The corrections v2 - v1, by hand from the two tables above: six invoices differ, inv-fay-2026-04 does not. */
    private static final Map<String, Amounts> CORRECTIONS = new TreeMap<>(Map.of(
            "inv-ada-2026-03", Amounts.of("-1.00", "-0.20", "-1.20"),
            "inv-bob-2026-03", Amounts.of("-1.52", "-0.30", "-1.82"),
            "inv-cy-2026-03", Amounts.of("-0.97", "-0.19", "-1.16"),
            "inv-dee-2026-02", Amounts.of("2.00", "0.38", "2.38"),
            "inv-dee-2026-03", Amounts.of("-1.00", "-0.20", "-1.20"),
            "inv-eve-2026-03", Amounts.of("-0.03", "-0.01", "-0.04")));

    private LocalStack stack;
    private PlaybackApi api;
    private Map<String, JsonNode> liveStates;

    @BeforeEach
    void start() throws Exception {
        stack = LocalStack.start(LocalOptions.inMemory().withParameter("ProrationRule", "v1"));
        api = new PlaybackApi(stack.apiUrl());
        // The tax-rate service answers by date: DE 0.19 until February, 0.20 from March 2026 on.
        stack.external().tax().setRate("DE", LocalDate.parse("2026-03-01"), new BigDecimal("0.20"));

        ArrayNode events = JSON.createArrayNode();
        // Ada's start in the old shape (schema 1, the price in cents): the upcaster brings it to 30.00.
        events.addObject().put("aggregateId", "sub-ada").put("type", "SubscriptionStarted").put("schemaVersion", 1)
                .put("occurredAt", "2026-03-01T09:00:00Z").set("payload", JSON.createObjectNode().put("customer", "Ada")
                        .put("plan", "basic").put("monthlyPriceCents", 3000).put("currency", "EUR").put("country", "DE"));
        started(events, "sub-bob", "Bob", "basic", "30.00", "2026-03-01T08:00:00Z");
        event(events, null, "sub-bob", "PlanChanged", "2026-03-16T12:00:00Z", JSON.createObjectNode().put("plan", "pro").put("monthlyPrice", "60.00"));
        started(events, "sub-cy", "Cy", "pro", "60.00", "2026-03-10T10:00:00Z");
        event(events, null, "sub-cy", "SubscriptionCancelled", "2026-03-25T18:00:00Z", JSON.createObjectNode());
        started(events, "sub-dee", "Dee", "basic", "30.00", "2026-02-01T07:00:00Z");
        started(events, "sub-eve", "Eve", "basic", "30.00", "2026-03-31T23:30:00Z");
        started(events, "sub-fay", "Fay", "basic", "30.00", "2026-03-20T10:00:00Z");
        invoiceRequested(events, "inv-dee-2026-02", "sub-dee", "2026-02", "2026-03-01T00:05:00Z");
        for (String s : List.of("sub-ada", "sub-bob", "sub-cy", "sub-dee", "sub-eve")) {
            invoiceRequested(events, "inv-" + s.substring("sub-".length()) + "-2026-03", s, "2026-03", "2026-04-01T00:05:00Z");
        }
        invoiceRequested(events, "inv-fay-2026-04", "sub-fay", "2026-04", "2026-05-01T00:05:00Z");
        post(events);
        stack.awaitIdle(IDLE);
        liveStates = states();
    }

    @AfterEach
    void stop() {
        if (stack != null) stack.close();
    }

    private void post(JsonNode batch) {
        PlaybackApi.Answer a = api.postEvents(batch);
        assertEquals(202, a.status(), a.body().toString());
    }

    private InvoiceService invoices() {
        return stack.external().invoices();
    }

    /** What reached the invoice service, in order, by invoice: the first entry the invoice, then its corrections. */
    private Map<String, List<Amounts>> received() {
        Map<String, List<Amounts>> out = new TreeMap<>();
        for (var r : invoices().invoices()) {
            out.computeIfAbsent(r.invoiceId(), k -> new ArrayList<>()).add(new Amounts(r.net(), r.tax(), r.total()));
        }
        return out;
    }

    /** The subscriptions projection of every subscription, as GET /aggregates/{id}?processor=subscriptions answers. */
    private Map<String, JsonNode> states() {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (String s : SUBSCRIPTIONS) {
            PlaybackApi.Answer a = api.get("/aggregates/" + s + "?processor=subscriptions");
            assertEquals(200, a.status(), s + ": " + a.body());
            out.put(s, a.body().path("state"));
        }
        return out;
    }

    private ExecutionDescription run(String machine, ObjectNode input) throws Exception {
        String replayId = input.path("replayId").asText();
        stack.workflows().stepFunctions().startExecution(stack.workflows().stateMachineArn(machine), replayId + "-" + System.nanoTime(),
                input.toString());
        ExecutionDescription d = RebuildBenchmark.awaitReplay(stack, stack.workflows().stateMachineArn(machine), replayId, Duration.ofMinutes(5));
        stack.awaitIdle(IDLE);
        return d;
    }

    /** A diff rebuild of invoicing. */
    private static ObjectNode diffOfInvoicing(String replayId) {
        ObjectNode fix = JSON.createObjectNode().put("replayId", replayId).put("gatewayMode", "diff");
        fix.putArray("processors").add("invoicing");
        return fix;
    }

    /** Proration rule v2 deployed while the tax rates move, then a diff rebuild of invoicing: its output. */
    private JsonNode fixProration() throws Exception {
        assertEquals(List.of("IngestFunction", "PumpFunction", "ProjectionFunction", "ReplayFunction", "PayoutsFunction", "InvoicingFunction"),
                stack.updateParameter("ProrationRule", "v2"));
        taxRatesMove();
        return output(run("RebuildStateMachine", diffOfInvoicing("fix-proration")));
    }

    private static JsonNode output(ExecutionDescription d) throws Exception {
        assertEquals(ExecutionStatus.SUCCEEDED, d.status(), () -> d.name() + ": " + d.error() + ": " + d.cause());
        return JSON.readTree(d.output());
    }

    private static String sum(Map<String, BigDecimal> totals) {
        return totals.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add).toPlainString();
    }

    @Test
    void liveTheInvoiceServiceHoldsExactlyTheV1InvoicesAndTheProjectionEachSubscription() {
        Map<String, List<Amounts>> received = received();
        assertEquals(V1.keySet(), received.keySet(), "one invoice per InvoiceRequested");
        V1.forEach((id, amounts) -> {
            assertEquals(1, received.get(id).size(), id + " sent once");
            assertTrue(received.get(id).get(0).same(amounts), id + ": sent " + received.get(id) + ", expected " + amounts);
        });
        String records = stack.physicalName("RecordBucket");
        List<String> recorded = stack.s3().listObjectsV2(l -> l.bucket(records).prefix("queries/invoicing/")).contents().stream()
                .map(o -> o.key()).toList();
        assertEquals(V1.size(), recorded.size(), "one recorded tax-rate answer per invoice: " + recorded);
        assertTrue(recorded.stream().allMatch(k -> k.contains("/tax.rate/")), recorded.toString());

        JsonNode ada = liveStates.get("sub-ada");
        assertEquals("Ada", ada.path("customer").asText());
        assertEquals("basic", ada.path("plan").asText());
        assertEquals(0, new BigDecimal("30.00").compareTo(new BigDecimal(ada.path("monthlyPrice").asText())),
                "the schema-1 start (3000 cents) upcast: " + ada);
        assertEquals("EUR", ada.path("currency").asText());
        assertEquals("DE", ada.path("country").asText());
        assertEquals("active", ada.path("status").asText());
        JsonNode bob = liveStates.get("sub-bob");
        assertEquals("pro", bob.path("plan").asText());
        assertEquals(0, new BigDecimal("60.00").compareTo(new BigDecimal(bob.path("monthlyPrice").asText())), bob.toString());
        assertEquals("cancelled", liveStates.get("sub-cy").path("status").asText());
        // The projection's invoices and their net, prorated by the correct rule (it has no settings), from the table V2.
        Map<String, String> invoiced = new TreeMap<>();
        liveStates.forEach((id, s) -> invoiced.put(id, s.path("invoicesIssued").asLong() + " " + s.path("invoicedNet").asText()));
        assertEquals(new TreeMap<>(Map.of("sub-ada", "1 30.00", "sub-bob", "1 45.48", "sub-cy", "1 29.03", "sub-dee", "2 60.00",
                "sub-eve", "1 0.97", "sub-fay", "1 30.00")), invoiced);
        System.out.printf("live (v1): %d invoices at the invoice service, totals %s (sum %s); projection (invoices, net) %s%n",
                received.size(), invoices().totalPerInvoice(), sum(invoices().totalPerInvoice()), invoiced);
    }

    /** The tax-rate service answers 0.25 for February and March from now on: a replay must take the rates recorded live. */
    private void taxRatesMove() {
        for (String from : List.of("2026-02-01", "2026-03-01")) stack.external().tax().setRate("DE", LocalDate.parse(from), new BigDecimal("0.25"));
        for (String day : List.of("2026-02-01", "2026-03-01")) {
            assertEquals(0, new BigDecimal("0.25").compareTo(stack.external().tax().rate("DE", LocalDate.parse(day))), day);
        }
    }

    @Test
    void aFullRebuildSendsNothingAndReproducesTheProjectionAlthoughTheTaxRateChanged() throws Exception {
        taxRatesMove();
        String before = RebuildBenchmark.activeGeneration(stack, "subscriptions");
        int sentBefore = invoices().invoices().size();

        JsonNode out = output(run("RebuildStateMachine", JSON.createObjectNode().put("replayId", "subs-rebuild")
                .put("segments", 2).put("batchSize", 5)));

        String after = RebuildBenchmark.activeGeneration(stack, "subscriptions");
        assertNotEquals(before, after, "the rebuilt generation is active");
        assertEquals(after, RebuildBenchmark.activeGeneration(stack, "invoicing"));
        assertEquals(liveStates, states());
        assertEquals(sentBefore, invoices().invoices().size(), "suppress: nothing sent");
        assertEquals(V1.size(), out.path("gateway").path("suppressed").asLong(), out.toString());
        System.out.println("full rebuild: " + out.path("summary").asText());
    }

    @Test
    void aPartialReplayByAggregateAndOneByEventTypeRebuildWhatTheyChoose() throws Exception {
        int sentBefore = invoices().invoices().size();
        ObjectNode byAggregate = JSON.createObjectNode().put("replayId", "subs-partial-aggregates");
        byAggregate.putArray("aggregates").add("sub-cy").add("sub-dee");
        JsonNode aggregates = output(run("PartialReplayStateMachine", byAggregate));
        assertEquals(2, aggregates.path("rebuilt").asLong(), aggregates.toString());

        ObjectNode byType = JSON.createObjectNode().put("replayId", "subs-partial-plan-changes");
        byType.putArray("types").add("PlanChanged");
        JsonNode types = output(run("PartialReplayStateMachine", byType));
        assertEquals(1, types.path("aggregatesRead").asLong(), "only Bob changed plans: " + types);
        assertEquals(1, types.path("rebuilt").asLong(), types.toString());

        assertEquals(liveStates, states());
        assertEquals(sentBefore, invoices().invoices().size(), "suppress: nothing sent");
        System.out.println("partial replays: " + aggregates.path("summary").asText() + " | " + types.path("summary").asText());
    }

    @Test
    void theNightlyVerificationFindsNoDrift() throws Exception {
        JsonNode out = output(run("VerifyStateMachine", JSON.createObjectNode().put("replayId", "subs-verify").put("reportOnly", false)));

        assertEquals(0, out.path("drifted").asLong(), out.toString());
        assertTrue(out.path("compared").asLong() >= 2L * SUBSCRIPTIONS.size(), "subscriptions and invoicing of each: " + out);
        System.out.println("verification: " + out.path("summary").asText());
    }

    @Test
    void withV2DeployedADiffReplayOfInvoicingSendsExactlyTheCorrectionsAndASecondOneNothing() throws Exception {
        int sentBefore = invoices().invoices().size();
        JsonNode out = fixProration();

        assertEquals(CORRECTIONS.size(), out.path("gateway").path("corrections").asLong(), out.toString());
        assertEquals(0, out.path("gateway").path("sent").asLong(), out.toString());
        Map<String, List<Amounts>> received = received();
        assertEquals(sentBefore + CORRECTIONS.size(), invoices().invoices().size(), "one correction per wrong invoice");
        V2.forEach((id, v2) -> {
            List<Amounts> sent = received.get(id);
            Amounts correction = CORRECTIONS.get(id);
            if (correction == null) {
                assertEquals(1, sent.size(), id + " was right under v1: no correction, got " + sent);
            } else {
                assertEquals(2, sent.size(), id + ": the invoice and one correction, got " + sent);
                assertTrue(sent.get(1).same(correction), id + ": correction " + sent.get(1) + ", expected " + correction);
            }
            assertEquals(0, v2.total().compareTo(invoices().totalPerInvoice().get(id)),
                    id + ": the invoice service holds " + invoices().totalPerInvoice().get(id) + ", v2 invoices " + v2.total());
        });
        Map<String, Amounts> corrections = new TreeMap<>();
        received.forEach((id, sent) -> sent.stream().skip(1).forEach(c -> corrections.put(id, c)));
        System.out.printf("diff replay (v2): %s; corrections received (net+tax=total) %s; invoice service totals now %s (sum %s)%n",
                out.path("summary").asText(), corrections, invoices().totalPerInvoice(), sum(invoices().totalPerInvoice()));

        JsonNode second = output(run("RebuildStateMachine", diffOfInvoicing("fix-proration-again")));
        assertEquals(0, second.path("gateway").path("corrections").asLong(), second.toString());
        assertEquals(0, second.path("gateway").path("sent").asLong(), second.toString());
        assertEquals(sentBefore + CORRECTIONS.size(), invoices().invoices().size(), "a second diff replay sends nothing");
        System.out.println("second diff replay: " + second.path("summary").asText());
    }

    @Test
    void reversingAnInvoiceRequestCompensatesThatInvoiceToZeroAtTheInvoiceService() throws Exception {
        fixProration();
        int sentBefore = invoices().invoices().size();
        BigDecimal held = invoices().totalPerInvoice().get("inv-dee-2026-02");
        ArrayNode reversal = JSON.createArrayNode();
        event(reversal, "rev-dee-2026-02", "sub-dee", "SubscriptionEventReversed", "2026-04-02T10:00:00Z",
                JSON.createObjectNode().put("eventId", "inv-dee-2026-02").put("reason", "billed in error"));
        post(reversal);
        stack.awaitIdle(IDLE);

        assertEquals(sentBefore + 1, invoices().invoices().size(), "one compensation");
        List<Amounts> february = received().get("inv-dee-2026-02");
        Amounts compensation = february.get(february.size() - 1);
        assertEquals(0, held.negate().compareTo(compensation.total()), "the compensation takes back what is held: " + held + ", " + compensation);
        assertEquals(0, BigDecimal.ZERO.compareTo(invoices().totalPerInvoice().get("inv-dee-2026-02")), invoices().totalPerInvoice().toString());
        assertEquals(0, V2.get("inv-dee-2026-03").total().compareTo(invoices().totalPerInvoice().get("inv-dee-2026-03")),
                "Dee's March invoice stands");
        JsonNode dee = states().get("sub-dee");
        assertEquals(1, dee.path("invoicesIssued").asLong(), dee.toString());
        assertEquals("30.00", dee.path("invoicedNet").asText(), "the March invoice only: " + dee);
        System.out.printf("reversal of inv-dee-2026-02: compensation %s; the invoice service holds %s for it; Dee: %d invoice, net %s%n",
                compensation, invoices().totalPerInvoice().get("inv-dee-2026-02"), dee.path("invoicesIssued").asLong(),
                dee.path("invoicedNet").asText());
    }
}
