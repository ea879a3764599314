package dev.playback.tools.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.tools.LocalStack;
import dev.playback.tools.bench.RebuildBenchmark;
import dev.playback.tools.check.LedgerFold;
import dev.playback.tools.cli.ReplayProgress;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The replay half of the demo, through the AWS APIs the local stack serves: a full rebuild (StartExecution
 * on the Step Functions API), a partial replay triggered by an EventBridge event (PutEvents), and a
 * verification; each printed with what it did and checked.
 */
final class DemoReplays {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final PrintStream out;
    private final LocalStack stack;
    private final DemoPayouts payouts;

    DemoReplays(PrintStream out, LocalStack stack, DemoPayouts payouts) {
        this.out = out;
        this.stack = stack;
        this.payouts = payouts;
    }

    /** The payouts fix (a diff rebuild), then a full rebuild in suppress mode, a partial replay, a verification, a reversal. */
    boolean run() throws Exception {
        var creds = StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
        try (SfnClient sfn = SfnClient.builder().region(Region.US_EAST_1).credentialsProvider(creds)
                .endpointOverride(stack.workflows().stepFunctionsEndpoint()).httpClientBuilder(UrlConnectionHttpClient.builder()).build();
             EventBridgeClient events = EventBridgeClient.builder().region(Region.US_EAST_1).credentialsProvider(creds)
                     .endpointOverride(stack.workflows().eventBridgeEndpoint()).httpClientBuilder(UrlConnectionHttpClient.builder()).build()) {
            boolean fixed = payouts.fix(sfn);
            out.println();
            DemoPayouts.SuppressCheck suppress = payouts.new SuppressCheck();
            boolean rebuilt = rebuild(sfn);
            boolean reproduced = suppress.after();
            out.println();
            boolean partial = partial(sfn, events);
            out.println();
            boolean verified = verify(sfn);
            out.println();
            boolean reversed = payouts.reverse();
            return fixed & rebuilt & reproduced & partial & verified & reversed;
        }
    }

    private boolean rebuild(SfnClient sfn) throws Exception {
        out.println("== full rebuild of every processor in suppress mode (StartExecution RebuildStateMachine) ==");
        LedgerFold.Result fold = LedgerFold.of(stack.dynamoDb(), stack.s3(), stack.physicalName("EventsTable"));
        String before = RebuildBenchmark.activeGeneration(stack, "balances");
        String machine = stack.workflows().stateMachineArn("RebuildStateMachine");
        ObjectNode input = JSON.createObjectNode().put("replayId", "demo-rebuild").put("segments", 2).put("batchSize", 250);
        long t0 = System.nanoTime();
        String arn = sfn.startExecution(b -> b.stateMachineArn(machine).name("demo-rebuild").input(input.toString())).executionArn();
        DescribeExecutionResponse d = await(sfn, arn, "demo-rebuild", Duration.ofMinutes(3));
        double secs = (System.nanoTime() - t0) / 1e9;
        ReplayProgress p = ReplayProgress.read(stack.dynamoDb(), stack.physicalName("DataTable"), "demo-rebuild");
        String after = RebuildBenchmark.activeGeneration(stack, "balances");
        List<String> diffs = d.status() == ExecutionStatus.SUCCEEDED
                ? LedgerFold.compare(fold, stack.dynamoDb(), stack.physicalName("DataTable"), after) : List.of("not rebuilt");
        out.printf(Locale.ROOT, "rebuild %s in %.1f s: %,d events published, %,d applied by each processor; balances %s -> %s; "
                + "rebuilt balances vs independent fold: %s%n", d.statusAsString(), secs, p.published(), p.applied(), before, after,
                diffs.isEmpty() ? "equal" : diffs.size() + " differences");
        if (d.error() != null) out.println("  " + d.error() + ": " + d.cause());
        return d.status() == ExecutionStatus.SUCCEEDED && !before.equals(after) && diffs.isEmpty() && p.published() >= fold.events();
    }

