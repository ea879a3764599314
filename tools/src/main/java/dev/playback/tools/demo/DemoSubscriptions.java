package dev.playback.tools.demo;

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
import dev.playback.tools.check.InvoiceCheck;
import dev.playback.tools.client.PlaybackApi;



import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.playback.tools.demo.SubscriptionEvents.event;
import static dev.playback.tools.demo.SubscriptionEvents.invoiceRequested;
import static dev.playback.tools.demo.SubscriptionEvents.started;

/**
 * {@code playback demo --domain subscriptions}: the second sample domain through what the ledger's demo shows. Subscriptions
 * are invoiced live with proration rule v1 (the bug: a day priced at monthlyPrice / 30), one start sent in the old shape
 * (schema 1, price in cents); the tax-rate service's answers move; a full rebuild (nothing sent, the projection
 * reproduced), a partial replay by event type and a verification run; the fix (v2) is deployed and a {@code diff} rebuild
 * of {@code invoicing} sends exactly the corrections, a second one none; a reversal voids one invoice. Every invoice is
 * checked against {@link InvoiceCheck}, an independent computation from the events and the recorded tax rates.
 */
public final class DemoSubscriptions {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SUBSCRIPTIONS = List.of("demo-sub-ada", "demo-sub-bo", "demo-sub-cy");
    /** Ada's January and February, Bo's and Cy's February. */
    private static final int INVOICES = 4;
    private static final Duration IDLE = Duration.ofMinutes(2);
    private final PrintStream out;
    private LocalStack stack;
    private PlaybackApi api;

    public DemoSubscriptions(PrintStream out) {
        this.out = out;
    }

    public int run(LocalOptions options) throws Exception {
        return run(options, Demo.AtEnd.NOTHING);
    }

    public int run(LocalOptions options, Demo.AtEnd atEnd) throws Exception {
        long t0 = System.nanoTime();
        out.println("== Playback demo: subscriptions and invoicing on the local stack ==");
        try (LocalStack started = LocalStack.start(options.withParameter("ProrationRule", "v1"))) {
            stack = started;
            api = new PlaybackApi(stack.apiUrl());
            boolean live = live();
            out.println();
            boolean rebuilt = rebuild();
            out.println();
            boolean partial = partial();
            out.println();
            boolean verified = verify();
            out.println();
            boolean fixed = fix();
            out.println();
            boolean reversed = reverse();
            boolean ok = live & rebuilt & partial & verified & fixed & reversed;
            out.printf(Locale.ROOT, "total time %.1f s%n", (System.nanoTime() - t0) / 1e9);
            out.println(ok ? "demo: OK" : "demo: FAILED");
            atEnd.run(stack);
            return ok ? 0 : 1;
        }
    }

    private InvoiceService invoices() {
        return stack.external().invoices();
    }

    private boolean live() {
        out.println("== live invoices with proration rule v1 (the bug: a day costs monthlyPrice / 30 whatever the month) ==");
        stack.external().tax().setRate("DE", LocalDate.parse("2026-02-01"), new BigDecimal("0.21"));
        out.println("tax-rate service: DE 0.19, 0.21 from 2026-02-01 (the rate of an invoice is the one on its month's first day)");
        ArrayNode events = JSON.createArrayNode();
        event(events, null, "demo-sub-ada", "SubscriptionStarted", "2026-01-15T09:00:00Z", JSON.createObjectNode().put("customer", "Ada")
                .put("plan", "basic").put("monthlyPriceCents", 1200).put("currency", "EUR").put("country", "DE")).put("schemaVersion", 1);
        started(events, "demo-sub-bo", "Bo", "basic", "12.00", "2026-02-01T08:00:00Z");
        event(events, null, "demo-sub-bo", "PlanChanged", "2026-02-10T12:00:00Z", JSON.createObjectNode().put("plan", "pro").put("monthlyPrice", "45.00"));
        started(events, "demo-sub-cy", "Cy", "pro", "45.00", "2026-02-03T10:00:00Z");
        event(events, null, "demo-sub-cy", "SubscriptionCancelled", "2026-02-20T18:00:00Z", JSON.createObjectNode());
        invoiceRequested(events, "demo-inv-ada-2026-01", "demo-sub-ada", "2026-01", "2026-02-01T00:05:00Z");
        for (String s : SUBSCRIPTIONS) {
            invoiceRequested(events, "demo-inv-" + s.substring("demo-sub-".length()) + "-2026-02", s, "2026-02", "2026-03-01T00:05:00Z");
        }
        post(events);
        stack.awaitIdle(IDLE);
        out.println("sent: Ada starts on 15 January (schema 1: 1200 cents), Bo on 1 February and moves to pro on the 10th, Cy starts "
                + "on 3 February and cancels on the 20th; January and February are invoiced");
        for (String s : SUBSCRIPTIONS) {
            JsonNode st = api.get("/aggregates/" + s + "?processor=subscriptions").body().path("state");
            out.printf(Locale.ROOT, "%-14s %-5s %-6s %7s %-9s invoices %d, net %s%n", s, st.path("customer").asText(), st.path("plan").asText(),
                    st.path("monthlyPrice").asText(), st.path("status").asText(), st.path("invoicesIssued").asLong(), st.path("invoicedNet").asText());
        }
        return check("live", "v1", INVOICES);
    }

