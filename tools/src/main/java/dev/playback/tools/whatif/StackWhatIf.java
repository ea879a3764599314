package dev.playback.tools.whatif;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.lambdas.aws.dynamodb.DynamoEventIndex;
import dev.playback.model.replay.EventIndex;
import dev.playback.tools.archive.ExportScope;
import dev.playback.tools.cli.Connection;
import dev.playback.tools.cli.StackOutputs;
import dev.playback.tools.cli.UsageException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import dev.playback.tools.cli.ReplayProgress;
import dev.playback.tools.cli.Streams;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A what-if against a stack: starts its VerifyStateMachine with {@code gatewayMode: predict} and {@code reportOnly}, waits
 * for the end, and reads the verification's drift report and merged gateway report from the report bucket. The
 * verification drops its shadow generation when it finishes; when it fails, is stopped, or this process is interrupted
 * or gives up waiting (the execution is stopped then), the replay machinery ends the replay and drops it.
 */
final class StackWhatIf implements WhatIfCommand.Runner {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String MACHINE = "VerifyStateMachine";

    @Override
    public WhatIfReport run(WhatIfCommand.Target target, WhatIfCommand.Request request, Streams streams) throws Exception {
        try (Connection c = target.aws() ? Connection.aws(null, null, target.stack()) : Connection.local(target.localFile())) {
            return run(c, request, streams, () -> indexTable(c, target));
        }
    }

    /** The event index table: {@code $PLAYBACK_EVENT_INDEX_TABLE}, else the local stack's, else the stack's output. */
    private static String indexTable(Connection c, WhatIfCommand.Target target) {
        String env = System.getenv(INDEX_TABLE_ENV);
        if (env != null && !env.isBlank()) return env;
        if (c.isLocal()) return c.localName("EventIndexTable");
        if (target.stack() == null) {
            throw new UsageException("a --type or --since scope on AWS reads the event index: give --stack NAME or set " + INDEX_TABLE_ENV);
        }
        try (CloudFormationClient cfn = CloudFormationClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build()) {
            return StackOutputs.describe(cfn, target.stack()).require(StackOutputs.EVENT_INDEX_TABLE);
        }
    }

    static final String INDEX_TABLE_ENV = "PLAYBACK_EVENT_INDEX_TABLE";

    /** Runs a what-if through {@code c}. */
    static WhatIfReport run(Connection c, WhatIfCommand.Request request, Streams streams, Supplier<String> indexTable) throws Exception {
        Instant started = Instant.now();
        ObjectNode input = JSON.createObjectNode();
        input.put("replayId", request.replayId());
        input.put("reportOnly", true);
        input.put("gatewayMode", "predict");
        input.put("missingRecords", request.missingRecords());
        if (!request.processors().isEmpty()) input.set("processors", JSON.valueToTree(request.processors()));
        input.put("requestedBy", "cli:what-if:" + System.getProperty("user.name", "unknown"));
        String arn = c.stateMachineArn(MACHINE);
        String execution = c.sfn().startExecution(b -> b.stateMachineArn(arn).name(request.replayId()).input(input.toString())).executionArn();
        streams.err().println("what-if " + request.replayId() + ": replaying into a shadow generation in gateway mode predict on "
                + c.where() + " (execution " + execution + ")");
        DescribeExecutionResponse end = awaitEnd(c, execution, request.timeout(), streams);
        if (end.status() != ExecutionStatus.SUCCEEDED) {
            throw new IllegalStateException("what-if " + request.replayId() + ": its verification ended " + end.statusAsString()
                    + (end.error() == null ? "" : " (" + end.error() + ": " + end.cause() + ")")
                    + "; the replay machinery drops its shadow generation");
        }
        JsonNode output = JSON.readTree(end.output());
        JsonNode verify = read(c, output.path("reportUri").asText());
        String gatewayUri = output.path("gateway").path("reportUri").asText("");
        JsonNode gateway = gatewayUri.isEmpty() ? null : read(c, gatewayUri);
        WhatIfReport all = WhatIfReport.read(request.replayId(), processors(c, request), verify, gateway);
        return inScope(all, request.scope(), c, indexTable, started);
    }

    /**
     * What a {@code diff} partial replay of {@code scope} would do: the aggregates it would rebuild (found through the event
     * index as the partial replay finds them; a window without an end ends when the what-if started), the effects of the
     * events in its window.
     */
    static WhatIfReport inScope(WhatIfReport all, ExportScope scope, Connection c, Supplier<String> indexTable, Instant started) {
        if (scope.isWhole()) return all;
        EventIndex index = scope.types().isEmpty() && scope.since() == null ? null : index(c, indexTable.get());
        Set<String> found = new LinkedHashSet<>(scope.resolve(index, List::of, started));
        return all.within(found, scope.timeField(), scope.since(), scope.since() == null ? null : scope.until() == null ? started : scope.until());
    }

