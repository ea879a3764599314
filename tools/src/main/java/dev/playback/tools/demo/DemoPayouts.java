package dev.playback.tools.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.tools.LocalStack;
import dev.playback.tools.bench.RebuildBenchmark;
import dev.playback.tools.check.PayoutCheck;
import dev.playback.tools.cli.ReverseCommand;
import dev.playback.tools.client.PlaybackApi;
import dev.playback.examples.external.PartnerBank;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The external-systems half of the demo: payouts sent live with fee rule v1 (the bug), the FX rates move,
 * the fix (v2) is deployed, the history is exported and a what-if on a second stack running v2 predicts the corrections
 * without sending anything ({@link DemoTestBench}), a {@code diff} rebuild of
 * {@code payouts} sends exactly the predicted corrections and exactly the corrections (checked
 * against an independent computation from the recorded rates), a full rebuild in {@code suppress} mode sends
 * nothing and reproduces the payouts state although the FX service answers differently now, and a reversal
 * undoes one payout's balance effect and sends one compensation.
 */
final class DemoPayouts {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> ACCOUNTS = List.of("erin", "frank");
    /** A deposit as clients sent it before MoneyDeposited schema 2 renamed {@code value} to {@code amount}. */
    private static final String OLD_SHAPE_DEPOSIT =
            "{\"aggregateId\":\"frank\",\"type\":\"MoneyDeposited\",\"schemaVersion\":1,\"payload\":{\"value\":\"100.00\"}}";
    private final PrintStream out;
    private final LocalStack stack;
    private final PlaybackApi api;

    DemoPayouts(PrintStream out, LocalStack stack, PlaybackApi api) {
        this.out = out;
        this.stack = stack;
        this.api = api;
    }

    private PartnerBank bank() {
        return stack.external().bank();
    }

    /** Live payouts with fee rule v1; returns whether the bank received exactly what v1 sends. */
    boolean live() {
        out.println("== external systems: live payouts with fee rule v1 (the bug: the 1% fee is taken on the amount, not the converted amount) ==");
        post("[" + String.join(",",
                Demo.ev("erin", "AccountOpened", "{\"owner\":\"Erin\",\"currency\":\"EUR\"}", null, null),
                Demo.ev("erin", "MoneyDeposited", "{\"amount\":\"5000.00\"}", null, null),
                Demo.ev("frank", "AccountOpened", "{\"owner\":\"Frank\",\"currency\":\"USD\"}", null, null),
                Demo.ev("frank", "MoneyDeposited", "{\"amount\":\"700.00\"}", null, null),
                OLD_SHAPE_DEPOSIT,
                payout("demo-pay-1", "erin", "100.00", "USD", "Bob"),
                payout("demo-pay-2", "erin", "250.55", "GBP", "Chen"),
                payout("demo-pay-3", "erin", "1200.00", "USD", "Dana"),
                payout("demo-pay-4", "erin", "20.00", "EUR", "Eve"),
                payout("demo-pay-5", "frank", "300.00", "EUR", "Femi"),
                payout("demo-pay-6", "frank", "900.00", "GBP", "Gus")) + "]");
        stack.awaitIdle(Duration.ofMinutes(2));
        out.println("sent: 6 payouts from erin (EUR) and frank (USD); frank's 900.00 exceeds his balance; one of frank's deposits "
                + "in the old shape (MoneyDeposited schema 1 {value: 100.00}), upcast to {amount} on read");
        printBank("the partner bank received");
        Map<String, PayoutCheck.Expected> expected = expected();
        List<String> diffs = PayoutCheck.compare(expected, bank().netPerPayout(), "v1");
        out.printf(Locale.ROOT, "check: %d payouts sent (1 declined), each as v1 computes it from the recorded rate: %s%n",
                expected.size(), diffs.isEmpty() ? "yes" : diffs);
        BigDecimal frank = balance("frank");
        out.printf(Locale.ROOT, "check: frank's balance %s = 700.00 + 100.00 (old shape) - 300.00: %s%n", frank,
                frank.compareTo(new BigDecimal("500.00")) == 0 ? "yes" : "NO");
        return diffs.isEmpty() && expected.size() == 5 && bank().payouts().size() == 5 && frank.compareTo(new BigDecimal("500.00")) == 0;
    }

