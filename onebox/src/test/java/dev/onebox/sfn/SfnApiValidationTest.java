package dev.onebox.sfn;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.onebox.sfn.tasks.InProcessLambdaFunctions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.DescribeStateMachineResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionRedriveStatus;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.InvalidArnException;
import software.amazon.awssdk.services.sfn.model.InvalidTokenException;
import software.amazon.awssdk.services.sfn.model.LogLevel;
import software.amazon.awssdk.services.sfn.model.LoggingConfiguration;
import software.amazon.awssdk.services.sfn.model.SfnException;
import software.amazon.awssdk.services.sfn.model.StateMachineType;
import software.amazon.awssdk.services.sfn.model.StateMachineTypeNotSupportedException;
import software.amazon.awssdk.services.sfn.model.TracingConfiguration;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a real AWS client is told about bad requests, and the describe fields it expects, through SfnClient. */
class SfnApiValidationTest {
    static LocalSfnApi api;
    static String standard;

    /** Returns at once; the waitForTaskToken task it serves stays open. */
    public static final class Ignore implements RequestHandler<Map<String, Object>, Object> {
        @Override
        public Object handleRequest(Map<String, Object> input, Context context) {
            return Map.of();
        }
    }

    @BeforeAll
    static void start() throws Exception {
        api = LocalSfnApi.start(new InProcessLambdaFunctions().register("Ignore", new Ignore()));
        standard = api.create("orders", StateMachineType.STANDARD, """
                {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}""");
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void startSyncExecutionOfAStandardMachineIsRefusedWithStateMachineTypeNotSupported() {
        String machine = api.create("not-sync", StateMachineType.STANDARD, """
                {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}""");

        StateMachineTypeNotSupportedException e = assertThrows(StateMachineTypeNotSupportedException.class,
                () -> api.client().startSyncExecution(b -> b.stateMachineArn(machine)));

        assertEquals(400, e.statusCode());
        assertEquals("StateMachineTypeNotSupported", e.awsErrorDetails().errorCode());
        assertEquals("This operation is not supported by this type of state machine: '" + machine + "'",
                e.awsErrorDetails().errorMessage());
        assertTrue(api.client().listExecutions(b -> b.stateMachineArn(machine)).executions().isEmpty());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "arn:aws:states:us-east-1:123:stateMachine|Invalid Arn: 'Invalid account id: arn:aws:states:us-east-1:123:stateMachine'",
        "arn:aws:states:us-east-1:123456789012:stateMachine|Invalid Arn: 'Invalid resource name: arn:aws:states:us-east-1:123456789012:stateMachine'",
        "orders|Invalid Arn: 'Invalid ARN prefix: orders'",
        "arn:aws:states:us-east-1:123456789012:execution:orders:e-1|Invalid Arn: 'Resource type not valid in this context: execution'",
        "arn:aws:lambda:us-east-1:123456789012:function:orders|Invalid Arn: 'Invalid ARN service: arn:aws:lambda:us-east-1:123456789012:function:orders'"})
    void aMalformedStateMachineArnIsInvalidArn(String arn, String message) {
        InvalidArnException describe = assertThrows(InvalidArnException.class,
                () -> api.client().describeStateMachine(b -> b.stateMachineArn(arn)));
        InvalidArnException start = assertThrows(InvalidArnException.class,
                () -> api.client().startExecution(b -> b.stateMachineArn(arn)));

        assertEquals(message, describe.awsErrorDetails().errorMessage());
        assertEquals(message, start.awsErrorDetails().errorMessage());
    }

    @Test
    void aStateMachineArnWhereAnExecutionArnIsExpectedIsInvalidArn() {
        InvalidArnException describe = assertThrows(InvalidArnException.class,
                () -> api.client().describeExecution(b -> b.executionArn(standard)));
        InvalidArnException history = assertThrows(InvalidArnException.class,
                () -> api.client().getExecutionHistory(b -> b.executionArn("arn:aws:states:us-east-1:123456789012:execution:orders")));

        assertEquals("Invalid Arn: 'Resource type not valid in this context: stateMachine'", describe.awsErrorDetails().errorMessage());
        assertEquals("Invalid Arn: 'Invalid resource name: arn:aws:states:us-east-1:123456789012:execution:orders'",
                history.awsErrorDetails().errorMessage());
    }