    /** The invoice service against the independent computation for {@code rule}; prints and returns whether they agree. */
    private boolean check(String step, String rule, int invoices) {
        Map<String, InvoiceCheck.Expected> expected = InvoiceCheck.expected(api, stack.s3(), stack.physicalName("RecordBucket"), SUBSCRIPTIONS);
        List<String> diffs = InvoiceCheck.compare(expected, invoices().totalPerInvoice(), rule);
        out.printf(Locale.ROOT, "check (%s): %d invoices, totals at the invoice service %s; vs %s computed independently from the "
                + "events and recorded rates: %s%n", step, expected.size(), invoices().totalPerInvoice(), rule,
                diffs.isEmpty() ? "equal" : diffs.size() + " differences");
        diffs.forEach(d -> out.println("  " + d));
        return diffs.isEmpty() && expected.size() == invoices;
    }

    private boolean rebuild() throws Exception {
        out.println("== the tax-rate service answers 0.25 now; full rebuild of every processor in suppress mode ==");
        for (String from : List.of("2026-01-01", "2026-02-01")) stack.external().tax().setRate("DE", LocalDate.parse(from), new BigDecimal("0.25"));
        Map<String, JsonNode> before = states();
        int sent = invoices().invoices().size();
        JsonNode o = run("RebuildStateMachine", JSON.createObjectNode().put("replayId", "demo-subs-rebuild"));
        boolean same = before.equals(states());
        out.printf(Locale.ROOT, "%s; projection %s; invoices sent %d%n", o.path("summary").asText("FAILED"),
                same ? "identical" : "DIFFERENT", invoices().invoices().size() - sent);
        return o.has("summary") && same && invoices().invoices().size() == sent;
    }

    private boolean partial() throws Exception {
        out.println("== partial replay of the subscriptions with a plan change (types: PlanChanged) ==");
        ObjectNode scope = JSON.createObjectNode().put("replayId", "demo-subs-partial");
        scope.putArray("types").add("PlanChanged");
        JsonNode o = run("PartialReplayStateMachine", scope);
        out.println(o.path("summary").asText("FAILED"));
        return o.path("rebuilt").asLong() == 1;
    }

    private boolean verify() throws Exception {
        out.println("== verification ==");
        JsonNode o = run("VerifyStateMachine", JSON.createObjectNode().put("replayId", "demo-subs-verify").put("reportOnly", false));
        out.println(o.path("summary").asText("FAILED"));
        return o.has("drifted") && o.path("drifted").asLong() == 0;
    }

    private boolean fix() throws Exception {
        out.println("== the fix: ProrationRule=v2 deployed, a diff rebuild of invoicing ==");
        out.println("deployed ProrationRule=v2 to " + String.join(", ", stack.updateParameter("ProrationRule", "v2")));
        Map<String, InvoiceCheck.Expected> expected = InvoiceCheck.expected(api, stack.s3(), stack.physicalName("RecordBucket"), SUBSCRIPTIONS);
        long wrong = expected.values().stream().filter(e -> e.v1().compareTo(e.v2()) != 0).count();
        int sent = invoices().invoices().size();
        ObjectNode fix = JSON.createObjectNode().put("replayId", "demo-subs-fix").put("gatewayMode", "diff");
        fix.putArray("processors").add("invoicing");
        JsonNode o = run("RebuildStateMachine", fix);
        out.println(o.path("summary").asText("FAILED"));
        long corrections = invoices().invoices().size() - sent;
        out.printf(Locale.ROOT, "%d of %d invoices wrong under v1, %d corrections reached the invoice service%n", wrong, expected.size(), corrections);
        boolean fixed = o.path("gateway").path("corrections").asLong() == wrong && corrections == wrong && check("after the fix", "v2", INVOICES);
        JsonNode again = run("RebuildStateMachine", fix.deepCopy().put("replayId", "demo-subs-fix-again"));
        boolean quiet = again.path("gateway").path("corrections").asLong() == 0 && invoices().invoices().size() == sent + wrong;
        out.println("again: " + again.path("summary").asText("FAILED") + (quiet ? " (nothing sent)" : " (SENT AGAIN)"));
        return fixed && quiet;
    }

    private boolean reverse() {
        out.println("== reversal of Ada's January invoice (SubscriptionEventReversed) ==");
        ArrayNode reversal = JSON.createArrayNode();
        event(reversal, null, "demo-sub-ada", "SubscriptionEventReversed", "2026-03-02T10:00:00Z",
                JSON.createObjectNode().put("eventId", "demo-inv-ada-2026-01").put("reason", "billed in error"));
        post(reversal);
        stack.awaitIdle(IDLE);
        BigDecimal held = invoices().totalPerInvoice().get("demo-inv-ada-2026-01");
        out.println("the invoice service holds " + held + " for demo-inv-ada-2026-01");
        return held != null && held.signum() == 0 && check("after the reversal", "v2", INVOICES);
    }

    private Map<String, JsonNode> states() {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (String s : SUBSCRIPTIONS) out.put(s, api.get("/aggregates/" + s + "?processor=subscriptions").body().path("state"));
        return out;
    }

    /** Runs a replay state machine to its end; its output, or an empty object when it did not succeed (printed). */
    private JsonNode run(String machine, ObjectNode input) throws Exception {
        String replayId = input.path("replayId").asText();
        String arn = stack.workflows().stateMachineArn(machine);
        stack.workflows().stepFunctions().startExecution(arn, replayId, input.toString());
        ExecutionDescription d = RebuildBenchmark.awaitReplay(stack, arn, replayId, Duration.ofMinutes(3));
        stack.awaitIdle(IDLE);
        if (d.status() != ExecutionStatus.SUCCEEDED) {
            out.println("  " + replayId + " " + d.status() + ": " + d.error() + ": " + d.cause());
            return JSON.createObjectNode();
        }
        return JSON.readTree(d.output());
    }

    private void post(JsonNode batch) {
        PlaybackApi.Answer a = api.postEvents(batch);
        if (a.status() != 202) throw new IllegalStateException("POST /events answered " + a.status() + ": " + a.body());
    }
}
