package dev.playback.tools.cli;

import com.fasterxml.jackson.databind.JsonNode;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.InvalidArnException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The executions of the replay state machines, found by execution name or ARN, and the replay each ran, also when it
 * was started without a {@code replayId} (the replay function then makes one up): from the input, else the data
 * table's pointer {@code replay-execution#<executionArn>} (rebuilds and verifications), else the execution's output,
 * else its history (the first state output that names a {@code replayId}).
 */
public final class ReplayExecutions {
    /** The template's state machines that run replays. */
    static final List<String> MACHINES = List.of("RebuildStateMachine", "VerifyStateMachine", "PartialReplayStateMachine");
    /** History events read at most to find the replay id of an execution (the first task names it). */
    private static final int HISTORY_EVENTS = 40;

    private final Connection c;

    public ReplayExecutions(Connection c) {
        this.c = c;
    }

    static boolean isExecutionArn(String s) {
        return s.startsWith("arn:") && s.contains(":execution:");
    }

    /** The execution with this ARN, or with this name on one of the replay machines. */
    Optional<DescribeExecutionResponse> find(String nameOrArn) {
        if (isExecutionArn(nameOrArn)) return describe(nameOrArn);
        for (String arn : machineArns()) {
            // An execution's ARN is its machine's with ':execution:' and its name (as on AWS).
            Optional<DescribeExecutionResponse> d = describe(arn.replace(":stateMachine:", ":execution:") + ":" + nameOrArn);
            if (d.isPresent()) return d;
        }
        return Optional.empty();
    }

    /** The newest {@code limit} executions of all replay machines, newest first. */
    List<ExecutionListItem> recent(int limit) {
        return recent(machineArns(), limit);
    }

    /** The newest {@code limit} executions of the state machines {@code machineArns}, newest first. */
    public List<ExecutionListItem> recent(java.util.Collection<String> machineArns, int limit) {
        List<ExecutionListItem> all = new ArrayList<>();
        for (String arn : machineArns) {
            for (var page : c.sfn().listExecutionsPaginator(b -> b.stateMachineArn(arn).maxResults(Math.min(limit, 1000)))) {
                all.addAll(page.executions());
                if (page.executions().size() >= limit || page.nextToken() == null) break;
            }
        }
        all.sort(Comparator.comparing(ExecutionListItem::startDate).reversed());
        return all.size() > limit ? all.subList(0, limit) : all;
    }

    public DescribeExecutionResponse describe(ExecutionListItem e) {
        return c.sfn().describeExecution(b -> b.executionArn(e.executionArn()));
    }

    /** The replay {@code d} ran; empty while nothing tells yet (the first task has not run). */
    public Optional<String> replayOf(DescribeExecutionResponse d) {
        String table = c.dataTableOrNull();
        return replayIdOf(d, arn -> table == null ? Optional.empty()
                        : ReplayProgress.get(c.dynamo(), table, "replay-execution#" + arn).map(i -> ReplayProgress.str(i, "replayId")),
                arn -> c.sfn().getExecutionHistory(b -> b.executionArn(arn).maxResults(HISTORY_EVENTS)).events());
    }

    /**
     * The replay id of an execution: its input's {@code replayId} (or {@code request.replayId}, the ReplayRequested
     * rule's input), else {@code pointer} by execution ARN, else its output's {@code replayId}, else the first state
     * output or task result in {@code history} that names one (directly or in a Lambda task's {@code Payload}).
     */
    static Optional<String> replayIdOf(DescribeExecutionResponse d, Function<String, Optional<String>> pointer,
                                       Function<String, List<HistoryEvent>> history) {
        JsonNode input = json(d.input());
        Optional<String> id = text(input.path("replayId")).or(() -> text(input.path("request").path("replayId")));
        if (id.isPresent()) return id;
        id = pointer.apply(d.executionArn());
        if (id.isPresent()) return id;
        id = text(json(d.output()).path("replayId"));
        if (id.isPresent()) return id;
        for (HistoryEvent e : history.apply(d.executionArn())) {
            String output = e.stateExitedEventDetails() != null ? e.stateExitedEventDetails().output()
                    : e.taskSucceededEventDetails() != null ? e.taskSucceededEventDetails().output() : null;
            JsonNode o = json(output);
            id = text(o.path("replayId")).or(() -> text(o.path("Payload").path("replayId")));
            if (id.isPresent()) return id;
        }
        return Optional.empty();
    }

    private List<String> machineArns() {
        return new ArrayList<>(deployed(c, MACHINES).values());
    }

    /** ARN by logical id of those of the state machines {@code logicalIds} the stack has, in their order. */
    public static java.util.Map<String, String> deployed(Connection c, List<String> logicalIds) {
        java.util.Map<String, String> arns = new java.util.LinkedHashMap<>();
        for (String id : logicalIds) {
            try {
                arns.put(id, c.stateMachineArn(id));
            } catch (IllegalStateException notDeployed) {
                // a stack without this machine: nothing of it to find
            }
        }
        return arns;
    }

    private Optional<DescribeExecutionResponse> describe(String executionArn) {
        try {
            return Optional.of(c.sfn().describeExecution(b -> b.executionArn(executionArn)));
        } catch (ExecutionDoesNotExistException | InvalidArnException absent) {
            return Optional.empty();
        }
    }

    private static Optional<String> text(JsonNode n) {
        return n.isTextual() && !n.asText().isBlank() ? Optional.of(n.asText()) : Optional.empty();
    }

    private static JsonNode json(String text) {
        if (text == null || text.isBlank()) return ReplayCommands.JSON.missingNode();
        try {
            return ReplayCommands.JSON.readTree(text);
        } catch (Exception notJson) {
            return ReplayCommands.JSON.missingNode();
        }
    }
}