    /** Rates move, v2 is deployed, the diff rebuild of payouts sends the corrections. */
    boolean fix(SfnClient sfn) throws Exception {
        out.println("== the FX rates move; the fix (fee rule v2) is deployed; a diff rebuild of payouts ==");
        Map<String, BigDecimal> before = stack.external().fx().rates();
        stack.external().fx().setRate("EUR", "USD", "1.1200");
        stack.external().fx().setRate("EUR", "GBP", "0.8300");
        stack.external().fx().setRate("USD", "EUR", "0.8900");
        out.printf(Locale.ROOT, "FX now answers EUR/USD %s (was %s), EUR/GBP %s (was %s), USD/EUR %s (was %s)%n",
                "1.1200", before.get("EUR/USD"), "0.8300", before.get("EUR/GBP"), "0.8900", before.get("USD/EUR"));
        List<String> changed = stack.updateParameter("FeeRule", "v2");
        out.println("deployed FeeRule=v2 to " + String.join(", ", changed));
        post("[" + payout("demo-pay-7", "erin", "50.00", "USD", "Hal") + "]");
        stack.awaitIdle(Duration.ofMinutes(2));
        out.println("sent: one more payout after the fix (demo-pay-7), processed live with v2 at the new rate");

        Map<String, PayoutCheck.Expected> expected = expected();
        long wrong = expected.values().stream().filter(e -> e.v1().compareTo(e.v2()) != 0 && !e.payoutId().equals("demo-pay-7")).count();
        int bankBefore = bank().payouts().size();
        out.println();
        DemoTestBench.Prediction prediction = new DemoTestBench(out, stack).predict();
        List<String> predicted = prediction.corrections();
        boolean nothingSent = bank().payouts().size() == bankBefore && prediction.nothingSent();
        out.println("check: the demo's bank received nothing meanwhile: " + (bank().payouts().size() == bankBefore ? "yes" : "NO"));
        out.println();
        out.println("== back on the demo's stack: the diff rebuild of payouts (the fix, for real) ==");
        String genBefore = RebuildBenchmark.activeGeneration(stack, "payouts");
        ObjectNode input = JSON.createObjectNode().put("replayId", "demo-fix-fees").put("gatewayMode", "diff");
        input.putArray("processors").add("payouts");
        long t0 = System.nanoTime();
        String arn = sfn.startExecution(b -> b.stateMachineArn(stack.workflows().stateMachineArn("RebuildStateMachine"))
                .name("demo-fix-fees").input(input.toString())).executionArn();
        DescribeExecutionResponse d = DemoReplays.await(sfn, arn, "demo-fix-fees", Duration.ofMinutes(3));
        JsonNode o = d.output() == null ? JSON.createObjectNode() : JSON.readTree(d.output());
        JsonNode gateway = o.path("gateway");
        out.printf(Locale.ROOT, "diff rebuild %s in %.1f s: payouts %s -> %s; %d corrections sent, %d commands sent, %d suppressed%n",
                d.statusAsString(), (System.nanoTime() - t0) / 1e9, genBefore, RebuildBenchmark.activeGeneration(stack, "payouts"),
                gateway.path("corrections").asLong(), gateway.path("sent").asLong(), gateway.path("suppressed").asLong());
        if (d.error() != null) out.println("  " + d.error() + ": " + d.cause());
        JsonNode report = report(gateway.path("reportUri").asText());
        for (JsonNode c : report.path("correctionList")) {
            out.printf(Locale.ROOT, "  correction %-11s %8s %s%n", c.path("key").asText(), c.path("command").path("amount").asText(),
                    c.path("command").path("currency").asText());
        }
        int newAtBank = bank().payouts().size() - bankBefore;
        List<String> diffs = PayoutCheck.compare(expected, bank().netPerPayout(), "v2");
        out.printf(Locale.ROOT, "check: %d payouts were wrong under v1; %d corrections reached the bank; the bank's net per payout "
                + "equals v2 from the recorded rates: %s%n", wrong, newAtBank, diffs.isEmpty() ? "yes, all " + expected.size() : diffs);
        List<String> sent = new java.util.ArrayList<>();
        for (JsonNode c : report.path("correctionList")) {
            sent.add(DemoTestBench.line(c.path("eventId").asText(), c.path("command"), c.path("idempotencyKey").asText()));
        }
        sent.sort(null);
        boolean asPredicted = sent.equals(predicted);
        out.printf(Locale.ROOT, "check: the diff rebuild sent exactly the %d corrections the what-if on the second stack predicted, event by "
                + "event, amount by amount (event, payout, amount, idempotency key): %s%n", predicted.size(),
                asPredicted ? "yes" : "NO, sent " + sent + ", predicted " + predicted);
        return d.status() == ExecutionStatus.SUCCEEDED && diffs.isEmpty() && newAtBank == wrong && nothingSent && asPredicted
                && prediction.rebuilt()
                && gateway.path("corrections").asLong() == wrong && gateway.path("sent").asLong() == 0;
    }

    /** What the demo's full rebuild (suppress, every processor) must show: nothing sent, the same payouts state. */
    final class SuppressCheck {
        private final int bankBefore = bank().payouts().size();
        private final String genBefore = RebuildBenchmark.activeGeneration(stack, "payouts");
        private final Map<String, String> statesBefore = states(genBefore);