    private boolean partial(SfnClient sfn, EventBridgeClient events) throws Exception {
        out.println("== partial replay (EventBridge PutEvents on ReplayRequestBus, source=playback, detail-type=ReplayRequested) ==");
        ObjectNode detail = JSON.createObjectNode().put("replayId", "demo-partial");
        detail.putArray("aggregates").add("alice").add("bob");
        var r = events.putEvents(b -> b.entries(e -> e.eventBusName(stack.workflows().eventBusName("ReplayRequestBus")).source("playback").detailType("ReplayRequested").detail(detail.toString())));
        if (r.failedEntryCount() != null && r.failedEntryCount() > 0) {
            out.println("partial replay: PutEvents refused: " + r.entries().get(0).errorMessage());
            return false;
        }
        String machine = stack.workflows().stateMachineArn("PartialReplayStateMachine");
        long t0 = System.nanoTime();
        String arn = null;
        while (arn == null && System.nanoTime() - t0 < 30_000_000_000L) {
            for (ExecutionListItem e : sfn.listExecutions(b -> b.stateMachineArn(machine)).executions()) {
                String in = sfn.describeExecution(b -> b.executionArn(e.executionArn())).input();
                if (in != null && in.contains("\"demo-partial\"")) arn = e.executionArn();
            }
            if (arn == null) Thread.sleep(100);
        }
        if (arn == null) {
            out.println("partial replay: no execution was started by the ReplayRequested event");
            return false;
        }
        DescribeExecutionResponse d = await(sfn, arn, "demo-partial", Duration.ofMinutes(2));
        JsonNode o = d.output() == null ? JSON.createObjectNode() : JSON.readTree(d.output());
        out.printf(Locale.ROOT, "partial replay %s (execution %s) in %.1f s: scope %s; aggregates read %d, rebuilt %d, events %d%n",
                d.statusAsString(), d.name(), (System.nanoTime() - t0) / 1e9, detail, o.path("aggregatesRead").asLong(),
                o.path("rebuilt").asLong(), o.path("events").asLong());
        if (d.error() != null) out.println("  " + d.error() + ": " + d.cause());
        return d.status() == ExecutionStatus.SUCCEEDED && o.path("aggregatesRead").asLong() == 2;
    }

    private boolean verify(SfnClient sfn) throws Exception {
        out.println("== verification (StartExecution VerifyStateMachine) ==");
        String machine = stack.workflows().stateMachineArn("VerifyStateMachine");
        ObjectNode input = JSON.createObjectNode().put("replayId", "demo-verify").put("reportOnly", false);
        long t0 = System.nanoTime();
        String arn = sfn.startExecution(b -> b.stateMachineArn(machine).name("demo-verify").input(input.toString())).executionArn();
        DescribeExecutionResponse d = await(sfn, arn, "demo-verify", Duration.ofMinutes(3));
        JsonNode o = d.output() == null ? JSON.createObjectNode() : JSON.readTree(d.output());
        String summary = o.path("summary").asText(d.cause() == null ? "" : d.cause());
        String report = "s3://" + stack.physicalName("ReportBucket") + "/reports/verify/demo-verify.json";
        boolean stored;
        try {
            stack.s3().headObject(b -> b.bucket(stack.physicalName("ReportBucket")).key("reports/verify/demo-verify.json"));
            stored = true;
        } catch (RuntimeException e) {
            stored = false;
        }
        out.printf(Locale.ROOT, "verification %s in %.1f s: %s%n  report: %s%s%n", d.statusAsString(), (System.nanoTime() - t0) / 1e9,
                summary, report, stored ? "" : " (NOT FOUND)");
        if (d.error() != null && !"Playback.DriftFound".equals(d.error())) out.println("  " + d.error() + ": " + d.cause());
        return d.status() == ExecutionStatus.SUCCEEDED && stored;
    }

    /** Waits for the replay's execution to end, following it into a continued execution (continue-as-new). */
    static DescribeExecutionResponse await(SfnClient sfn, String executionArn, String replayId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String arn = executionArn;
        while (true) {
            String current = arn;
            DescribeExecutionResponse d = sfn.describeExecution(b -> b.executionArn(current));
            if (d.status() != ExecutionStatus.RUNNING) {
                String next = null;
                if (d.status() == ExecutionStatus.SUCCEEDED) {
                    for (ExecutionListItem e : sfn.listExecutions(b -> b.stateMachineArn(d.stateMachineArn())
                            .statusFilter(ExecutionStatus.RUNNING)).executions()) {
                        String in = sfn.describeExecution(b -> b.executionArn(e.executionArn())).input();
                        if (in != null && in.contains("\"" + replayId + "\"")) next = e.executionArn();
                    }
                }
                if (next == null) return d;
                arn = next;
                continue;
            }
            if (System.nanoTime() > deadline) throw new IllegalStateException("replay " + replayId + " still running after " + timeout);
            Thread.sleep(100);
        }
    }
}
