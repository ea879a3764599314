package dev.playback.tools.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onebox.template.Template;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * template.yaml watches what it deploys (issue 12): each rule of {@link MonitoringRules} holds for the repository's
 * template, and each reports, by name, a copy of the template with a function, a machine's name, an action or a metric
 * taken away or added.
 */
class MonitoringTest {
    /** A function the template does not watch: it reads the event stream, like the pump. */
    private static final String UNWATCHED_FUNCTION = """
              AuditFunction:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: dev.playback.lambdas.pump.PumpHandler::handleRequest
                  Events:
                    EventStream:
                      Type: Kinesis
                      Properties: { Stream: !GetAtt EventStream.Arn, StartingPosition: TRIM_HORIZON }

            """;

    @TempDir
    Path dir;

    static Stream<String> rules() {
        return new MonitoringRules(RepositoryTemplate.load()).all().keySet().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void theRepositoryTemplateKeepsEveryMonitoringRule(String rule) {
        MonitoringRules rules = new MonitoringRules(RepositoryTemplate.load());

        assertEquals(List.of(), rules.all().get(rule).apply(rules), rule);
    }

    @Test
    void theProcessorsToWatchAreThoseOfTheDomainsTheTemplateRuns() {
        assertEquals(Set.of("balances", "payouts", "subscriptions", "invoicing"), new MonitoringRules(RepositoryTemplate.load()).processors());
    }

    static Stream<Arguments> breaches() {
        return Stream.of(
                Arguments.of("every processor has a lag alarm", "BalancesProcessorLagAlarm",
                        "Value: balances }", "Value: balance }", "processor balances: no ProcessorLag alarm"),
                Arguments.of("every processor has a parked-aggregates alarm", "PayoutsParkedAggregatesAlarm",
                        "Value: payouts }", "Value: payout }", "processor payouts: no ParkedAggregates alarm"),
                Arguments.of("every processor has a large-states alarm", "InvoicingLargeStatesAlarm",
                        "Value: invoicing }", "Value: invoice }", "processor invoicing: no LargeStates alarm"),
                Arguments.of("every stream function has an iterator-age alarm", "PayoutsIteratorAgeAlarm",
                        "MetricName: IteratorAge", "MetricName: IteratorAgeMax", "PayoutsFunction: reads PlaybackStream and has no IteratorAge alarm"),
                Arguments.of("every function has a throttles and an errors alarm", "ReplayThrottlesAlarm",
                        "Value: !Ref ReplayFunction", "Value: !Ref IngestFunction", "ReplayFunction: no Throttles alarm"),
                Arguments.of("every alarm notifies the topic and says how it treats missing data", "PumpErrorsAlarm",
                        "      OKActions: [!Ref AlarmTopic]\n", "", "PumpErrorsAlarm.Properties.OKActions: null is not [Ref AlarmTopic]"),
                Arguments.of("every alarm notifies the topic and says how it treats missing data", "EventStreamThrottledAlarm",
                        "      TreatMissingData: notBreaching\n", "", "EventStreamThrottledAlarm.Properties.TreatMissingData: null (choose it)"),
                Arguments.of("every alarm notifies the topic and says how it treats missing data", "PumpRecordsSetAsideAlarm",
                        "Value: pump }", "Value: pump }, { Name: Function, Value: pump }",
                        "PumpRecordsSetAsideAlarm: RecordsSetAside [Service, Function] is not in the metric contract"),
                Arguments.of("the alarm topic is encrypted and only the stack's alarms and rule publish", "AlarmTopic",
                        "      KmsMasterKeyId: !Ref AlarmTopicKey\n", "", "AlarmTopic.Properties.KmsMasterKeyId: not encrypted"),
                Arguments.of("the alarm topic is encrypted and only the stack's alarms and rule publish", "AlarmTopicPolicy",
                        "              ArnEquals: { 'aws:SourceArn': !GetAtt ReplayExecutionFailedRule.Arn }\n", "",
                        "AlarmTopicPolicy: events.amazonaws.com may publish without aws:SourceAccount and aws:SourceArn"),
                Arguments.of("the alarm topic is encrypted and only the stack's alarms and rule publish", "AlarmEmailSubscription",
                        "    Condition: HasAlarmEmail\n", "", "AlarmEmailSubscription: subscribes whether or not AlarmEmail is set"),
                Arguments.of("a failed replay execution of every replay machine notifies the topic", "ReplayExecutionFailedRule",
                        ",\n                            !Ref RollbackStateMachine]", "]",
                        "ReplayExecutionFailedRule: does not name the state machine RollbackStateMachine"),
                Arguments.of("a failed replay execution of every replay machine notifies the topic", "ReplayExecutionFailedRule",
                        "status: [FAILED, ABORTED, TIMED_OUT]", "status: [FAILED]",
                        "ReplayExecutionFailedRule.Properties.EventPattern.detail.status: [FAILED] is not FAILED, ABORTED, TIMED_OUT"),
                Arguments.of("the dashboard is valid and shows only the metric contract", "PlaybackDashboard",
                        "MetricName=\\\"GatewaySends\\\"", "MetricName=\\\"GatewaySent\\\"",
                        "Gateways: sends, corrections, suppressed commands, live queries: GatewaySent is not in the metric contract"),
                Arguments.of("the dashboard is valid and shows only the metric contract", "PlaybackDashboard",
                        "MetricName=\\\"GatewaySends\\\"", "MetricName=\\\"GatewaySent\\\"", "the dashboard does not show GatewaySends"),
                Arguments.of("the dashboard is valid and shows only the metric contract", "PlaybackDashboard",
                        "\"EventsAppended\", \"Service\"", "\"EventsAppended\", \"Processor\"",
                        "Pump: events appended and duplicates: EventsAppended by [Processor], the contract says Service"),
                Arguments.of("the dashboard is valid and shows only the metric contract", "PlaybackDashboard",
                        "{\"widgets\": [", "{\"widgets\": ", "PlaybackDashboard.Properties.DashboardBody: not JSON after substitution"),
                Arguments.of("the dashboard is valid and shows only the metric contract", "PlaybackDashboard",
                        "\"StateMachineArn\", \"${RollbackStateMachine}\", {\"stat\": \"Sum\", \"label\": \"RollbackStateMachine aborted\"}",
                        "\"StateMachineArn\", \"${RebuildStateMachine}\", {\"stat\": \"Sum\", \"label\": \"RollbackStateMachine aborted\"}",
                        "the dashboard does not show ExecutionsAborted of RollbackStateMachine"));
    }

    @ParameterizedTest(name = "{0}: {4}")
    @MethodSource("breaches")
    void aRuleReportsATemplateWithoutItsProperty(String rule, String resource, String property, String replacement,
                                                 String expected) throws IOException {
        Path broken = RepositoryTemplate.copyWith(dir, resource, property, replacement);
        MonitoringRules rules = new MonitoringRules(Template.load(broken, RepositoryTemplate.PARAMETERS, dev.playback.tools.LocalStack.STACK_NAME));

        List<String> reported = rules.all().get(rule).apply(rules);

        assertTrue(reported.stream().anyMatch(r -> r.contains(expected)), rule + " reported " + reported);
    }

    @Test
    void aFunctionAddedWithoutAlarmsIsReportedByEveryRuleThatWatchesFunctions() throws IOException {
        String text = Files.readString(RepositoryTemplate.file());
        Path copy = dir.resolve("template.yaml");
        Files.writeString(copy, text.replace("\n  # ---- monitoring ---", "\n" + UNWATCHED_FUNCTION.stripTrailing() + "\n\n  # ---- monitoring ---"));
        MonitoringRules rules = new MonitoringRules(Template.load(copy, RepositoryTemplate.PARAMETERS, dev.playback.tools.LocalStack.STACK_NAME));

        assertEquals(List.of("AuditFunction: reads EventStream and has no IteratorAge alarm"), rules.iteratorAgeAlarms());
        assertEquals(List.of("AuditFunction: no Throttles alarm", "AuditFunction: no Errors alarm"), rules.throttlesAndErrorsAlarms());
        assertEquals(List.of("the dashboard does not show the IteratorAge of AuditFunction", "the dashboard does not show the Throttles of AuditFunction"),
                rules.dashboardShowsTheContract());
    }

    @Test
    void theDashboardNamesTheStacksResourcesAndMetricsOnceSubstituted() throws Exception {
        JsonNode body = new MonitoringRules(RepositoryTemplate.load()).dashboardBody();

        String text = body.toString();
        assertTrue(text.contains("[\"AWS/Lambda\",\"IteratorAge\",\"FunctionName\",\"PumpFunction\""), text);
        assertTrue(text.contains("[\"AWS/States\",\"ExecutionsFailed\",\"StateMachineArn\",\"arn:aws:states:us-east-1:000000000000:stateMachine:VerifyStateMachine\""), text);
        assertTrue(text.contains("SEARCH('{\\\"Playback/playback-local\\\",Processor} MetricName=\\\"ProcessorLag\\\"', 'Maximum', 60)"), text);
        assertTrue(text.contains("\"label\":\"${PROP('Dim.Gateway')} sends\""), text);
        assertTrue(text.contains("\"value\":300000"), "the ProcessorLagAlarmMillis default as a number: " + text);
        assertTrue(text.contains("\"region\":\"us-east-1\"") && !text.contains("${AWS::"), text);
    }
}