        boolean after() {
            String genAfter = RebuildBenchmark.activeGeneration(stack, "payouts");
            Map<String, String> statesAfter = states(genAfter);
            int sent = bank().payouts().size() - bankBefore;
            boolean same = statesAfter.equals(statesBefore);
            out.printf(Locale.ROOT, "payouts in suppress mode: %d sent to the bank; payouts state %s -> %s for %s: %s, "
                    + "with the recorded rates although FX now answers EUR/USD %s%n", sent, genBefore, genAfter, ACCOUNTS,
                    same ? "identical" : "DIFFERENT", stack.external().fx().rates().get("EUR/USD"));
            return sent == 0 && same && !genAfter.equals(genBefore);
        }
    }

    /** A reversal of one payout: its balance effect undone, one compensation sent. */
    boolean reverse() throws Exception {
        out.println("== reversal of one payout (playback reverse demo-pay-3 --reason ...) ==");
        BigDecimal balanceBefore = balance("erin");
        int bankBefore = bank().payouts().size();
        BigDecimal held = bank().netPerPayout().get("demo-pay-3");
        ReverseCommand reverse = new ReverseCommand(api, out);
        ReverseCommand.Outcome dry = reverse.reverse("demo-pay-3", "beneficiary account closed", true);
        boolean dryCommittedNothing = bank().payouts().size() == bankBefore;
        ReverseCommand.Outcome done = reverse.reverse("demo-pay-3", "beneficiary account closed", false);
        stack.awaitIdle(Duration.ofMinutes(2));
        BigDecimal balanceAfter = balance("erin");
        List<PartnerBank.Received> received = bank().payouts();
        int compensations = received.size() - bankBefore;
        BigDecimal net = bank().netPerPayout().get("demo-pay-3");
        ReverseCommand.Outcome twice = reverse.reverse("demo-pay-3", "again", false);
        out.printf(Locale.ROOT, "check: erin's balance %s -> %s (+1200.00); %d compensation sent (%s); the bank's net for demo-pay-3 "
                        + "%s -> %s; a second reversal: %s%n", balanceBefore, balanceAfter, compensations,
                compensations > 0 ? received.get(received.size() - 1).amount() : "-", held, net,
                twice instanceof ReverseCommand.Outcome.Refused r ? "refused (" + r.reason() + ")" : "NOT REFUSED");
        return dry instanceof ReverseCommand.Outcome.Planned && dryCommittedNothing && done instanceof ReverseCommand.Outcome.Appended
                && balanceAfter.subtract(balanceBefore).compareTo(new BigDecimal("1200.00")) == 0 && compensations == 1
                && net != null && net.signum() == 0 && twice instanceof ReverseCommand.Outcome.Refused;
    }

    private Map<String, PayoutCheck.Expected> expected() {
        Set<String> sent = new TreeSet<>();
        bank().payouts().forEach(p -> sent.add(p.payoutId()));
        return PayoutCheck.expected(api, stack.s3(), stack.physicalName("RecordBucket"), ACCOUNTS, sent);
    }

    private Map<String, String> states(String generation) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String account : ACCOUNTS) {
            var item = stack.dynamoDb().getItem(g -> g.tableName(stack.physicalName("DataTable")).consistentRead(true)
                    .key(Map.of("pk", AttributeValue.fromS("payouts#" + generation + "#" + account)))).item();
            out.put(account, item == null || !item.containsKey("state") ? null : item.get("state").s());
        }
        return out;
    }

    private JsonNode report(String uri) throws Exception {
        if (!uri.startsWith("s3://")) return JSON.createObjectNode();
        String rest = uri.substring(5);
        String bucket = rest.substring(0, rest.indexOf('/'));
        String key = rest.substring(rest.indexOf('/') + 1);
        return JSON.readTree(stack.s3().getObjectAsBytes(g -> g.bucket(bucket).key(key)).asByteArray());
    }

    private BigDecimal balance(String account) {
        return new BigDecimal(api.aggregate(account).body().path("state").path("balance").asText());
    }

    private void printBank(String title) {
        out.println(title + ":");
        for (PartnerBank.Received r : bank().payouts()) {
            out.printf(Locale.ROOT, "  %-11s %-6s %10s %s%n", r.payoutId(), r.beneficiary(), r.amount(), r.currency());
        }
    }

    private void post(String body) {
        PlaybackApi.Answer a = api.postEvents(body);
        if (a.status() != 202) throw new IllegalStateException("POST /events answered " + a.status() + ": " + a.body());
    }

    private static String payout(String id, String account, String amount, String currency, String beneficiary) {
        return Demo.ev(account, "PayoutRequested", "{\"amount\":\"" + amount + "\",\"targetCurrency\":\"" + currency
                + "\",\"beneficiary\":\"" + beneficiary + "\"}", id, null);
    }
}