    @Test
    void aNextTokenThatIsNotOneOfTheListsOwnIsInvalidToken() {
        String exec = api.client().startExecution(b -> b.stateMachineArn(standard)).executionArn();
        api.awaitEnd(exec);
        String historyToken = api.client().getExecutionHistory(b -> b.executionArn(exec).maxResults(2)).nextToken();

        InvalidTokenException garbage = assertThrows(InvalidTokenException.class,
                () -> api.client().listExecutions(b -> b.stateMachineArn(standard).nextToken("garbage")));
        InvalidTokenException foreign = assertThrows(InvalidTokenException.class,
                () -> api.client().listExecutions(b -> b.stateMachineArn(standard).nextToken(historyToken)));

        assertEquals("Invalid Token: 'garbage'", garbage.awsErrorDetails().errorMessage());
        assertEquals("Invalid Token: '" + historyToken + "'", foreign.awsErrorDetails().errorMessage());
        assertEquals(List.of("ExecutionStarted", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"),
                api.client().getExecutionHistoryPaginator(b -> b.executionArn(exec).maxResults(1)).events().stream()
                        .map(e -> e.typeAsString()).toList());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "admin|Invalid Arn: 'Invalid ARN prefix: admin'",
        "arn:aws:iam::123:role/sfn|Invalid Arn: 'Invalid account id: arn:aws:iam::123:role/sfn'",
        "arn:aws:iam::123456789012:user/alice|Invalid Arn: 'Resource type not valid in this context: user'",
        "arn:aws:iam::123456789012:role/|Invalid Arn: 'Invalid role name: arn:aws:iam::123456789012:role/'",
        "arn:aws:states:us-east-1:123456789012:role/sfn|Invalid Arn: 'Invalid ARN service: arn:aws:states:us-east-1:123456789012:role/sfn'"})
    void aRoleArnThatIsNotAnIamRoleIsInvalidArnOnCreateAndUpdate(String role, String message) {
        InvalidArnException create = assertThrows(InvalidArnException.class, () -> api.client().createStateMachine(b -> b
                .name("bad-role").roleArn(role).definition("{\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Pass\", \"End\": true}}}")));
        InvalidArnException update = assertThrows(InvalidArnException.class,
                () -> api.client().updateStateMachine(b -> b.stateMachineArn(standard).roleArn(role)));

        assertEquals(message, create.awsErrorDetails().errorMessage());
        assertEquals(message, update.awsErrorDetails().errorMessage());
    }

    @Test
    void aRoleWithAPathIsAccepted() {
        String arn = api.client().createStateMachine(b -> b.name("pathed").roleArn("arn:aws:iam::123456789012:role/service-role/StepFunctions-pathed")
                .definition("{\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Pass\", \"End\": true}}}")).stateMachineArn();

        assertEquals("arn:aws:iam::123456789012:role/service-role/StepFunctions-pathed",
                api.client().describeStateMachine(b -> b.stateMachineArn(arn)).roleArn());
    }

    @Test
    void validationMessagesNameTheFieldAndTheAllowedValuesAndNoJavaClass() {
        SfnException type = assertThrows(SfnException.class, () -> api.client().createStateMachine(b -> b.name("typed")
                .roleArn(LocalSfnApi.ROLE).type("BATCH").definition("{}")));
        SfnException role = assertThrows(SfnException.class, () -> api.client().createStateMachine(b -> b.name("roleless")
                .definition("{\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Pass\", \"End\": true}}}")));
        SfnException filter = assertThrows(SfnException.class,
                () -> api.client().listExecutions(b -> b.stateMachineArn(standard).statusFilter("DONE")));

        assertEquals("1 validation error detected: Value 'BATCH' at 'type' failed to satisfy constraint: Member must "
                + "satisfy enum value set: [STANDARD, EXPRESS]", type.awsErrorDetails().errorMessage());
        assertEquals("1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null",
                role.awsErrorDetails().errorMessage());
        assertEquals("ValidationException", filter.awsErrorDetails().errorCode());
        for (SfnException e : List.of(type, role, filter)) {
            assertFalse(e.awsErrorDetails().errorMessage().matches("(?s).*\\b(java|dev\\.onebox)\\.[a-z].*"),
                    e.awsErrorDetails().errorMessage());
        }
    }

