package dev.playback.tools.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.DescribeMapRunResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.MapRunListItem;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code playback replay-concurrency REPLAY_ID N}: how many child executions the running map runs of a replay run at
 * once (a rebuild's or verification's segments, a partial replay's batches), changed while they run: finds the
 * replay's running executions (ListExecutions, RUNNING), their map runs still running (ListMapRuns) and calls
 * UpdateMapRun on each. The next map run of the replay starts again at the machine's own value.
 */
@Command(name = "replay-concurrency", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, sortOptions = false,
        description = {"Changes how many segments (rebuild, verify) or batches (replay) a running replay processes at once: "
                + "UpdateMapRun on the running map runs of its running execution, e.g. to fill more playback shards or to "
                + "spare the tables. Prints each map run with its concurrency before and after."})
final class ReplayConcurrency extends ReplayCommands.ReplayCommand {
    /** Step Functions' bound for a Distributed Map's MaxConcurrency. */
    static final int MAX = 10_000;

    @Parameters(index = "0", paramLabel = "REPLAY_ID", description = "the replay whose running map runs change")
    String replayId;
    @Parameters(index = "1", paramLabel = "N", description = "child executions at once, 1 to 10000")
    int concurrency;

    /** A map run changed: its ARN, execution and concurrency before and after. */
    record Changed(String mapRunArn, String executionArn, int before, int after) {
    }

    @Override
    public Integer call() throws Exception {
        ReplayCommands.replayId(replayId, "replay", spec);
        ReplayCommands.inRange(concurrency, "N", 1, MAX, spec);
        try (Connection c = connect()) {
            List<Changed> changed = change(c, replayId, concurrency);
            if (changed.isEmpty()) {
                err().println("replay " + replayId + " has no running map run (not running, or between map runs: try again)");
                return Usage.FAILED;
            }
            for (Changed m : changed) {
                if (target.json) {
                    ObjectNode o = ReplayCommands.JSON.createObjectNode().put("replayId", replayId).put("mapRunArn", m.mapRunArn())
                            .put("executionArn", m.executionArn()).put("before", m.before()).put("after", m.after());
                    out().println(ReplayCommands.JSON.writeValueAsString(o));
                } else {
                    out().println("replay " + replayId + ": map run " + m.mapRunArn() + " max concurrency " + m.before() + " -> " + m.after());
                }
            }
            return Usage.OK;
        }
    }

    /** UpdateMapRun on every running map run of the running executions of {@code replayId}. */
    static List<Changed> change(Connection c, String replayId, int concurrency) {
        ReplayExecutions executions = new ReplayExecutions(c);
        List<Changed> out = new ArrayList<>();
        for (String machine : ReplayExecutions.deployed(c, ReplayExecutions.MACHINES).values()) {
            for (ExecutionListItem e : c.sfn().listExecutionsPaginator(b -> b.stateMachineArn(machine).statusFilter(ExecutionStatus.RUNNING))
                    .executions()) {
                DescribeExecutionResponse d = executions.describe(e);
                Optional<String> replay = executions.replayOf(d);
                if (replay.isEmpty() || !replay.get().equals(replayId)) continue;
                for (MapRunListItem run : c.sfn().listMapRunsPaginator(b -> b.executionArn(e.executionArn())).mapRuns()) {
                    if (run.stopDate() != null) continue;
                    DescribeMapRunResponse before = c.sfn().describeMapRun(b -> b.mapRunArn(run.mapRunArn()));
                    if (!"RUNNING".equals(before.statusAsString())) continue;
                    c.sfn().updateMapRun(b -> b.mapRunArn(run.mapRunArn()).maxConcurrency(concurrency));
                    out.add(new Changed(run.mapRunArn(), e.executionArn(), before.maxConcurrency(), concurrency));
                }
            }
        }
        return out;
    }
}
