package dev.playback.test.replay;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onebox.sfn.asl.HistoryEvent;
import dev.playback.tools.LocalOptions;
import dev.playback.tools.LocalStack;
import dev.playback.tools.bench.PartialBenchmark;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A partial replay whose scope is larger than the old inline limit (the list of ids in the state, about 6,000
 * aggregates at 256 KB): 7,000 accounts, found by type, written to S3 and rebuilt by the Distributed Map in batches
 * of 250 child executions; the data store equals the fold and no state of the parent carries the ids.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class PartialReplayScopeIT {
    static final int AGGREGATES = 7_000;

    @Test
    void a_partial_replay_of_7_000_aggregates_runs_through_the_distributed_map() throws Exception {
        try (LocalStack stack = LocalStack.start(LocalOptions.inMemory())) {
            PartialBenchmark.load(stack, AGGREGATES);
            ObjectNode request = Replays.JSON.createObjectNode().put("replayId", "scope-7000");
            request.putArray("types").add("AccountOpened");
            request.putArray("processors").add("balances");

            PartialBenchmark.Result r = PartialBenchmark.replay(stack, request, Duration.ofMinutes(15));

            PartialBenchmark.print(r, System.out);
            assertEquals("SUCCEEDED", r.status(), r::toString);
            assertEquals(AGGREGATES, r.aggregatesRead());
            assertEquals(AGGREGATES, r.rebuilt());
            assertEquals(2 * AGGREGATES, r.events(), "each account has two events: opened, deposited");
            assertEquals(1, r.mapRuns());
            assertEquals(28, r.childExecutions(), "7,000 aggregates in batches of 250");
            String machine = stack.workflows().stateMachineArn("PartialReplayStateMachine");
            String parent = machine.replace(":stateMachine:", ":execution:") + ":scope-7000";
            for (HistoryEvent h : stack.workflows().stepFunctions().getExecutionHistory(parent)) {
                assertFalse(String.valueOf(h.details()).contains("bench-6999"), () -> "the parent's history carries aggregate ids: " + h.type());
            }
            Replays.assertActiveEqualsFold(stack);
        }
    }
}