    private static EventIndex index(Connection c, String indexTable) {
        String events = c.eventsTableOrNull();
        if (events == null || indexTable == null) {
            throw new UsageException("a --type or --since scope reads the event index: the events table and the index table must be known "
                    + "(--stack NAME, or PLAYBACK_EVENTS_TABLE and " + INDEX_TABLE_ENV + ")");
        }
        return new DynamoEventIndex(c.dynamo(), events, indexTable);
    }

    /** The processors the what-if replayed: those asked for, else those its replay record names. */
    private static List<String> processors(Connection c, WhatIfCommand.Request request) {
        if (!request.processors().isEmpty() || c.dataTableOrNull() == null) return request.processors();
        return ReplayProgress.read(c.dynamo(), c.dataTableOrNull(), request.replayId()).processors();
    }

    /**
     * Polls the execution until the verification ends, following it where it continued as new (its output then has no
     * report; the execution ContinueAsNew started names its parent in its input). While it runs, a shutdown hook stops
     * the current execution if this process is interrupted (Ctrl-C, SIGTERM); waiting longer than {@code timeout}, being
     * interrupted, or failing to ask stops it too. A stopped verification ends and its shadow generation is dropped.
     */
    static DescribeExecutionResponse awaitEnd(Connection c, String execution, Duration timeout, Streams streams) throws InterruptedException {
        AtomicBoolean ended = new AtomicBoolean();
        AtomicReference<String> current = new AtomicReference<>(execution);
        Thread hook = new Thread(() -> {
            if (!ended.get()) stop(c, current.get(), "playback what-if was interrupted", streams);
        }, "what-if-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                DescribeExecutionResponse d = c.sfn().describeExecution(b -> b.executionArn(current.get()));
                if (d.status() != ExecutionStatus.RUNNING) {
                    String next = d.status() == ExecutionStatus.SUCCEEDED && !JSON.readTree(d.output()).has("reportUri")
                            ? continuation(c, d) : null;
                    if (next == null) {
                        ended.set(true);
                        return d;
                    }
                    current.set(next);
                    continue;
                }
                if (System.nanoTime() > deadline) {
                    stop(c, current.get(), "playback what-if gave up waiting after " + timeout, streams);
                    ended.set(true);
                    throw new IllegalStateException("what-if execution " + current.get() + " still running after " + timeout
                            + "; stopped (its shadow generation is dropped)");
                }
                Thread.sleep(250);
            }
        } catch (InterruptedException e) {
            stop(c, current.get(), "playback what-if was interrupted", streams);
            ended.set(true);
            throw e;
        } catch (IOException | RuntimeException e) {
            // the stack could not be asked (or answered nonsense): stop the run rather than leave it and its shadow to nobody
            boolean interrupted = Thread.interrupted(); // an SDK call cut short by an interrupt: the stop must still go out
            try {
                stop(c, current.get(), "playback what-if failed: " + e.getMessage(), streams);
                ended.set(true);
            } catch (RuntimeException alsoFailed) {
                e.addSuppressed(alsoFailed);
            }
            if (interrupted) Thread.currentThread().interrupt();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        } finally {
            if (ended.get()) removeHook(hook);
        }
    }

    /** The execution ContinueAsNew started from {@code parent} (its input names the parent), or null when there is none. */
    private static String continuation(Connection c, DescribeExecutionResponse parent) throws InterruptedException {
        for (int attempt = 0; attempt < 20; attempt++) {
            for (var e : c.sfn().listExecutions(b -> b.stateMachineArn(parent.stateMachineArn()).maxResults(100)).executions()) {
                if (e.executionArn().equals(parent.executionArn())) continue;
                String input = c.sfn().describeExecution(b -> b.executionArn(e.executionArn())).input();
                if (input != null && input.contains("\"" + parent.executionArn() + "\"")) return e.executionArn();
            }
            Thread.sleep(250);
        }
        return null;
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is shutting down already: the hook runs and finds the execution ended, so it stops nothing
        }
    }

    private static void stop(Connection c, String execution, String cause, Streams streams) {
        streams.err().println("what-if: stopping execution " + execution + " (" + cause + "); the replay machinery drops its shadow generation");
        c.sfn().stopExecution(b -> b.executionArn(execution).error("WhatIfStopped").cause(cause));
    }

    /** A report object named by its {@code s3://bucket/key} URI, as JSON. */
    static JsonNode read(Connection c, String uri) {
        if (!uri.startsWith("s3://") || uri.indexOf('/', 5) < 0) {
            throw new IllegalStateException("what-if: the verification named its report '" + uri + "', not an s3://bucket/key URI");
        }
        String bucket = uri.substring(5, uri.indexOf('/', 5));
        String key = uri.substring(uri.indexOf('/', 5) + 1);
        try {
            return JSON.readTree(c.s3().getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("what-if: report " + uri + " is not JSON: " + e.getMessage(), e);
        }
    }
}
