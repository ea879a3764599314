package dev.playback.tools;

import dev.onebox.events.EventBus;
import dev.onebox.events.EventBusSettings;
import dev.onebox.events.Rule;
import dev.onebox.events.Schedule;
import dev.onebox.sfn.ExecutionDescription;
import dev.onebox.sfn.ExecutionStatus;
import dev.onebox.template.Template;
import dev.playback.tools.template.RepositoryTemplate;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * template.yaml's ReplayExecutionFailedRule on the local EventBridge, fed the status-change events the local Step
 * Functions publishes: a replay execution that failed, was aborted or timed out is one line on the alarm topic.
 */
class ReplayExecutionNotificationTest {
    private static final String TOPIC = "arn:aws:sns:us-east-1:000000000000:AlarmTopic";
    private static final String MACHINES = "arn:aws:states:us-east-1:000000000000:stateMachine:";
    private static final Instant STOPPED = Instant.parse("2026-12-04T03:00:07Z");
    private final Template template = RepositoryTemplate.load();
    private final List<String> lines = new ArrayList<>();
    private final LocalTopics topics = new LocalTopics(template.topics().values(), lines::add);
    private final EventBus bus = new EventBus(topics::publish, EventBusSettings.defaults().withDeliveryExecutor(Runnable::run));

    ReplayExecutionNotificationTest() {
        List<Rule> rules = new ArrayList<>();
        Workflows.collect(template.rules().values(), rules, new ArrayList<Schedule>());
        rules.forEach(bus::putRule);
    }

    private void ended(String machine, String execution, ExecutionStatus status) {
        ExecutionDescription d = new ExecutionDescription(MACHINES.replace("stateMachine:", "execution:") + machine + ":" + execution,
                execution, MACHINES + machine, machine, status, "{}", null, "States.TaskFailed", "a cause",
                STOPPED.minusSeconds(7), STOPPED);
        bus.publishServiceEvent("aws.states", "Step Functions Execution Status Change", STOPPED, List.of(d.executionArn()),
                Workflows.statusChange(d));
    }

    @Test
    void aFailedRebuildIsOneLineOnTheAlarmTopicNamingTheExecutionTheMachineAndTheStatus() {
        ended("RebuildStateMachine", "nightly-1", ExecutionStatus.FAILED);

        String execution = "arn:aws:states:us-east-1:000000000000:execution:RebuildStateMachine:nightly-1";
        assertEquals(List.of("[sns AlarmTopic] \"Replay execution " + execution + " of state machine " + MACHINES
                + "RebuildStateMachine ended FAILED at 2026-12-04T03:00:07Z. Its history: aws stepfunctions get-execution-history"
                + " --execution-arn " + execution + "\""), lines);
        assertEquals(List.of(TOPIC), topics.published().stream().map(LocalTopics.Notification::topicArn).toList());
    }

    @Test
    void everyReplayMachineNotifiesWhenAbortedOrTimedOut() {
        for (String machine : template.stateMachines().keySet()) {
            ended(machine, "stopped", ExecutionStatus.ABORTED);
            ended(machine, "late", ExecutionStatus.TIMED_OUT);
        }

        assertEquals(2 * template.stateMachines().size(), lines.size(), lines.toString());
        assertEquals(4, template.stateMachines().size(), "rebuild, verify, partial replay, rollback: " + template.stateMachines().keySet());
    }

    @Test
    void aSucceededOrRunningExecutionOrAnotherMachineNotifiesNobody() {
        ended("RebuildStateMachine", "done", ExecutionStatus.SUCCEEDED);
        ended("VerifyStateMachine", "started", ExecutionStatus.RUNNING);
        ended("SomeoneElsesMachine", "failed", ExecutionStatus.FAILED);

        assertEquals(List.of(), lines);
    }

    @Test
    void aTopicTheTemplateDoesNotDeclareIsRefusedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> topics.publish("arn:aws:sns:us-east-1:000000000000:Elsewhere", "hello"));

        assertEquals("no SNS topic arn:aws:sns:us-east-1:000000000000:Elsewhere in the template (known: [" + TOPIC + "])", e.getMessage());
    }
}