    @Test
    void aStateMachineDescribesTheLoggingAndTracingItWasCreatedWith() {
        String group = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/states/traced:*";
        String traced = api.client().createStateMachine(b -> b.name("traced").roleArn(LocalSfnApi.ROLE)
                .definition("{\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Pass\", \"End\": true}}}")
                .loggingConfiguration(l -> l.level(LogLevel.ERROR).includeExecutionData(true)
                        .destinations(d -> d.cloudWatchLogsLogGroup(g -> g.logGroupArn(group))))
                .tracingConfiguration(t -> t.enabled(true))).stateMachineArn();

        DescribeStateMachineResponse plain = api.client().describeStateMachine(b -> b.stateMachineArn(standard));
        DescribeStateMachineResponse described = api.client().describeStateMachine(b -> b.stateMachineArn(traced));
        api.client().updateStateMachine(b -> b.stateMachineArn(traced).tracingConfiguration(t -> t.enabled(false)));
        DescribeStateMachineResponse updated = api.client().describeStateMachine(b -> b.stateMachineArn(traced));
        String exec = api.client().startExecution(b -> b.stateMachineArn(traced)).executionArn();

        assertEquals(LoggingConfiguration.builder().level(LogLevel.OFF).includeExecutionData(false).build(),
                plain.loggingConfiguration());
        assertEquals(TracingConfiguration.builder().enabled(false).build(), plain.tracingConfiguration());
        assertEquals(LogLevel.ERROR, described.loggingConfiguration().level());
        assertTrue(described.loggingConfiguration().includeExecutionData());
        assertEquals(group, described.loggingConfiguration().destinations().get(0).cloudWatchLogsLogGroup().logGroupArn());
        assertTrue(described.tracingConfiguration().enabled());
        assertFalse(updated.tracingConfiguration().enabled());
        assertEquals(LogLevel.ERROR, updated.loggingConfiguration().level());
        assertEquals(LogLevel.ERROR, api.client().describeStateMachineForExecution(b -> b.executionArn(exec))
                .loggingConfiguration().level());
    }

    @Test
    void loggingAboveOffWithoutADestinationIsAnInvalidLoggingConfiguration() {
        SfnException e = assertThrows(SfnException.class, () -> api.client().createStateMachine(b -> b.name("unlogged")
                .roleArn(LocalSfnApi.ROLE).definition("{\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Pass\", \"End\": true}}}")
                .loggingConfiguration(l -> l.level(LogLevel.ALL))));

        assertEquals("InvalidLoggingConfiguration", e.awsErrorDetails().errorCode());
    }

    @Test
    void describeExecutionTellsWhetherAndWhyAnExecutionCanBeRedriven() {
        String holding = api.create("holding", StateMachineType.STANDARD, """
                {"StartAt": "Wait", "States": {"Wait": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                  "Parameters": {"FunctionName": "Ignore", "Payload": {"token.$": "$$.Task.Token"}}, "End": true}}}""");
        String failing = api.create("failing", StateMachineType.STANDARD, """
                {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E", "Cause": "c"}}}""");
        String running = api.client().startExecution(b -> b.stateMachineArn(holding)).executionArn();
        String succeeded = api.client().startExecution(b -> b.stateMachineArn(standard)).executionArn();
        String failed = api.client().startExecution(b -> b.stateMachineArn(failing)).executionArn();
        api.awaitEnd(succeeded);
        api.awaitEnd(failed);

        DescribeExecutionResponse r = api.client().describeExecution(b -> b.executionArn(running));
        DescribeExecutionResponse s = api.client().describeExecution(b -> b.executionArn(succeeded));
        DescribeExecutionResponse f = api.client().describeExecution(b -> b.executionArn(failed));

        assertEquals(ExecutionStatus.RUNNING, r.status());
        assertEquals(ExecutionRedriveStatus.NOT_REDRIVABLE, r.redriveStatus());
        assertEquals("Execution is RUNNING and cannot be redriven", r.redriveStatusReason());
        assertEquals(ExecutionRedriveStatus.NOT_REDRIVABLE, s.redriveStatus());
        assertEquals("Execution is SUCCEEDED and cannot be redriven", s.redriveStatusReason());
        assertEquals(ExecutionRedriveStatus.REDRIVABLE, f.redriveStatus());
        assertNull(f.redriveStatusReason());
        for (DescribeExecutionResponse d : List.of(r, s, f)) {
            assertEquals(0, d.redriveCount());
            assertNull(d.redriveDate());
        }
        api.client().stopExecution(b -> b.executionArn(running));
    }
}
