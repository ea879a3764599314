package dev.onebox.sfn;

import dev.onebox.sfn.api.SfnApiServer;
import dev.onebox.sfn.asl.SfnClock;
import dev.onebox.sfn.tasks.InProcessLambdaFunctions;
import dev.onebox.sfn.asl.Json;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;
import software.amazon.awssdk.services.sfn.model.InvalidDefinitionException;
import software.amazon.awssdk.services.sfn.model.StateMachineType;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The AWS SDK's SfnClient against the local executor over the JSON 1.0 protocol (loopback only). */
class SfnApiServerTest {
    static final BlockingQueue<String> TOKENS = new LinkedBlockingQueue<>();
    static final AtomicInteger FAILING_CALLS = new AtomicInteger();

    static LocalStepFunctions sfn;
    static SfnApiServer server;
    static SfnClient client;
    static InProcessLambdaFunctions functions;

    /** A handler that always fails, as a Lambda Java handler would. */
    public static final class FailingHandler implements RequestHandler<Map<String, Object>, String> {
        @Override
        public String handleRequest(Map<String, Object> input, Context context) {
            FAILING_CALLS.incrementAndGet();
            throw new IllegalStateException("projection store unavailable");
        }
    }

    /** A handler that hands its task token to the test, which answers with SendTaskSuccess. */
    public static final class TokenHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
        @Override
        public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
            TOKENS.add((String) input.get("token"));
            return Map.of("accepted", true);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        functions = new InProcessLambdaFunctions()
                .register("Failing", FailingHandler.class)
                .register("Token", new TokenHandler());
        sfn = LocalStepFunctions.builder().clock(SfnClock.instant()).lambdaFunctions(functions).build();
        server = new SfnApiServer(sfn, 0).start();
        client = SfnClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + server.port()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(SfnApiServer.clientOverrides())
                .build();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
        sfn.close();
    }

    static String create(String name, String definition) {
        return client.createStateMachine(b -> b.name(name).definition(definition)
                .roleArn("arn:aws:iam::123456789012:role/sfn").type(StateMachineType.STANDARD)).stateMachineArn();
    }

    static DescribeExecutionResponse await(String executionArn) {
        return Awaitility.await("the end of execution " + executionArn).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5))
                .until(() -> client.describeExecution(b -> b.executionArn(executionArn)), d -> d.status() != ExecutionStatus.RUNNING);
    }

    static List<HistoryEvent> history(String executionArn) {
        return client.getExecutionHistoryPaginator(b -> b.executionArn(executionArn).maxResults(1000))
                .events().stream().collect(Collectors.toList());
    }

    @Test
    void startsDescribesAndListsAnExecutionWithItsHistory() throws Exception {
        String arn = create("hello", """
                {"StartAt": "Greet", "States": {
                  "Greet": {"Type": "Pass", "Parameters": {"greeting.$": "States.Format('hello {}', $.who)"}, "Next": "Nap"},
                  "Nap": {"Type": "Wait", "Seconds": 86400, "End": true}}}""");
        String exec = client.startExecution(b -> b.stateMachineArn(arn).name("first").input("{\"who\":\"world\"}")).executionArn();
        DescribeExecutionResponse d = await(exec);
        assertEquals(ExecutionStatus.SUCCEEDED, d.status());
        assertEquals(Map.of("greeting", "hello world"), Json.parse(d.output()));
        assertEquals("first", d.name());
        assertNotNull(d.stopDate());
        List<HistoryEventType> types = history(exec).stream().map(HistoryEvent::type).toList();
        assertEquals(List.of(HistoryEventType.EXECUTION_STARTED, HistoryEventType.PASS_STATE_ENTERED,
                HistoryEventType.PASS_STATE_EXITED, HistoryEventType.WAIT_STATE_ENTERED,
                HistoryEventType.WAIT_STATE_EXITED, HistoryEventType.EXECUTION_SUCCEEDED), types);
        HistoryEvent entered = history(exec).get(1);
        assertEquals("Greet", entered.stateEnteredEventDetails().name());
        assertEquals(1, client.listExecutions(b -> b.stateMachineArn(arn)).executions().size());
        assertTrue(client.listStateMachines().stateMachines().stream().anyMatch(s -> s.stateMachineArn().equals(arn)));
        // the same name and input again is idempotent only while running; now it is a conflict
        assertThrows(software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException.class,
                () -> client.startExecution(b -> b.stateMachineArn(arn).name("first").input("{\"who\":\"world\"}")));
        assertThrows(ExecutionDoesNotExistException.class,
                () -> client.describeExecution(b -> b.executionArn(arn.replace("stateMachine", "execution") + ":nope")));
    }

    @Test
    void startSyncExecutionRunsAnExpressMachineToTheEnd() {
        String arn = client.createStateMachine(b -> b.name("express-sum").type(StateMachineType.EXPRESS)
                .roleArn("arn:aws:iam::123456789012:role/sfn").definition("""
                {"StartAt": "Sum", "States": {"Sum": {"Type": "Pass", "Parameters": {"sum.$": "States.MathAdd($.a, $.b)"}, "End": true}}}""")).stateMachineArn();
        var r = client.startSyncExecution(b -> b.stateMachineArn(arn).input("{\"a\":1,\"b\":2}"));
        assertEquals(software.amazon.awssdk.services.sfn.model.SyncExecutionStatus.SUCCEEDED, r.status());
        assertEquals(Map.of("sum", 3), Json.parse(r.output()));
        assertTrue(r.executionArn().contains(":express:express-sum:"), r.executionArn());
    }

    @Test
    void refusesAnInvalidDefinitionNamingStateAndField() {
        InvalidDefinitionException e = assertThrows(InvalidDefinitionException.class, () -> create("broken", """
                {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Missing"}}}"""));
        assertTrue(e.getMessage().contains("/States/A/Next"), e.getMessage());
        var v = client.validateStateMachineDefinition(b -> b.definition("""
                {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Missing"}}}"""));
        assertEquals("FAIL", v.resultAsString());
        assertEquals("MISSING_TRANSITION_TARGET", v.diagnostics().get(0).code());
        assertEquals("/States/A/Next", v.diagnostics().get(0).location());
    }

    @Test
    void waitForTaskTokenCompletesWhenTheTokenIsSent() throws Exception {
        String arn = create("token-round-trip", """
                {"StartAt": "Ask", "States": {
                  "Ask": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                          "Parameters": {"FunctionName": "Token", "Payload": {"token.$": "$$.Task.Token"}},
                          "ResultPath": "$.answer", "HeartbeatSeconds": 60, "End": true}}}""");
        String exec = client.startExecution(b -> b.stateMachineArn(arn).input("{\"q\":1}")).executionArn();
        String token = TOKENS.poll(10, TimeUnit.SECONDS);
        assertNotNull(token, "the handler did not receive a task token");
        client.sendTaskHeartbeat(b -> b.taskToken(token));
        client.sendTaskSuccess(b -> b.taskToken(token).output("{\"approved\":true}"));
        DescribeExecutionResponse d = await(exec);
        assertEquals(ExecutionStatus.SUCCEEDED, d.status(), d.cause());
        assertEquals(Map.of("q", 1, "answer", Map.of("approved", true)), Json.parse(d.output()));
        assertThrows(software.amazon.awssdk.services.sfn.model.TaskDoesNotExistException.class,
                () -> client.sendTaskSuccess(b -> b.taskToken(token).output("{}")));

        String rejected = client.startExecution(b -> b.stateMachineArn(arn).input("{\"q\":2}")).executionArn();
        String second = TOKENS.poll(10, TimeUnit.SECONDS);
        assertNotNull(second);
        client.sendTaskFailure(b -> b.taskToken(second).error("Rejected").cause("not approved"));
        DescribeExecutionResponse f = await(rejected);
        assertEquals(ExecutionStatus.FAILED, f.status());
        assertEquals("Rejected", f.error());
        assertEquals("not approved", f.cause());
    }

    @Test
    void retriesAFailingLambdaThenCatchesItsJavaErrorName() throws Exception {
        FAILING_CALLS.set(0);
        String arn = create("retry-catch", """
                {"StartAt": "Project", "States": {
                  "Project": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                              "Parameters": {"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:Failing", "Payload.$": "$"},
                              "Retry": [{"ErrorEquals": ["java.lang.IllegalStateException"], "IntervalSeconds": 30, "MaxAttempts": 2, "BackoffRate": 2}],
                              "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.failure", "Next": "Recover"}],
                              "End": true},
                  "Recover": {"Type": "Pass", "End": true}}}""");
        String exec = client.startExecution(b -> b.stateMachineArn(arn).input("{\"id\":\"a-1\"}")).executionArn();
        DescribeExecutionResponse d = await(exec);
        assertEquals(ExecutionStatus.SUCCEEDED, d.status(), d.cause());
        @SuppressWarnings("unchecked")
        Map<String, Object> failure = (Map<String, Object>) ((Map<String, Object>) Json.parse(d.output())).get("failure");
        assertEquals("java.lang.IllegalStateException", failure.get("Error"));
        @SuppressWarnings("unchecked")
        Map<String, Object> cause = (Map<String, Object>) Json.parse((String) failure.get("Cause"));
        assertEquals("projection store unavailable", cause.get("errorMessage"));
        assertEquals("java.lang.IllegalStateException", cause.get("errorType"));
        assertEquals(3, FAILING_CALLS.get());
        long failed = history(exec).stream().filter(e -> e.type() == HistoryEventType.TASK_FAILED).count();
        assertEquals(3, failed);
    }

    @Test
    void runsAChildExecutionWithSync2() throws Exception {
        String child = create("child", """
                {"StartAt": "Double", "States": {
                  "Double": {"Type": "Pass", "Parameters": {"doubled.$": "States.MathAdd($.n, $.n)"}, "End": true}}}""");
        String parent = create("parent", """
                {"StartAt": "RunChild", "States": {
                  "RunChild": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
                               "Parameters": {"StateMachineArn": "%s", "Input": {"n.$": "$.n"}},
                               "OutputPath": "$.Output", "End": true}}}""".formatted(child));
        String exec = client.startExecution(b -> b.stateMachineArn(parent).input("{\"n\":21}")).executionArn();
        DescribeExecutionResponse d = await(exec);
        assertEquals(ExecutionStatus.SUCCEEDED, d.status(), d.cause());
        assertEquals(Map.of("doubled", 42), Json.parse(d.output()));
        assertEquals(1, client.listExecutions(b -> b.stateMachineArn(child)).executions().size());
    }

    @Test
    void aLoopHitsTheHistoryLimitAsAwsDoes() throws Exception {
        String arn = create("endless", """
                {"StartAt": "Spin", "States": {
                  "Spin": {"Type": "Pass", "Next": "Again"},
                  "Again": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "BooleanEquals": true, "Next": "Done"}], "Default": "Spin"},
                  "Done": {"Type": "Succeed"}}}""");
        String exec = client.startExecution(b -> b.stateMachineArn(arn).input("{\"stop\":false}")).executionArn();
        DescribeExecutionResponse d = await(exec);
        assertEquals(ExecutionStatus.FAILED, d.status());
        assertEquals("States.Runtime", d.error());
        assertEquals("The execution reached the maximum number of history events (25000).", d.cause());
        List<HistoryEvent> lastTwo = client.getExecutionHistory(b -> b.executionArn(exec).reverseOrder(true).maxResults(2)).events();
        HistoryEvent last = lastTwo.get(0);
        assertEquals(25_000L, last.id());
        assertEquals(HistoryEventType.EXECUTION_FAILED, last.type());
        assertEquals("States.Runtime", last.executionFailedEventDetails().error());
        assertEquals(24_999L, lastTwo.get(1).id());
        assertEquals(HistoryEventType.PASS_STATE_EXITED, lastTwo.get(1).type()); // 1 + 4 per loop: event 24,999 exits Spin
    }

    @Test
    void continuingAsNewKeepsEveryExecutionUnderTheLimit() throws Exception {
        // 4 events per iteration: 5,000 iterations per execution stays under 25,000 events;
        // the machine then starts a fresh execution of itself with the counter and ends.
        String arn = create("continue-as-new", """
                {"StartAt": "Work", "States": {
                  "Work": {"Type": "Pass",
                           "Parameters": {"done.$": "States.MathAdd($.done, 1)", "total.$": "$.total", "batch.$": "States.MathAdd($.batch, 1)"},
                           "Next": "Check"},
                  "Check": {"Type": "Choice", "Choices": [
                      {"Variable": "$.done", "NumericGreaterThanEqualsPath": "$.total", "Next": "Finished"},
                      {"Variable": "$.batch", "NumericGreaterThanEquals": 5000, "Next": "ContinueAsNew"}],
                    "Default": "Work"},
                  "ContinueAsNew": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution",
                    "Parameters": {"StateMachineArn.$": "$$.StateMachine.Id",
                                   "Input": {"done.$": "$.done", "total.$": "$.total", "batch": 0}},
                    "End": true},
                  "Finished": {"Type": "Succeed"}}}""");
        client.startExecution(b -> b.stateMachineArn(arn).input("{\"done\":0,\"total\":17000,\"batch\":0}"));
        List<software.amazon.awssdk.services.sfn.model.ExecutionListItem> all = Awaitility.await("4 executions ended")
                .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                .until(() -> client.listExecutions(b -> b.stateMachineArn(arn)).executions(),
                        l -> l.size() == 4 && l.stream().allMatch(e -> e.status() != ExecutionStatus.RUNNING));
        assertEquals(4, all.size());
        assertTrue(all.stream().allMatch(e -> e.status() == ExecutionStatus.SUCCEEDED), all.toString());
        List<Object> outputs = all.stream()
                .map(e -> Json.parse(client.describeExecution(b -> b.executionArn(e.executionArn())).output())).toList();
        assertTrue(outputs.contains(Map.of("done", 17000, "total", 17000, "batch", 2000)), outputs.toString());
        for (var e : all) {
            assertTrue(sfn.getExecutionHistory(e.executionArn()).size() < 25_000);
        }
    }
}
